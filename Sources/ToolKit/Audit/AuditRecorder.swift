import Logging
import Synchronization

/// Stores the audit entries of calls that write nothing, in batches: one transaction per short interval
/// instead of one per call, so auditing every read costs the read path next to nothing. What is still
/// pending when the process dies uncleanly is lost (at most `delay` worth of reads); writes never depend
/// on this, they commit their entry with their change. `flush` runs on shutdown and before the log is read.
public final class AuditRecorder: Sendable {
    private struct Pending {
        var entries: [AuditEntry] = []
        var flushScheduled = false
        /// The newest batch; each batch waits for the one before, so batches are stored in order and a
        /// finished `flush` means everything recorded before it is stored, even what another flush took.
        var lastBatch: Task<Void, Never>?
    }

    private let store: any AuditLogStore
    private let logger: Logger
    private let delay: Duration
    private let pending = Mutex(Pending())

    public init(store: any AuditLogStore, logger: Logger, delay: Duration = .milliseconds(100)) {
        self.store = store
        self.logger = logger
        self.delay = delay
    }

    public func record(_ entry: AuditEntry) {
        let schedule = pending.withLock { pending in
            pending.entries.append(entry)
            defer { pending.flushScheduled = true }
            return !pending.flushScheduled
        }
        guard schedule else { return }
        Task {
            try? await Task.sleep(for: delay)
            await flush()
        }
    }

    /// Stores everything recorded so far.
    public func flush() async {
        let batch = pending.withLock { pending in
            let previous = pending.lastBatch
            let batch = Task {
                await previous?.value
                await self.storePending()
            }
            pending.lastBatch = batch
            return batch
        }
        await batch.value
    }

    private func storePending() async {
        let entries = pending.withLock { pending in
            defer {
                pending.entries = []
                pending.flushScheduled = false
            }
            return pending.entries
        }
        guard !entries.isEmpty else { return }
        do {
            try await store.appendAudit(entries)
        } catch {
            logger.error("audit entries could not be stored", metadata: ["count": "\(entries.count)", "error": "\(error)"])
        }
    }
}
