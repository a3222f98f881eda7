/// Body of `GET /healthz`.
public struct HealthResponse: Codable, Sendable {
    public let status: String
    public let service: String
    public init(service: String) {
        self.status = "ok"
        self.service = service
    }
}
