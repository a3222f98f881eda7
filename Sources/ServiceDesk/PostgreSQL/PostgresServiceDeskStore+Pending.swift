import Foundation
import ToolKit

/// What PostgreSQL does not do yet: search answers with this error instead of a wrong result.
public struct PostgresServiceDeskNotBuilt: Error, CustomStringConvertible {
    public let feature: String
    public var description: String { "the service desk's \(feature) is not built on PostgreSQL yet" }
}

extension PostgresServiceDeskStore {
    public func searchTickets(_ text: String, filter: TicketFilter, limit: Int, scope: ServiceDeskScope) async throws -> Page<TicketSearchHit> {
        throw PostgresServiceDeskNotBuilt(feature: "search")
    }

    public func searchEverything(
        _ text: String, kinds: [GlobalSearchHit.Kind], limitPerKind: Int, scope: ServiceDeskScope
    ) async throws -> Page<GlobalSearchHit> {
        throw PostgresServiceDeskNotBuilt(feature: "search")
    }
}
