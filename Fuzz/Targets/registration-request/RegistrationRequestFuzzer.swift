import Foundation
import FuzzDriver
import Shared

@testable import AuthServerCore

/// The body of POST /oauth/register (RFC 7591 §2). Contract: what it accepts has registrable redirect
/// URIs, the authorization_code grant, only the code response type and a name within the limit; and the
/// metadata we send back (§3.2.1), registered again, is accepted as the same metadata.
@main enum RegistrationRequestFuzzer {
    static func main() { runLibFuzzer(fuzzRegistrationRequest) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistrationRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeRawBufferPointer(start: data, count: size))
    guard let metadata = try? ClientRegistrationRequest(json: json).metadata else { return 0 }
    for uri in metadata.redirectURIs {
        precondition((try? RedirectURIPolicy.validateForRegistration(uri)) != nil, "accepted an unregistrable redirect URI")
    }
    precondition(!metadata.redirectURIs.isEmpty && metadata.grantTypes.contains("authorization_code") && metadata.responseTypes == ["code"])
    precondition(ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod) != nil, "accepted an unknown token_endpoint_auth_method")
    precondition((metadata.clientName?.count ?? 0) <= AuthPolicy.maxClientNameLength, "accepted an over-long client_name")
    if metadata.tokenEndpointAuthMethod == ClientAuthMethod.privateKeyJWT.rawValue {
        let keys = metadata.jwksURI.flatMap { URLComponents(string: $0) }
        precondition(keys?.scheme?.lowercased() == "https" && keys?.host?.isEmpty == false, "accepted private_key_jwt without an absolute https jwks_uri")
    }
    if let scope = metadata.scope { precondition(ScopeList.parse(scope) != nil, "accepted a malformed scope") }
    let echoed = try! JSONEncoder().encode(metadata)
    guard let again = try? ClientRegistrationRequest(json: echoed).metadata else {
        fatalError("the metadata we return is refused when registered again: \(String(decoding: echoed, as: UTF8.self))")
    }
    precondition(again == metadata, "the metadata we return registers as different metadata")
    return 0
}
