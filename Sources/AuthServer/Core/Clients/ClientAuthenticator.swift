import Foundation
import Hummingbird
import Shared

/// Client authentication at the token and revocation endpoints (RFC 6749 §2.3): the method a request
/// uses must be the one the client registered (RFC 7591 §2), then the secret (stored as SHA-256,
/// compared in constant time) or the private_key_jwt assertion (RFC 7523) must check out. Every
/// failure is `invalid_client`, with 401 and a Basic challenge when the client tried Basic (§5.2).
struct ClientAuthenticator: Sendable {
    let clients: ClientDirectory
    let assertions: ClientAssertionVerifier

    struct Failure: Error {
        let error: OAuthError
        let usedBasic: Bool

        var response: Response { error.response(basicChallenge: usedBasic) }
    }

    /// - Parameter address: where the request came from, charged for any metadata-document fetch.
    func authenticate(authorization: String?, form: FormParameters, tenant: Tenant, address: ClientAddress?, now: Date) async throws -> Client {
        let usedBasic = authorization != nil
        func refuse(_ reason: String) -> Failure { Failure(error: .invalidClient(reason), usedBasic: usedBasic) }
        let credentials: ClientCredentials
        do {
            let fields = try form.singles(["client_id", "client_secret", "client_assertion_type", "client_assertion"])
            credentials = try ClientCredentials(authorization: authorization, form: fields)
        } catch let error as OAuthError {
            throw Failure(error: error, usedBasic: usedBasic)
        } catch {
            throw refuse("\(error)")
        }
        let client: Client
        do {
            client = try await clients.client(id: credentials.clientID, tenantID: tenant.id, address: address, now: now)
        } catch let error as ClientDirectory.LookupError {
            throw refuse(error.description)
        }
        guard credentials.method == client.authMethod.rawValue else {
            throw refuse("The client is registered for \(client.authMethod.rawValue), not \(credentials.method)")
        }
        switch credentials {
        case .none: break
        case .secretBasic(_, let secret), .secretPost(_, let secret):
            // Every stored hash is compared, so which of a client's secrets matched takes the same time.
            let matches = client.secretHashes.filter { ClientSecret.matches(presented: secret, storedHash: $0) }
            guard !matches.isEmpty else {
                throw refuse("The client secret is wrong")
            }
        case .privateKeyJWT(_, let assertionType, let assertion):
            guard let keys = client.keySet else { throw refuse("The client has no keys registered") }
            do {
                try await assertions.verify(
                    assertionType: assertionType, assertion: assertion, clientID: client.id,
                    acceptedAudiences: [tenant.issuer, tenant.issuer + AuthServerPaths.token], keys: keys, now: now
                )
            } catch {
                throw refuse("The client assertion was refused: \(error)")
            }
        }
        return client
    }
}

extension Client {
    /// Where this client's assertion keys come from, if it registered any.
    var keySet: ClientKeySet? {
        if let jwks { return .jwks(Data(jwks.utf8)) }
        if let jwksURI, let url = URL(string: jwksURI) { return .jwksURI(url) }
        return nil
    }
}
