import Foundation
import Shared

/// Lets the client directory resolve metadata-document client ids: the document becomes a client of
/// kind `.metadataDocument`, public (`none`) or authenticating with `private_key_jwt`.
extension CIMDClientResolver: ClientMetadataResolving {
    public func client(forID id: String, tenantID: String, address: ClientAddress?, now: Date) async throws -> Client? {
        if case .plain = kind(of: id) { return nil }
        let document: ClientMetadataDocument
        do {
            document = try await resolve(id, onBehalfOf: address)
        } catch .tooManyFetches {
            throw ClientDirectory.LookupError.tooManyFetches(CIMDResolutionError.tooManyFetches(id).description)
        } catch {
            logger.info("client metadata document refused", metadata: ["client": "\(id)", "detail": "\(error.logDetail)"])
            throw ClientDirectory.LookupError.document(error.description)
        }
        return Client(
            tenantID: tenantID, id: document.clientID, kind: .metadataDocument, name: document.clientName, redirectURIs: document.redirectURIs,
            authMethod: document.tokenEndpointAuthMethod == .privateKeyJWT ? .privateKeyJWT : .none, grantTypes: document.grantTypes,
            scope: document.scope, jwksURI: document.jwksURI?.absoluteString, jwks: document.jwks.map { String(decoding: $0, as: UTF8.self) },
            isPinned: pinned.documents[id] != nil, createdAt: now
        )
    }
}
