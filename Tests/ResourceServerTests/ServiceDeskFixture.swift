import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// Who calls in the service-desk tests: the token's role, company and email.
struct DeskPerson: Sendable, CustomTestStringConvertible {
    let label: String
    let subject: String
    let role: String?
    let company: String?
    let email: String?

    var testDescription: String { label }
}

/// One resource-server with the demo data seeded into a temporary folder, shared by the service-desk
/// suites (they only read it; seeding takes a couple of seconds), with tokens for each kind of person.
final class SeededDesk: Sendable {
    static let shared = Task { try await SeededDesk() }
    /// A second desk for the suites that write, so the read suites' expectations stay true.
    static let writable = Task { try await SeededDesk() }

    /// Made once for both desks, on a Dispatch thread: generating it takes a second or two of CPU, which
    /// on the cooperative pool of a two-core machine would stall every other suite's timers meanwhile.
    static let demoRecords = Task {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: DemoDataSet.make(tenantID: Tenant.defaultID, now: Date())) }
        }
    }

    static let readScopes = "customers:read tickets:read alerts:read assets:read contracts:read billing:read search:read audit:read"

    let environment: ResourceServerEnvironment
    let records: ServiceDeskRecords
    let signingKey = P256.Signing.PrivateKey()

    /// Harbor Dental Group and Pinecrest Family Practice: the first two customers.
    var companyA: Company { records.companies[0] }
    var companyB: Company { records.companies[1] }

    let admin = DeskPerson(label: "admin", subject: "usr_admin", role: "admin", company: nil, email: "demo@gatehouse.local")
    let technician = DeskPerson(label: "technician", subject: "usr_tech", role: "technician", company: nil, email: "Priya.Shah@gatehouse.local")
    var userA: DeskPerson { DeskPerson(label: "company A user", subject: "usr_a", role: "company", company: companyA.id, email: "office@\(companyA.domain)") }
    var userB: DeskPerson { DeskPerson(label: "company B user", subject: "usr_b", role: "company", company: companyB.id, email: "office@\(companyB.domain)") }

    init() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rs-desk-\(UUID().uuidString)").path
        // The suites make hundreds of calls as one grant: the limits are tested on their own (RateLimitTests).
        let settings = ResourceServerSettings(
            listen: ListenAddress(host: "127.0.0.1", port: 0), resource: TestHouse.resource, issuer: TestHouse.issuer, dataDirectory: directory,
            rateLimits: ToolRateLimits.Limits(readsPerMinute: 1_000_000, writesPerMinute: 1_000_000), credentials: TestHouse.credentials
        )
        environment = try await ResourceServerEnvironment.open(settings)
        records = await Self.demoRecords.value
        try await environment.serviceDesk.importRecords(records, intoEmptyTenant: Tenant.defaultID)
    }

    static let writeScopes = "tickets:write notes:write alerts:write rules:run"
    static let everyScope = readScopes + " " + writeScopes

    /// - Parameter secondFactorAge: seconds since a second factor, which also grants `mfa`; nil for none.
    func token(
        _ person: DeskPerson, scope: String = SeededDesk.readScopes, tenant: String = Tenant.defaultID, secondFactorAge: Int64? = nil,
        grant: String = "grant-1"
    ) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: TestHouse.issuer, subject: person.subject, audience: TestHouse.resource, clientID: "client-1",
            scope: secondFactorAge == nil ? scope : scope + " mfa", issuedAt: now, expiresAt: now + 600, tokenID: UUID().uuidString, grantID: grant,
            tenantID: tenant, authTime: secondFactorAge.map { now - $0 }, amr: secondFactorAge.map { _ in ["pwd", "otp"] }, role: person.role,
            company: person.company, email: person.email
        )
        return try AccessTokenSigner(keyID: "desk-key", privateKey: signingKey).sign(claims)
    }

    /// The caller the server makes of this person's token, as the endpoint would verify it.
    func verifiedCaller(_ person: DeskPerson, scope: String) async throws -> Caller? {
        let token = try self.token(person, scope: scope)
        let claims = try AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID)
            .verify(try AccessTokenVerifier.parse(token), key: signingKey.publicKey)
        return Caller(claims: claims, tokenKind: .accessToken)
    }

    func caller(_ person: DeskPerson) -> Caller {
        Caller(
            claims: AccessTokenClaims(
                issuer: TestHouse.issuer, subject: person.subject, audience: TestHouse.resource, clientID: "client-1", scope: SeededDesk.readScopes,
                issuedAt: 0, expiresAt: 1, tokenID: "t", grantID: "g", tenantID: Tenant.defaultID, role: person.role, company: person.company,
                email: person.email
            ),
            tokenKind: .accessToken
        )
    }

    /// Runs `body` against the server in process.
    func session(_ body: @escaping @Sendable (DeskClient) async throws -> Void) async throws {
        let key = signingKey.publicKey
        let router = try await ResourceServerApplication.router(environment: environment, logger: Logger(label: "test")) { _ in { ["desk-key": key] } }
        try await Application(router: router).test(.router) { client in try await body(DeskClient(client: client, desk: self)) }
    }

    // Records the tests aim at, all from the seeded data.
    func tickets(of company: Company) -> [Ticket] { records.tickets.filter { $0.companyID == company.id } }
    func assets(of company: Company) -> [Asset] { records.assets.filter { $0.companyID == company.id } }
    func invoices(of company: Company) -> [Invoice] { records.invoices.filter { $0.companyID == company.id } }
    func alerts(of company: Company) -> [Alert] { records.alerts.filter { $0.companyID == company.id } }
    func internalNotes(of company: Company) -> [TicketNote] {
        let ids = Set(tickets(of: company).map(\.id))
        return records.notes.filter { ids.contains($0.ticketID) && $0.visibility == .internal }
    }
}

