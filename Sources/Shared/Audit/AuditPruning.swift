import Foundation
import Logging
import ServiceLifecycle

/// Forgets audit entries older than the retention (`AuditRetention`): once at start, then every `interval`, for as
/// long as the server runs. Each server passes its own store's prune.
public struct AuditPruning: Service {
    let days: Int
    let interval: Duration
    let logger: Logger
    let prune: @Sendable (Date) async throws -> Int

    public init(days: Int, interval: Duration = AuditRetention.pruneInterval, logger: Logger, prune: @escaping @Sendable (Date) async throws -> Int) {
        self.days = days
        self.interval = interval
        self.logger = logger
        self.prune = prune
    }

    /// Ends at the server's graceful shutdown: the wait between passes is cancelled then.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pruneOnce(now: Date())
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; a failure is logged and retried at the next.
    public func pruneOnce(now: Date) async {
        do {
            let pruned = try await prune(AuditRetention.cutoff(days: days, now: now))
            if pruned > 0 { logger.info("audit entries past their retention pruned", metadata: ["count": "\(pruned)", "days": "\(days)"]) }
        } catch {
            logger.error("audit entries could not be pruned", metadata: ["error": "\(error)"])
        }
    }
}
