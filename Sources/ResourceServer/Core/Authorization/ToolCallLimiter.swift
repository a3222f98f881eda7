import Foundation
import Shared
import ToolKit

/// The allowance of `tools/call` per grant and per person, each for reads and for writes: in this
/// process's memory (`ToolRateLimits`, with SQLite) or shared by every resource-server on one PostgreSQL
/// database (`PostgresToolRateLimits`), so a second instance does not double a caller's allowance.
public protocol ToolCallLimiter: Sendable {
    var limits: ToolRateLimits.Limits { get }
    /// Takes one call from the caller's grant and person allowances for the tool's kind. nil when the call
    /// may go ahead; otherwise nothing is taken and the answer is the whole seconds until it may.
    func take(_ caller: Caller, kind: ToolKind, now: Double) async throws -> Int?
}

extension ToolRateLimits: ToolCallLimiter {}
