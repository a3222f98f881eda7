import Foundation
import Hummingbird
import Shared

/// Admits requests to the internal endpoints only from a resource-server: a client of kind
/// `resourceServer` authenticating with HTTP Basic (RFC 6749 §2.3.1). Anything else is 401 with a Basic
/// challenge (RFC 7235 §3.1), whatever the reason, so the endpoint says nothing about which clients exist.
struct ResourceServerAuthenticator: Sendable {
    let authenticator: ClientAuthenticator

    func authenticate(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date) async throws(ClientAuthenticator.Failure) -> Client {
        let refused = ClientAuthenticator.Failure(error: .invalidClient("Resource-server credentials are required"), usedBasic: true)
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("basic ") else { throw refused }
        do {
            let client = try await authenticator.authenticate(
                authorization: authorization, form: try FormParameters(query: nil), tenant: tenant, address: address, now: now)
            guard client.kind == .resourceServer else { throw refused }
            return client
        } catch {
            throw refused
        }
    }
}
