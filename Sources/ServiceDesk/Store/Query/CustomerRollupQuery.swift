import Foundation

/// A customer's rollup (open tickets, open alerts, active devices, active contracts) as one statement on both
/// engines: the active contracts' aggregate, with a scalar subquery for each count. `get_customer` and every
/// status snapshot read it; as four statements it cost four preparations and, on PostgreSQL, four round trips
/// for four numbers. (Subqueries in FROM instead made SQLite build a temporary table for each, on every call.)
enum CustomerRollupQuery {
    /// Columns: open tickets, open alerts, active devices, active contracts, their summed value in cents, the
    /// soonest end among them (NULL when there is none).
    static let sql = """
        SELECT
        (SELECT count(*) FROM ticket WHERE tenant_id = ? AND company_id = ? AND status IN (\(placeholders(Ticket.Status.openStatuses.count)))),
        (SELECT count(*) FROM alert WHERE tenant_id = ? AND company_id = ? AND status IN (\(placeholders(Alert.Status.activeStatuses.count)))),
        (SELECT count(*) FROM asset WHERE tenant_id = ? AND company_id = ? AND status = ?),
        count(*), CAST(coalesce(sum(value_cents), 0) AS BIGINT), min(ends_on)
        FROM contract WHERE tenant_id = ? AND company_id = ? AND starts_on <= ? AND ends_on >= ?
        """

    static func values(tenantID: String, companyID: String, asOf now: Date) -> [SQLValue] {
        let company: [SQLValue] = [.text(tenantID), .text(companyID)]
        return company + Ticket.Status.openStatuses.map { .text($0.rawValue) }
            + company + Alert.Status.activeStatuses.map { .text($0.rawValue) }
            + company + [.text(Asset.Status.active.rawValue)]
            + company + [.date(now), .date(now)]
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
