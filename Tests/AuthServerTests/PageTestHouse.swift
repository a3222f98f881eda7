import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Synchronization
import Testing

@testable import AuthServerCore

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
    var now: Date { date.withLock { $0 } }
    func advance(by seconds: TimeInterval) { date.withLock { $0 += seconds } }
}

/// Counts what the pages did that tests cannot see from outside: throttle delays, and which hashes a
/// password was verified against (the real argon2id check still runs).
final class PageSpies: Sendable {
    let delays = Mutex<[Duration]>([])
    let verifiedHashes = Mutex<[String]>([])

    var verify: CredentialChecker.Verify {
        { password, hash in
            self.verifiedHashes.withLock { $0.append(hash) }
            return PasswordHasher.verify(password, against: hash)
        }
    }
}


/// One tenant with one person (alice@example.com, password `correct horse battery`), its storage, and the
/// page routes on a router of their own, driven in process with a cookie jar like a browser's.
struct PageTestHouse: Sendable {
    static let email = "alice@example.com"
    static let password = "correct horse battery"
    /// One argon2id hash for every house, so tests do not pay for hashing over and over.
    static let passwordHash = try! PasswordHasher.hash(password)

    let storage: SQLiteAuthStorage
    let tenant: Tenant
    let user: User
    let clock: TestClock
    let spies: PageSpies
    let pages: PageServices

    static func run(
        issuer: String = "https://acme.example.com",
        _ body: @Sendable (PageTestHouse, Browser) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let tenant = Tenant(id: "acme", issuer: issuer, resource: issuer + "/mcp")
        try await storage.saveTenant(tenant)
        let user = User(
            tenantID: tenant.id, id: "usr_alice", email: email, passwordHash: passwordHash, role: .technician, companyID: nil,
            createdAt: wholeSecond())
        try await storage.insertUser(user)
        let clock = TestClock()
        let spies = PageSpies()
        let pages = try await PageServices(
            storage: storage, keyEncryptionKey: KeyEncryptionKey(key: SymmetricKey(size: .bits256)), verifyPassword: spies.verify, now: { clock.now },
            sleep: { delay in spies.delays.withLock { $0.append(delay) } })
        let house = PageTestHouse(storage: storage, tenant: tenant, user: user, clock: clock, spies: spies, pages: pages)

        let router = Router(context: AuthRequestContext.self)
        router.add(middleware: TenantMiddleware<AuthRequestContext>(roster: TenantRoster(tenants: [tenant], url: \.issuer)))
        PageRoutes.add(to: router, pages: pages)
        try await Application(router: router).test(.router) { client in
            try await body(house, Browser(client: client))
        }
    }

    /// Turns two-step sign-in on for `user` as the enrolment pages would, and returns the authenticator it
    /// was set up with (to compute codes at the house's clock) and the recovery codes.
    @discardableResult
    func enrolSecondFactor(_ user: User? = nil) async throws -> (TOTP, [String]) {
        let person = user ?? self.user
        let enrolment = try #require(try await pages.secondFactor.beginEnrolment(person))
        let codes = try #require(try await pages.secondFactor.confirmEnrolment(person, code: code(enrolment.totp)))
        clock.advance(by: Double(TOTP.stepSeconds))
        return (enrolment.totp, codes)
    }

    /// The code `totp` shows now, by the house's clock.
    func code(_ totp: TOTP) -> String { totp.code(step: TOTP.step(at: clock.now)) }

    func addUser(email: String, password: String, role: Role = .technician) async throws -> User {
        let user = User(
            tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: email, passwordHash: try PasswordHasher.hash(password),
            role: role, companyID: nil, createdAt: wholeSecond())
        try await storage.insertUser(user)
        return user
    }
}

/// An HTTP response as a test reads it.
struct PageResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    var location: String? { headers[.location] }
    var setCookies: [String] { headers[values: .setCookie] }

    /// The value of the first hidden `name` field in the page.
    func hiddenField(_ name: String) -> String? {
        guard let range = body.range(of: #"name="\#(name)" value="([^"]*)""#, options: .regularExpression) else { return nil }
        let match = body[range]
        return match.range(of: #"value="([^"]*)""#, options: .regularExpression).map {
            Self.unescapeHTML(String(match[$0].dropFirst(7).dropLast()))
        }
    }

    static func unescapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    var csrfToken: String? { hiddenField("csrf_token") }
}

/// A browser's part of the conversation: it keeps cookies as Set-Cookie says and sends them back.
final class Browser: Sendable {
    let client: any TestClientProtocol
    let jar = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol) { self.client = client }

    func cookie(_ name: String) -> String? { jar.withLock { $0[name] } }
    func secret(_ name: String) -> CookieSecret? { cookie(name).flatMap(CookieSecret.init(cookieValue:)) }
    func setCookie(_ name: String, _ value: String?) { jar.withLock { $0[name] = value } }

    func get(_ uri: String) async throws -> PageResponse {
        try await send(uri, method: .get, body: nil)
    }

    /// Posts the fields form-encoded, in order.
    func post(_ uri: String, _ fields: KeyValuePairs<String, String>) async throws -> PageResponse {
        try await post(uri, body: Self.formEncode(fields.map { ($0.key, $0.value) }))
    }

    func post(_ uri: String, body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> PageResponse {
        try await send(uri, method: .post, body: body, contentType: contentType)
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?, contentType: String? = nil) async throws -> PageResponse {
        var headers = HTTPFields()
        let cookies = jar.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            PageResponse(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
        for line in response.setCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            jar.withLock { $0[name] = line.contains("Max-Age=0") ? nil : value }
        }
        return response
    }

    static func formEncode(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._*"))
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// Opens the sign-in page and signs in; returns the answer to the POST.
    @discardableResult
    func signIn(
        email: String = PageTestHouse.email, password: String = PageTestHouse.password, returnTo: String = "/account"
    ) async throws -> PageResponse {
        let form = try await get("/login?return_to=" + ReturnPath.queryEncoded(returnTo))
        let token = try #require(form.csrfToken)
        return try await post(
            "/login", ["csrf_token": token, "return_to": form.hiddenField("return_to") ?? "", "email": email, "password": password])
    }
}
