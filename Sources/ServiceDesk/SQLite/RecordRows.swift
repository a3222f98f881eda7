import Foundation
import GRDB
import Shared

// The records every status snapshot, customer and list read fetches, read column by column instead of through
// their Codable conformance: GRDB's row decoder boxes a keyed container per row and dispatches every column
// through it, and reads every date through a Calendar; that was a sixth of a snapshot's CPU. Columns are still
// found by name (the CodingKeys, through Shared's `Row.value`), so a column added by a later migration moves
// nothing; the other records keep Codable (SQLiteServiceDeskStore.swift).

extension Company {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), name: try row.value(CodingKeys.name),
            status: try row.choice(CodingKeys.status), mrrCents: try row.value(CodingKeys.mrrCents), currency: try row.value(CodingKeys.currency),
            domain: try row.value(CodingKeys.domain), phone: try row.value(CodingKeys.phone), createdAt: try row.date(CodingKeys.createdAt),
            updatedAt: try row.date(CodingKeys.updatedAt)
        )
    }
}

extension CompanyContact {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), companyID: try row.value(CodingKeys.companyID),
            name: try row.value(CodingKeys.name), email: try row.value(CodingKeys.email), phone: try row.value(CodingKeys.phone),
            title: try row.value(CodingKeys.title), isPrimary: try row.value(CodingKeys.isPrimary)
        )
    }
}

extension CompanySite {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), companyID: try row.value(CodingKeys.companyID),
            name: try row.value(CodingKeys.name), address: try row.value(CodingKeys.address), city: try row.value(CodingKeys.city),
            country: try row.value(CodingKeys.country)
        )
    }
}

extension Ticket {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), number: try row.value(CodingKeys.number),
            companyID: try row.value(CodingKeys.companyID), subject: try row.value(CodingKeys.subject), status: try row.choice(CodingKeys.status),
            priority: try row.choice(CodingKeys.priority), requesterEmail: try row.value(CodingKeys.requesterEmail),
            assignee: try row.value(CodingKeys.assignee), assetID: try row.value(CodingKeys.assetID), createdAt: try row.date(CodingKeys.createdAt),
            updatedAt: try row.date(CodingKeys.updatedAt)
        )
    }
}

extension Alert {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), companyID: try row.value(CodingKeys.companyID),
            assetID: try row.value(CodingKeys.assetID), title: try row.value(CodingKeys.title), severity: try row.choice(CodingKeys.severity),
            status: try row.choice(CodingKeys.status), source: try row.value(CodingKeys.source), createdAt: try row.date(CodingKeys.createdAt),
            updatedAt: try row.date(CodingKeys.updatedAt)
        )
    }
}

extension BackupJob {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), companyID: try row.value(CodingKeys.companyID),
            assetID: try row.value(CodingKeys.assetID), name: try row.value(CodingKeys.name), vendor: try row.value(CodingKeys.vendor),
            status: try row.choice(CodingKeys.status), lastRunAt: try row.date(CodingKeys.lastRunAt),
            lastSuccessAt: try row.optionalDate(CodingKeys.lastSuccessAt), message: try row.value(CodingKeys.message)
        )
    }
}

extension Contract {
    public init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), companyID: try row.value(CodingKeys.companyID),
            name: try row.value(CodingKeys.name), startsOn: try row.date(CodingKeys.startsOn), endsOn: try row.date(CodingKeys.endsOn),
            valueCents: try row.value(CodingKeys.valueCents), currency: try row.value(CodingKeys.currency)
        )
    }
}
