@testable import AuthServerCore
import Shared

/// Tests put people in place without an administrator's decision behind them, so without a `person.added` entry.
extension UserStore {
    func insertUser(_ user: User) async throws { try await insertUser(user, ledger: nil) }
}
