import Foundation
import Shared
import ToolKit

/// The service desk's tools over one store. Each call turns the caller into a `ServiceDeskScope` first,
/// so every query it runs is limited to the tenant and, for a company user, to their company.
public struct ServiceDeskTools: Sendable {
    let store: any ServiceDeskStore
    /// Flushed before the log is read, so a caller sees every call made so far.
    let audit: AuditRecorder
    /// The clock "within N days" and "since" defaults are measured from.
    let now: @Sendable () -> Date

    public init(store: any ServiceDeskStore, audit: AuditRecorder, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.audit = audit
        self.now = now
    }

    /// Reads, then writes, then high-trust writes. A tool is for the roles every one of its scopes allows
    /// (the scope catalogue decides who may hold a scope), unless it names fewer itself.
    public var all: [Tool] {
        let tools = customerTools + ticketTools + alertTools + assetTools + contractTools + backupTools + invoiceTools + activityTools + searchTools
            + auditTools + ruleReadTools + ticketWriteTools.filter { $0.kind == .write } + alertWriteTools + ticketWriteTools.filter { $0.kind == .highTrust } + ruleTools
        return tools.map { tool in tool.roles == nil ? tool.limited(to: Self.roles(allowedBy: tool.requiredScopes)) : tool }
    }

    /// The MSP's own people.
    static let staff: Set<Role> = [.admin, .technician]

    static func roles(allowedBy scopes: [String]) -> Set<Role> {
        scopes.reduce(Set(Role.allCases)) { roles, scope in roles.intersection(ScopeCatalog.definition(named: scope)?.roles ?? []) }
    }

    static func scope(of invocation: ToolInvocation) throws(ToolError) -> ServiceDeskScope {
        guard let scope = ServiceDeskScope.of(invocation.caller, in: invocation.tenant) else {
            throw ToolError(
                "This account may not see service-desk records: it is not an admin or technician, nor a company user linked to a customer. "
                    + "Ask an administrator to check the account's role."
            )
        }
        return scope
    }

    /// Runs a read with the caller's scope, turning what the store refuses into messages a model can act on.
    func read(
        _ invocation: ToolInvocation, _ body: (ToolArguments, ServiceDeskScope) async throws -> ToolOutput
    ) async throws -> ToolOutput {
        let scope = try Self.scope(of: invocation)
        do {
            return try await body(ToolArguments(invocation.arguments), scope)
        } catch ServiceDeskQueryError.invalidCursor {
            throw ToolError("cursor is not one this list returned; call again without cursor to start from the first page.")
        } catch ServiceDeskQueryError.searchTermsTooShort {
            throw ToolError("query needs at least one word of \(FullTextQuery.minimumTermLength) or more characters; shorter words cannot be searched.")
        }
    }

    static func notFound(_ kind: String, _ id: String, hint: String) -> ToolError {
        ToolError("No \(kind) with id '\(id)' is visible to you. \(hint)")
    }
}
