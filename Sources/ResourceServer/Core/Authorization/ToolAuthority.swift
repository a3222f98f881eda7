import Foundation
import Shared
import ToolKit

/// Whether a caller may use a tool: the token's scopes, the person's role and company, and the tool's
/// kind (a high-trust tool needs a fresh second factor) must all allow it. `tools/list` and every
/// `tools/call` ask here, so what is listed and what runs cannot disagree.
///
/// Refusals come in that order, with one exception: when a missing scope is one the person's role can
/// never hold, the role refusal comes first, because the auth-server would narrow that scope away and a
/// 403 asking for it would send a connector into step-up after step-up. Missing scopes come before the
/// second factor, so one challenge asks for everything (MCP authorization spec (2025-11-25) § Runtime Insufficient Scope Errors).
///
/// A high-trust tool needs the caller elevated: the `mfa` scope with a second factor entered within the
/// elevation window (`Elevation`, the same window the auth-server issues by).
public struct ToolAuthority: Sendable {
    public let elevationWindowSeconds: Int

    public init(elevationWindowSeconds: Int = Elevation.defaultWindowSeconds) {
        self.elevationWindowSeconds = elevationWindowSeconds
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// The token lacks scopes: `needed` is everything the call needs, the second factor included
        /// when the tool is high-trust and the caller not elevated, so one challenge asks for all.
        case missingScopes(needed: [String])
        /// The person's role or company does not allow the tool; the message says why.
        case roleRefused(String)
        /// Scopes and role are right; only a fresh second factor is missing.
        case needsSecondFactor(needed: [String])
    }

    public func verdict(_ tool: Tool, for caller: Caller, now: Date) -> Verdict {
        let refusal = Self.roleRefusal(tool, caller)
        let elevationPending = tool.kind.needsSecondFactor && !isElevated(caller, now: now)
        if !caller.holds(tool.requiredScopes) {
            if let refusal, !Self.canEverHold(tool.requiredScopes.filter { !caller.scopes.contains($0) }, caller) { return .roleRefused(refusal) }
            return .missingScopes(needed: tool.requiredScopes + (elevationPending ? [Elevation.scope] : []))
        }
        if let refusal { return .roleRefused(refusal) }
        if elevationPending { return .needsSecondFactor(needed: tool.requiredScopes + [Elevation.scope]) }
        return .allowed
    }

    public func isElevated(_ caller: Caller, now: Date) -> Bool {
        Elevation.isFresh(scopes: caller.scopes, authTime: caller.claims.authTime, now: now, windowSeconds: elevationWindowSeconds)
    }

    /// What a refusal for want of a second factor says, naming the window.
    public func secondFactorNeeded(by tool: String) -> String {
        "The tool \(tool) needs a second factor entered in the last \(Elevation.describe(windowSeconds: elevationWindowSeconds)) (scope \(Elevation.scope))"
    }

    /// What a service account is told of a high-trust tool (docs/tokens.md § Service accounts).
    public static func serviceAccountRefusal(_ tool: String) -> String {
        "The tool \(tool) needs a second factor (scope \(Elevation.scope)), which a service account never holds: ask a person to run it"
    }

    /// Where a person elevates a personal access token, which cannot step up through OAuth: the token's own row
    /// on the account page of the tenant's issuer, named by its id (the token's `jti`; docs/tokens.md § MFA elevation).
    public static func elevationURL(issuer: String, token: Caller) -> String { issuer + "/account/tokens#" + token.claims.tokenID }

    /// Listed when its scopes are held and the person's role and company allow it. The second factor
    /// never hides a tool: a client must see a high-trust tool to step up for it.
    public static func isListed(_ tool: Tool, for caller: Caller) -> Bool {
        caller.holds(tool.requiredScopes) && roleRefusal(tool, caller) == nil
    }

    /// Whether a grant for this person could carry all of `scopes` (the catalogue's roles per scope).
    private static func canEverHold(_ scopes: [String], _ caller: Caller) -> Bool {
        guard let role = caller.claims.role.flatMap(Role.init(rawValue:)) else { return false }
        return ScopeCatalog.narrow(scopes, to: role).count == scopes.count
    }

    private static func roleRefusal(_ tool: Tool, _ caller: Caller) -> String? {
        guard let roles = tool.roles else { return nil }
        guard let role = caller.claims.role.flatMap(Role.init(rawValue:)), roles.contains(role) else {
            let allowed = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: " or ")
            return "\(tool.name) is for \(allowed) accounts; this account's role is \(caller.claims.role ?? "not set")."
        }
        if role == .company, (caller.claims.company ?? "").isEmpty {
            return "This company account is not linked to a customer, so it may not use \(tool.name). Ask an administrator to link it."
        }
        return nil
    }
}
