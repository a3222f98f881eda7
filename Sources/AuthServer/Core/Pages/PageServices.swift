import Foundation
import Shared

/// What the pages need, made once at start: the parsed templates and stylesheet (a broken one fails the
/// start), sessions, the password check with its dummy hash, the throttle, and the second factor.
/// The clock and the sleep are parameters so tests can move time and count delays without waiting.
public struct PageServices: Sendable {
    public let renderer: PageRenderer
    public let stylesheet: Stylesheet
    public let sessions: BrowserSessions
    let storage: any AuthStorage
    let credentials: CredentialChecker
    let throttle: SignInThrottle
    let secondFactor: TOTPSecondFactor
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        storage: any AuthStorage,
        keyEncryptionKey: KeyEncryptionKey,
        verifyPassword: @escaping CredentialChecker.Verify = PasswordHasher.verify,
        throttle: SignInThrottle = SignInThrottle(),
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws {
        renderer = try await PageRenderer()
        stylesheet = try Stylesheet()
        sessions = BrowserSessions(storage: storage, now: now)
        self.storage = storage
        credentials = try CredentialChecker(users: storage, verify: verifyPassword)
        self.throttle = throttle
        secondFactor = TOTPSecondFactor(store: storage, keyEncryptionKey: keyEncryptionKey, now: now)
        self.now = now
        self.sleep = sleep
    }

    /// Where the pages record sign-ins, second factors, consents and the rest (docs/security.md § The audit ledger).
    var ledger: Ledger { Ledger(store: storage) }

    /// A code typed into a second-factor field: a TOTP code or a recovery code, spaces and dashes allowed.
    /// Anything longer than a recovery code with its dashes is no code, refused unread.
    func verifySecondFactor(_ user: User, code: String?) async throws -> AuthenticationMethod? {
        let typed = (code ?? "").filter { !$0.isWhitespace }
        guard !typed.isEmpty, typed.count <= AuthPolicy.Pages.maximumCodeLength else { return nil }
        return try await secondFactor.verify(user, code: typed)
    }

    /// Before a password or code is checked: waits as long as the throttle says and returns nil (go ahead), or
    /// returns how long until the next try may be made (refused: answer 429).
    func applyThrottle(to keys: [SignInThrottle.Key]) async throws -> Duration? {
        switch try await throttle.admit(keys, at: now()) {
        case .refuse(let retryAfter):
            return retryAfter
        case .allow(let delay):
            if delay > .zero { try await sleep(delay) }
            return nil
        }
    }
}
