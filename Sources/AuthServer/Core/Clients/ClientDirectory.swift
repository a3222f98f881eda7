import Foundation
import Shared

/// Finds the client a request names. A metadata-document client id (an https URL, CIMD draft § Client Identifier) is resolved
/// through its document, fetched or pinned, and the row is kept current so account pages can name the
/// client; any other id must be one we registered.
public struct ClientDirectory: Sendable {
    let storage: any ClientStore
    let documents: any ClientMetadataResolving

    public enum LookupError: Error, Equatable, CustomStringConvertible {
        case unknown(String)
        case document(String)
        /// The requesting address has caused too many metadata-document fetches lately (docs/security.md § Rate limits).
        case tooManyFetches(String)

        public var description: String {
            switch self {
            case .unknown(let id): "No client is registered with the id \(id)."
            case .document(let message), .tooManyFetches(let message): message
            }
        }
    }

    /// - Parameter address: where the request came from, charged for any metadata-document fetch.
    public func client(id: String, tenantID: String, address: ClientAddress?, now: Date) async throws -> Client {
        if let resolved = try await documents.client(forID: id, tenantID: tenantID, address: address, now: now) {
            let stored = try await storage.client(tenantID: tenantID, id: id)
            var client = resolved
            client.createdAt = stored?.createdAt ?? now
            client.lastUsedAt = stored?.lastUsedAt
            client.approval = stored?.approval ?? client.approval  // an admin's decision outlives the document
            if client != stored { try await storage.saveClient(client) }
            return client
        }
        guard let client = try await storage.client(tenantID: tenantID, id: id), client.kind != .metadataDocument else {
            throw LookupError.unknown(id)
        }
        return client
    }
}

/// Resolves client ids that are metadata-document URLs. Returns nil for an id that is not one;
/// throws `ClientDirectory.LookupError.document` with a message fit for a person when the id is such
/// a URL but cannot be used (malformed, unreachable, invalid document), and `.tooManyFetches` when
/// `address` may not make the server fetch another document yet.
public protocol ClientMetadataResolving: Sendable {
    func client(forID id: String, tenantID: String, address: ClientAddress?, now: Date) async throws -> Client?
}
