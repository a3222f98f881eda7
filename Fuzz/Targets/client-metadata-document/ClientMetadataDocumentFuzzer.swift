import Foundation
import FuzzDriver

@testable import AuthServerCore

/// A fetched Client ID Metadata Document. Contract: a document accepted without loopback http is
/// accepted alike with it, and again when checked against the client_id it names; what it accepts
/// holds no redirect URI with a fragment, a script scheme or plain http off loopback, only an https
/// (or, when allowed, loopback http) jwks_uri, an inline key set without private or symmetric keys,
/// and keys whenever it asks for private_key_jwt.
@main enum ClientMetadataDocumentFuzzer {
    static func main() { runLibFuzzer(fuzzClientMetadataDocument) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientMetadataDocument(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeRawBufferPointer(start: data, count: size))
    let loopback = try? ClientMetadataDocument(json: json, clientID: nil, allowLoopbackHTTP: true)
    guard let strict = try? ClientMetadataDocument(json: json, clientID: nil, allowLoopbackHTTP: false) else { return 0 }
    precondition(loopback == strict, "allowing loopback http changed an https-only document")
    precondition((try? ClientMetadataDocument(json: json, clientID: strict.clientID, allowLoopbackHTTP: false)) == strict, "the document refuses its own client_id")
    for document in [strict, loopback!] {
        precondition(!document.clientID.isEmpty && !document.clientName.isEmpty && !document.redirectURIs.isEmpty)
        for uri in document.redirectURIs {
            precondition(!uri.contains("#"), "accepted a redirect URI with a fragment")
            let components = URLComponents(string: uri)!
            let scheme = components.scheme!.lowercased()
            precondition(!["javascript", "data", "vbscript", "file"].contains(scheme), "accepted a \(scheme): redirect URI")
            if scheme == "http" { precondition(CIMDClientIdentifier.isLoopbackHost(components.host!), "accepted plain http off loopback") }
        }
        if let url = document.jwksURI {
            precondition(url.scheme?.lowercased() == "https", "accepted a jwks_uri that is not https")
        }
        if let jwks = document.jwks {
            let set = try! JSONSerialization.jsonObject(with: jwks) as! [String: Any]
            for key in set["keys"] as! [Any] {
                let members = key as! [String: Any]
                precondition(members["d"] == nil && members["k"] == nil, "accepted private key material")
            }
        }
        if document.tokenEndpointAuthMethod == .privateKeyJWT {
            precondition(document.jwks != nil || document.jwksURI != nil, "private_key_jwt without keys")
        }
    }
    return 0
}
