import Foundation
import Shared

/// Rate limits of the endpoints clients call with their credentials (policy in `AuthPolicy.TokenEndpoint`).
/// The address is checked before anything is parsed or verified; the client once it has authenticated, so
/// requests that merely name a client (ChatGPT's, say) cannot use up that client's allowance.
struct ClientRequestLimits: Sendable {
    private let perAddress: RateLimiter
    private let perClient: RateLimiter

    init(requestsPerMinute: Int) {
        perAddress = RateLimiter(limit: requestsPerMinute, per: 60)
        perClient = RateLimiter(limit: requestsPerMinute, per: 60)
    }

    func admit(address: ClientAddress?, now: Date) throws(OAuthError) {
        if let retryAfter = perAddress.admit(address?.limitKey ?? ClientAddress.unknownKey, now: now) {
            throw .tooManyRequests("Too many requests from this address; try again later", retryAfter: retryAfter)
        }
    }

    func admit(client: Client, now: Date) throws(OAuthError) {
        if let retryAfter = perClient.admit(client.tenantID + " " + client.id, now: now) {
            throw .tooManyRequests("Too many requests for this client; try again later", retryAfter: retryAfter)
        }
    }
}
