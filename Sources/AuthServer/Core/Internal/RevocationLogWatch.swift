import Foundation
import Shared
import Synchronization

/// Wakes the open revocation streams of a tenant when its log grows. An append the store reports wakes them at
/// once: on SQLite, this process's own commits; on PostgreSQL, every process's (LISTEN/NOTIFY). One made by another
/// process that the store does not report (the `auth-server admin` commands on SQLite) is noticed by one check of
/// the tenant's last number every `interval`, shared by all its streams, and made only while a stream is waiting.
final class RevocationLogWatch: Sendable {
    typealias Latest = @Sendable (_ tenantID: String) async throws -> Int64

    private struct Waiter {
        let position: Int64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiters: [String: [UInt64: Waiter]] = [:]
        /// Tenants whose periodic check is running: one per tenant with a stream waiting.
        var checking: Set<String> = []
        var nextID: UInt64 = 0
        /// How many appends of this process were reported, so a stream that read the log just before one is not
        /// left waiting for the next periodic check.
        var appends: UInt64 = 0
        var shutDown = false
    }

    private let latest: Latest
    private let interval: Duration
    private let state = Mutex(State())
    private let observation = Mutex<StoreObservation?>(nil)

    init(interval: Duration = .milliseconds(150), latest: @escaping Latest) {
        self.latest = latest
        self.interval = interval
    }

    /// Watches `storage`, woken at once by the appends it reports. When it reports every process's, the periodic
    /// check is kept, slower, as a safety net rather than dropped: it also ends the waits whose time is up (the streams'
    /// keep-alives), and it bounds the delay should the listening connection die without an error (a peer gone
    /// silent), which no notification would reveal.
    /// `interval` overrides that choice (tests).
    convenience init(storage: any GrantStore, interval: Duration? = nil) {
        let interval = interval ?? (storage.reportsEveryProcessesAppends ? .seconds(1) : .milliseconds(150))
        self.init(interval: interval) { try await storage.latestRevocationSeq(tenantID: $0) }
        let observation = storage.observeRevocationAppends { [weak self] in self?.appended() }
        self.observation.withLock { $0 = observation }
    }

    /// Taken before reading the log, and handed to `wait` after.
    var appendsSoFar: UInt64 { state.withLock { $0.appends } }

    /// Returns once the tenant's last number is no longer `position` (it grew, or the log was renumbered), or
    /// after `timeout`, or when the task is cancelled; at once when this process appended since `appendsSoFar` was
    /// `seen`.
    func wait(tenantID: String, from position: Int64, seen: UInt64, timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before this point, the cancellation handler found nothing to resume: look here.
                let (registered, startChecking) = state.withLock { state -> (Bool, Bool) in
                    guard state.appends == seen, !state.shutDown, !Task.isCancelled else { return (false, false) }
                    state.waiters[tenantID, default: [:]][id] = Waiter(position: position, deadline: .now + timeout, continuation: continuation)
                    return (true, state.checking.insert(tenantID).inserted)
                }
                guard registered else { return continuation.resume() }
                if startChecking { Task { await self.checkPeriodically(tenantID) } }
            }
        } onCancel: {
            resume(tenantID, id)
        }
    }

    /// Called after this process appended: every tenant with a stream waiting is checked now.
    func appended() {
        let tenants = state.withLock { state in
            state.appends += 1
            return Array(state.waiters.keys)
        }
        for tenant in tenants { Task { await self.check(tenant) } }
    }

    var isShutDown: Bool { state.withLock { $0.shutDown } }

    /// The server is stopping: every stream is woken, and none waits again, so each ends and the server can stop.
    func shutDown() {
        let waiting = state.withLock { state in
            state.shutDown = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap { $0.values.map(\.continuation) }
        }
        for continuation in waiting { continuation.resume() }
    }

    private func checkPeriodically(_ tenantID: String) async {
        while true {
            try? await Task.sleep(for: interval)
            await check(tenantID)
            let done = state.withLock { state in
                guard state.waiters[tenantID, default: [:]].isEmpty else { return false }
                state.waiters[tenantID] = nil
                state.checking.remove(tenantID)
                return true
            }
            if done { return }
        }
    }

    /// Wakes the tenant's waiters whose position is behind the log (or ahead of it, after a renumbering) and
    /// those whose time is up. A failed read wakes nobody early: the streams then read the log themselves.
    private func check(_ tenantID: String) async {
        let head = try? await latest(tenantID)
        let now = ContinuousClock.now
        let due = state.withLock { state in
            let due = state.waiters[tenantID, default: [:]].filter { _, waiter in
                (head != nil && head != waiter.position) || waiter.deadline <= now
            }
            for id in due.keys { state.waiters[tenantID]?[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    private func resume(_ tenantID: String, _ id: UInt64) {
        state.withLock { $0.waiters[tenantID]?.removeValue(forKey: id) }?.continuation.resume()
    }
}
