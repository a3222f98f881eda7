import Foundation
import Shared

/// Rate limits of the endpoints clients call with their credentials (policy in `AuthPolicy.TokenEndpoint`).
/// The address is checked before anything is parsed or verified; the client once it has authenticated, so
/// requests that merely name a client (ChatGPT's, say) cannot use up that client's allowance. On PostgreSQL
/// every instance counts against the same allowance.
struct ClientRequestLimits: Sendable {
    private let perAddress: any RequestLimiter
    private let perClient: any RequestLimiter

    init(requestsPerMinute: Int, limiters: RequestLimiters = .inMemory) {
        perAddress = limiters.make("client requests per address", limit: requestsPerMinute, per: 60)
        perClient = limiters.make("client requests per client", limit: requestsPerMinute, per: 60)
    }

    func admit(address: ClientAddress?, now: Date) async throws {
        if let retryAfter = try await perAddress.admit(address?.limitKey ?? ClientAddress.unknownKey, now: now) {
            throw OAuthError.tooManyRequests("Too many requests from this address; try again later", retryAfter: retryAfter)
        }
    }

    func admit(client: Client, now: Date) async throws {
        if let retryAfter = try await perClient.admit(client.tenantID + " " + client.id, now: now) {
            throw OAuthError.tooManyRequests("Too many requests for this client; try again later", retryAfter: retryAfter)
        }
    }
}
