import AsyncHTTPClient
import Foundation
import NIOCore
import Shared

/// The auth-server's side of the resource-server's internal admin API (docs/architecture.md § The resource-server's
/// admin API): the tenant's feature switches and the tool-call audit, which live on the resource-server, for the
/// admin pages. Each call carries a token minted here for the signed-in admin: the tenant's signing key, `aud` the
/// tenant's resource, `ResourceAdminAPI.scope` (which no grant can hold), 60 s, and `mfa` when the admin entered a
/// second factor within the elevation window (a change needs it). No grant row backs it: its `sid` names no grant,
/// so there is nothing to list or revoke, and it expires before anything could be.
public struct ResourceServerAdmin: Sendable {
    /// One HTTP exchange with the resource-server; `url` is on the tenant's resource host.
    public typealias Transport = @Sendable (_ method: String, _ url: String, _ headers: [(String, String)], _ body: Data?) async throws -> (status: Int, body: Data)

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The resource-server could not be reached or answered nonsense.
        case unavailable(String)
        /// It answered with an error: the status and its `error_description`.
        case refused(status: Int, error: String, description: String)

        public var description: String {
            switch self {
            case .unavailable(let reason): "The resource-server cannot be reached: \(reason)"
            case .refused(let status, let error, let description): "The resource-server refused (\(status) \(error)): \(description)"
            }
        }
    }

    /// One tool call as the resource-server's audit keeps it; fields it adds later are ignored.
    public struct AuditEntry: Decodable, Sendable, Equatable {
        public var id: String
        public var occurredAt: Date
        public var tool: String
        public var subject: String
        public var clientID: String
        public var grantID: String
        public var tokenKind: String
        public var outcome: String
        public var dryRun: Bool
        public var durationMilliseconds: Int64
        public var ticketID: String?
        public var companyID: String?

        enum CodingKeys: String, CodingKey {
            case id, occurredAt = "occurred_at", tool, subject, clientID = "client_id", grantID = "grant_id", tokenKind = "token_kind", outcome
            case dryRun = "dry_run", durationMilliseconds = "duration_ms", ticketID = "ticket_id", companyID = "company_id"
        }
    }

    /// Whose calls to read.
    public enum AuditSelection: Sendable, Equatable {
        case grant(String)
        case subject(String)
    }

    /// The `client_id` the tokens name.
    public static let clientID = "gatehouse-admin-pages"

    let accessTokens: AccessTokenIssuer
    let elevationWindowSeconds: Int
    let transport: Transport

    public init(keyRing: SigningKeyRing, elevationWindowSeconds: Int, transport: @escaping Transport = ResourceServerAdmin.http) {
        self.accessTokens = AccessTokenIssuer(keyRing: keyRing)
        self.elevationWindowSeconds = elevationWindowSeconds
        self.transport = transport
    }

    /// Every module and whether it is on.
    public func features(as admin: User, authentication: Authentication, tenant: Tenant, now: Date = Date()) async throws -> [ToolModule: Bool] {
        try Self.featureStates(try await call("GET", ResourceAdminAPI.featuresPath, as: admin, authentication: authentication, tenant: tenant, now: now))
    }

    /// Turns the named modules on or off; answers every module's state after the change.
    public func setFeatures(
        _ changes: [ToolModule: Bool], as admin: User, authentication: Authentication, tenant: Tenant, now: Date = Date()
    ) async throws -> [ToolModule: Bool] {
        let body = try JSONEncoder().encode(Dictionary(uniqueKeysWithValues: changes.map { ($0.key.rawValue, $0.value) }))
        return try Self.featureStates(
            try await call("PUT", ResourceAdminAPI.featuresPath, body: body, as: admin, authentication: authentication, tenant: tenant, now: now))
    }

    /// The newest `limit` tool calls of a grant or a person, oldest first.
    public func audit(
        _ selection: AuditSelection, limit: Int = ResourceAdminAPI.defaultAuditLimit, as admin: User, authentication: Authentication, tenant: Tenant,
        now: Date = Date()
    ) async throws -> [AuditEntry] {
        var query = URLComponents()
        switch selection {
        case .grant(let id): query.queryItems = [URLQueryItem(name: "grant_id", value: id)]
        case .subject(let subject): query.queryItems = [URLQueryItem(name: "subject", value: subject)]
        }
        query.queryItems?.append(URLQueryItem(name: "limit", value: String(limit)))
        let data = try await call("GET", ResourceAdminAPI.auditPath + "?" + (query.percentEncodedQuery ?? ""), as: admin, authentication: authentication,
            tenant: tenant, now: now)
        struct Answer: Decodable { let entries: [AuditEntry] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = AuditTime.decoding
        do {
            return try decoder.decode(Answer.self, from: data).entries
        } catch {
            throw Failure.unavailable("its audit answer could not be read")
        }
    }

    /// The token for one call: `mfa` only while the admin's second factor is within the elevation window.
    func token(for admin: User, authentication: Authentication, tenant: Tenant, now: Date) async throws -> String {
        var scope = [ResourceAdminAPI.scope]
        if let elevatedAt = authentication.elevatedAt, now.timeIntervalSince(elevatedAt) <= TimeInterval(elevationWindowSeconds) {
            scope.append(Elevation.scope)
        }
        return try await accessTokens.issue(
            for: admin, tenant: tenant, clientID: Self.clientID, scope: scope, lifetime: ResourceAdminAPI.maximumLifetimeSeconds,
            grantID: "adm_" + RandomIdentifier.make(), authentication: authentication, now: now
        ).token
    }

    private func call(
        _ method: String, _ path: String, body: Data? = nil, as admin: User, authentication: Authentication, tenant: Tenant, now: Date
    ) async throws -> Data {
        let token = try await token(for: admin, authentication: authentication, tenant: tenant, now: now)
        var headers = [("Authorization", "Bearer " + token), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let answer: (status: Int, body: Data)
        do {
            answer = try await transport(method, (URLOrigin.of(tenant.resource) ?? tenant.resource) + path, headers, body)
        } catch {
            throw Failure.unavailable("\(error)")
        }
        guard answer.status == 200 else {
            let problem = try? JSONDecoder().decode([String: String].self, from: answer.body)
            throw Failure.refused(status: answer.status, error: problem?["error"] ?? "unknown", description: problem?["error_description"] ?? "")
        }
        return answer.body
    }

    private static func featureStates(_ data: Data) throws -> [ToolModule: Bool] {
        guard let states = try? JSONDecoder().decode([String: Bool].self, from: data) else { throw Failure.unavailable("its feature answer could not be read") }
        // A module this auth-server does not know yet is left out rather than failing the page.
        return Dictionary(uniqueKeysWithValues: states.compactMap { name, on in ToolModule(rawValue: name).map { ($0, on) } })
    }

    /// Our own resource-server on its public URL: a trusted peer, so no SSRF guard, but a short deadline.
    public static let http: Transport = { method, url, headers, body in
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return (Int(response.status.code), Data(buffer: try await response.body.collect(upTo: 4 << 20)))
    }
}
