import Hummingbird

/// Body of `GET /healthz`.
public struct HealthResponse: Codable, Sendable {
    public let status: String
    public let service: String
    public init(service: String) {
        self.status = "ok"
        self.service = service
    }

    /// The answer, encoded once: probes call it all day, and the benchmark takes it as the cost of a
    /// route that does nothing.
    public static func response(service: String) throws -> Response {
        try JSONResponse.make(HealthResponse(service: service))
    }
}
