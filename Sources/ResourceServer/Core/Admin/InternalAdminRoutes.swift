import Foundation
import Hummingbird
import NIOCore
import ServiceDesk
import Shared
import ToolKit

/// The internal admin API the auth-server's admin pages call (docs/architecture.md § The resource-server's admin
/// API): the tenant's feature switches, read and changed, and the tool-call audit of one grant or one person.
/// Behind bearer authentication like `/mcp`, then `AdminAuthority`; the tenant is the one the host picked.
struct InternalAdminRoutes {
    let features: FeatureSwitchboard
    let serviceDesk: any ServiceDeskStore
    let audit: AuditRecorder
    let authority: AdminAuthority

    /// A switch change is a few dozen bytes; anything much larger is not one.
    static let maximumBodyBytes = 4096

    func add(to group: RouterGroup<ResourceRequestContext>) {
        group.get(RouterPath(ResourceAdminAPI.featuresPath)) { request, context in
            try await guarded(context, changes: false) { tenant in try await featureStates(tenant) }
        }
        group.put(RouterPath(ResourceAdminAPI.featuresPath)) { request, context in
            try await guarded(context, changes: true) { tenant in
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: Self.maximumBodyBytes)
                } catch is NIOTooManyBytesError {
                    return try Self.error(400, "invalid_request", "The body is larger than \(Self.maximumBodyBytes) bytes")
                }
                let changes: [ToolModule: Bool]
                switch Self.switchChanges(body) {
                case .success(let parsed): changes = parsed
                case .failure(let problem): return try Self.error(400, "invalid_request", problem.message)
                }
                try await features.set(changes, tenantID: tenant.id)
                return try await featureStates(tenant)
            }
        }
        group.get(RouterPath(ResourceAdminAPI.auditPath)) { request, context in
            try await guarded(context, changes: false) { tenant in
                let query = request.uri.queryParameters
                let selection: AuditSelection
                switch (query["grant_id"].map(String.init), query["subject"].map(String.init)) {
                case (let grant?, nil) where !grant.isEmpty && grant.utf8.count <= 200: selection = .grant(grant)
                case (nil, let subject?) where !subject.isEmpty && subject.utf8.count <= 200: selection = .subject(subject)
                default: return try Self.error(400, "invalid_request", "Give exactly one of grant_id and subject, each 1 to 200 characters")
                }
                var limit = ResourceAdminAPI.defaultAuditLimit
                if let text = query["limit"] {
                    guard let value = Int(text), (1...ResourceAdminAPI.maximumAuditLimit).contains(value) else {
                        return try Self.error(400, "invalid_request", "limit must be a whole number from 1 to \(ResourceAdminAPI.maximumAuditLimit)")
                    }
                    limit = value
                }
                // Reads' entries wait for their batch; the page should see every call made so far.
                await audit.flush()
                let entries = try await serviceDesk.auditEntries(tenantID: tenant.id, of: selection, limit: limit)
                return Response(
                    status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try Self.auditEncoder.encode(AuditAnswer(entries: entries)))))
            }
        }
    }

    private struct AuditAnswer: Encodable {
        let entries: [AuditEntry]
    }

    /// Times with milliseconds (`AuditTime`), as `admin audit export` writes them.
    private static let auditEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = AuditTime.encoding
        return encoder
    }()

    private func guarded(_ context: ResourceRequestContext, changes: Bool, _ body: (Tenant) async throws -> Response) async throws -> Response {
        guard let caller = context.caller, let tenant = context.tenant else { throw HTTPError(.internalServerError) }
        do {
            try authority.check(caller, changes: changes, now: Date())
        } catch {
            context.logger.info("admin API refused", metadata: ["reason": "\(error.description)", "subject": "\(caller.claims.subject)"])
            return try Self.error(error.status, error.error, error.description)
        }
        return try await body(tenant)
    }

    /// Every module with whether it is on, as `{"billing": true, …}`.
    private func featureStates(_ tenant: Tenant) async throws -> Response {
        let off = try await features.switchedOff(tenantID: tenant.id)
        return try JSONResponse.make(Dictionary(uniqueKeysWithValues: ToolModule.allCases.map { ($0.rawValue, !off.contains($0)) }))
    }

    struct Problem: Error, Equatable {
        let message: String
    }

    /// `{"billing": false, …}`: known modules to booleans, at least one; anything else is refused whole.
    static func switchChanges(_ body: ByteBuffer) -> Result<[ToolModule: Bool], Problem> {
        guard let value = try? body.withUnsafeReadableBytes({ try JSONValue.parse($0) }), case .object(let members) = value, !members.isEmpty else {
            return .failure(Problem(message: #"The body must be a JSON object of modules to true or false, e.g. {"billing": false}"#))
        }
        var changes: [ToolModule: Bool] = [:]
        for (name, state) in members.sorted(by: { $0.key < $1.key }) {
            guard let module = ToolModule(rawValue: name) else {
                return .failure(Problem(message: "Unknown module '\(name.prefix(64))'; the modules are: \(ToolModule.names)"))
            }
            guard case .bool(let enabled) = state else { return .failure(Problem(message: "\(name) must be true or false")) }
            changes[module] = enabled
        }
        return .success(changes)
    }

    static func error(_ status: Int, _ error: String, _ description: String) throws -> Response {
        try JSONResponse.make(["error": error, "error_description": description], status: .init(code: status))
    }
}
