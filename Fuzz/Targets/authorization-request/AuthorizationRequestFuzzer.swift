import Dispatch
import Foundation
import FuzzDriver
import Shared

@testable import AuthServerCore

/// The query of GET /oauth/authorize, against a real SQLite store (in a temporary folder) holding the
/// tenant and one registered client, so inputs naming `fuzz-client` get past the client lookup into the
/// parameter checks. Contract: the form re-encodes to a form with the same parameters; an accepted
/// request names a registered redirect URI, a valid S256 challenge and the tenant's resource; and an
/// error is only ever redirected to a registered URI, in a redirect that carries `state` and `iss` intact.
@main enum AuthorizationRequestFuzzer {
    /// No leak check: the task that ran the lookup is freed after the input returns, which libFuzzer would
    /// take for a leak and scan the whole heap for on every input (thirty inputs a second instead of some seven hundred).
    static func main() { runLibFuzzer(fuzzAuthorizationRequest, defaults: ["-detect_leaks=0"]) }
}

private let fixture = Fixture()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthorizationRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    if let form = try? FormParameters(query: query) { checkRoundTrip(form, of: query) }
    let outcome = blocking { [fixture] in
        try! await AuthorizationRequest.parse(query: query, tenant: fixture.tenant, clients: fixture.clients, address: nil, now: fixture.now)
    }
    switch outcome {
    case .success(let request):
        precondition(request.client == fixture.client, "accepted for another client")
        precondition(RedirectURIPolicy.matches(requested: request.redirectURI, registered: fixture.client.redirectURIs), "accepted an unregistered redirect URI")
        precondition(PKCE.isValidChallenge(request.codeChallenge), "accepted an invalid code_challenge")
        precondition(request.resource == fixture.tenant.resource, "accepted another resource")
        precondition(!request.prompt.contains("none") || request.prompt.count == 1, "accepted prompt=none with other values")
    case .failure(.redirect(let error, let redirectURI, let state)):
        precondition(RedirectURIPolicy.matches(requested: redirectURI, registered: fixture.client.redirectURIs), "redirected an error to an unregistered URI")
        let location = AuthorizationResponse.error(error, redirectURI: redirectURI, state: state, issuer: fixture.tenant.issuer)
        guard let components = URLComponents(string: location) else { fatalError("the error redirect is not a URL: \(location)") }
        precondition(components.host == URLComponents(string: redirectURI)?.host, "the error redirect goes to another host")
        let items = components.queryItems ?? []
        precondition(items.first { $0.name == "state" }?.value == state, "state did not survive the redirect")
        precondition(items.first { $0.name == "iss" }?.value == fixture.tenant.issuer, "iss did not survive the redirect")
    case .failure(.tooManyFetches):
        fatalError("a request without an address was throttled")
    case .failure(.untrusted):
        break
    }
    return 0
}

/// The form has one parameter per `&`-separated byte run (RFC 6749 Appendix B, by way of the HTML
/// form encoding), and every parameter, form-encoded again, parses back to the same values in the same order.
private func checkRoundTrip(_ form: FormParameters, of query: String) {
    let names = form.names.sorted()
    let parameters = names.reduce(0) { $0 + form.all($1).count }
    precondition(parameters == query.utf8.split(separator: UInt8(ascii: "&")).count, "the form is not split at every &")
    let encoded = names.flatMap { name in
        form.all(name).map { AuthorizationResponse.encode(name) + "=" + AuthorizationResponse.encode($0) }
    }
    guard let again = try? FormParameters(query: encoded.joined(separator: "&")) else { fatalError("a re-encoded form does not parse") }
    precondition(again.names == form.names, "re-encoding changed the parameter names")
    for name in names { precondition(again.all(name) == form.all(name), "re-encoding changed the values of \(name)") }
}

private let storeFolder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-fuzz-\(UUID().uuidString)")

private struct Fixture: Sendable {
    let tenant = Tenant(id: Tenant.defaultID, issuer: "https://auth.example.com", resource: "https://mcp.example.com/mcp")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let client: Client
    let clients: ClientDirectory

    /// Resolves no metadata documents: a fetch would leave the process, and the fetcher has its own tests.
    struct NoDocuments: ClientMetadataResolving {
        func client(forID id: String, tenantID: String, address: String?, now: Date) async throws -> Client? { nil }
    }

    init() {
        try! FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: storeFolder) }
        let storage = try! SQLiteAuthStorage(path: storeFolder.appendingPathComponent("auth.sqlite").path)
        client = Client(
            tenantID: tenant.id, id: "fuzz-client", kind: .dynamic, name: "Fuzz", redirectURIs: ["http://127.0.0.1/callback", "https://app.example.com/cb"],
            authMethod: .none, createdAt: now)
        let (tenant, client) = (tenant, client)
        blocking {
            try! await storage.saveTenant(tenant)
            try! await storage.saveClient(client)
        }
        clients = ClientDirectory(storage: storage, documents: NoDocuments())
    }
}

/// libFuzzer calls in synchronously; the parser is async (its client lookup reads the store).
private func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = Box<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// Written by the task before it signals, read after the wait: the semaphore orders the two.
private final class Box<T>: @unchecked Sendable {
    var value: T?
}
