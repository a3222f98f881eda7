import Foundation
import Shared
import Synchronization

/// The tenants' feature switches as every request reads them: from the store, kept a few seconds per tenant so
/// a busy server reads them once per interval, and a change made by `resource-server admin tenant set --feature`
/// or `PUT /internal/admin/features` reaches running servers within `lifetime` without a restart.
public final class FeatureSwitchboard: Sendable {
    private struct Entry {
        let switchedOff: Set<ToolModule>
        let expires: Date
    }

    /// Short, because an administrator who switches a module off expects it gone at once.
    public static let lifetime: TimeInterval = 2

    private let storage: any ResourceStorage
    private let entries = Mutex<[String: Entry]>([:])

    public init(storage: any ResourceStorage) {
        self.storage = storage
    }

    /// The switches while this process's copy is fresh, without suspending: the request path asks this first, so the
    /// common case never leaves the event loop.
    public func cached(tenantID: String, now: Date = Date()) -> Set<ToolModule>? {
        guard let entry = entries.withLock({ $0[tenantID] }), entry.expires > now else { return nil }
        return entry.switchedOff
    }

    public func switchedOff(tenantID: String, now: Date = Date()) async throws -> Set<ToolModule> {
        if let entry = entries.withLock({ $0[tenantID] }), entry.expires > now { return entry.switchedOff }
        let switchedOff = try await storage.switchedOffModules(tenantID: tenantID)
        entries.withLock { $0[tenantID] = Entry(switchedOff: switchedOff, expires: now.addingTimeInterval(Self.lifetime)) }
        return switchedOff
    }

    /// Stores the change and forgets this process's copy, so this server applies it to the next request.
    public func set(_ changes: [ToolModule: Bool], tenantID: String) async throws {
        try await storage.setFeatures(changes, tenantID: tenantID)
        _ = entries.withLock { $0.removeValue(forKey: tenantID) }
    }
}