/// What one tools/call answered.
struct ToolCallResult {
    let response: JSONValue?
    let status: HTTPResponse.Status
    var headers: HTTPFields = [:]

    var challenge: String? { headers[.wwwAuthenticate] }

    var result: JSONValue? { response?["result"] }
    var isError: Bool { result?["isError"] == true }
    var structured: JSONValue? { result?["structuredContent"] }
    var text: String { result?["content"]?.arrayFirstText ?? "" }
    var errorCode: Int64? {
        if case .int(let code)? = response?["error"]?["code"] { return code }
        return nil
    }

    /// The items of a list result under `key`.
    func items(_ key: String) -> [JSONValue] {
        if case .array(let items)? = structured?[key] { return items }
        return []
    }

    func ids(_ key: String) -> [String] { items(key).compactMap { $0["id"]?.stringValue } }
}

struct DeskClient {
    let client: any TestClientProtocol
    let desk: SeededDesk

    func call(
        _ name: String, _ arguments: [String: JSONValue] = [:], as person: DeskPerson, scope: String = SeededDesk.readScopes,
        secondFactorAge: Int64? = nil
    ) async throws -> ToolCallResult {
        try await call(name, arguments: .object(arguments), as: person, scope: scope, secondFactorAge: secondFactorAge)
    }

    /// `arguments` as any JSON value, to send wrong shapes too.
    func call(
        _ name: String, arguments: JSONValue, as person: DeskPerson, scope: String = SeededDesk.readScopes, secondFactorAge: Int64? = nil
    ) async throws -> ToolCallResult {
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": .string(name), "arguments": arguments]]
        let token = try desk.token(person, scope: scope, secondFactorAge: secondFactorAge)
        let response = try await client.mcp(String(decoding: try JSONEncoder().encode(body), as: UTF8.self), token: token)
        return ToolCallResult(response: response.json, status: response.status, headers: response.headers)
    }

    /// The names `tools/list` shows this person with these scopes.
    func listedTools(as person: DeskPerson, scope: String) async throws -> [String] {
        let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: try desk.token(person, scope: scope))
        guard case .array(let tools)? = response.json?["result"]?["tools"] else { return [] }
        return tools.compactMap { $0["name"]?.stringValue }
    }
}
