import Foundation

/// A client's JWK Set (RFC 7517 §5), read leniently: a key we cannot use is skipped, never fatal, so one
/// exotic or broken entry does not lock a client out. A document that is not a JWK Set at all is an error.
enum ClientJSONWebKeySet {
    struct NotAKeySet: Error {}

    static func keys(from document: Data) throws(NotAKeySet) -> [ClientPublicKey] {
        struct Entry: Decodable {
            let members: ClientPublicKey.Members?
            init(from decoder: any Decoder) throws { members = try? ClientPublicKey.Members(from: decoder) }
        }
        struct Set: Decodable {
            let keys: [Entry]
        }
        guard let set = try? JSONDecoder().decode(Set.self, from: document) else { throw NotAKeySet() }
        return set.keys.compactMap { $0.members.flatMap(ClientPublicKey.init) }
    }
}
