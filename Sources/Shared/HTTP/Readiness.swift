import Hummingbird
import Logging

/// `GET /readyz`: whether this instance can serve requests now, for a load balancer or orchestrator to take it
/// out of rotation while it cannot. `/healthz` stays a liveness check (the process answers): restarting a
/// server does not bring its database back, so a database outage must not be reported as a dead process.
/// The answer names what is failing and no more (it is served to anyone); the reason goes to the log.
public struct Readiness: Sendable {
    /// Returns nil when the dependency answers, else what is wrong, for the log.
    public typealias Check = @Sendable () async -> String?

    public struct Answer: Codable, Sendable, Equatable {
        public let status: String
        public let service: String
        public let failing: [String]?
    }

    public static let path = "/readyz"

    let service: String
    let checks: [(name: String, check: Check)]
    let logger: Logger

    public init(service: String, logger: Logger, checks: [(name: String, check: Check)]) {
        self.service = service
        self.logger = logger
        self.checks = checks
    }

    /// 200 `{"status": "ready"}`, or 503 `{"status": "not_ready", "failing": [...]}`; never cached.
    public func response() async throws -> Response {
        var failing: [String] = []
        for (name, check) in checks {
            guard let problem = await check() else { continue }
            failing.append(name)
            logger.warning("not ready", metadata: ["dependency": "\(name)", "problem": "\(problem)"])
        }
        let answer = Answer(status: failing.isEmpty ? "ready" : "not_ready", service: service, failing: failing.isEmpty ? nil : failing)
        return try JSONResponse.make(answer, status: failing.isEmpty ? .ok : .serviceUnavailable)
    }

    /// A check that `read` succeeds.
    public static func succeeds(_ read: @escaping @Sendable () async throws -> Void) -> Check {
        {
            do {
                try await read()
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
