import Foundation
import Shared

/// Two-step sign-in with an authenticator app (RFC 6238) and recovery codes: the second step of sign-in after
/// the password, and the code an elevation asks for. The secret is sealed with the key-encryption key like the
/// signing keys; a code is accepted once, so a code seen over a shoulder or in a proxy's log is worthless a
/// moment later (the last accepted time step is kept per person).
public struct TOTPSecondFactor: Sendable {
    let store: any SecondFactorStore
    let keyEncryptionKey: KeyEncryptionKey
    let now: @Sendable () -> Date

    public init(store: any SecondFactorStore, keyEncryptionKey: KeyEncryptionKey, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
        self.now = now
    }

    /// A secret waiting for its first right code: what the enrolment page shows.
    public struct Enrolment: Sendable, Equatable {
        let totp: TOTP

        /// The secret for typing by hand: base32 in groups of four.
        public var groupedSecret: String {
            let text = Base32.encode(totp.secret)
            return stride(from: 0, to: text.count, by: 4).map { start in
                String(text.dropFirst(start).prefix(4))
            }.joined(separator: " ")
        }

        /// The `otpauth://` URI, labelled with where and who: the issuer's host and the person's email.
        public func provisioningURI(issuer: String, account: String) -> String {
            totp.provisioningURI(issuer: URLComponents(string: issuer)?.host ?? issuer, account: account)
        }
    }

    public func isEnrolled(_ user: User) async throws -> Bool {
        try await store.secondFactor(tenantID: user.tenantID, userID: user.id)?.enabledAt != nil
    }

    /// What `code` proves when it is the person's current TOTP code (never accepted before) or one of their
    /// unused recovery codes (spent by this call); nil otherwise, and for a person without two-step sign-in.
    public func verify(_ user: User, code: String) async throws -> AuthenticationMethod? {
        guard let factor = try await store.secondFactor(tenantID: user.tenantID, userID: user.id), factor.enabledAt != nil else { return nil }
        let typed = code.filter { !$0.isWhitespace }
        if let step = try totp(factor).matchingStep(of: typed, at: now()) {
            return try await store.acceptSecondFactorStep(tenantID: user.tenantID, userID: user.id, step: step) ? .oneTimePassword : nil
        }
        if let recovery = RecoveryCode.normalised(typed),
            try await store.spendRecoveryCode(tenantID: user.tenantID, userID: user.id, codeHash: RecoveryCode.hash(recovery), at: now())
        {
            return .recoveryCode
        }
        return nil
    }

    /// A fresh secret for the person, replacing one not yet confirmed; nil when two-step sign-in is on already.
    public func beginEnrolment(_ user: User) async throws -> Enrolment? {
        var secret = [UInt8](repeating: 0, count: TOTP.secretBytes)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let sealed = try keyEncryptionKey.seal(Data(secret), context: Self.sealContext(user))
        let factor = StoredSecondFactor(tenantID: user.tenantID, userID: user.id, sealedSecret: sealed, createdAt: now())
        guard try await store.beginSecondFactor(factor) else { return nil }
        return Enrolment(totp: TOTP(secret: secret))
    }

    /// The enrolment in progress, to show again after a wrong code; nil when there is none.
    public func pendingEnrolment(_ user: User) async throws -> Enrolment? {
        guard let factor = try await store.secondFactor(tenantID: user.tenantID, userID: user.id), factor.enabledAt == nil else { return nil }
        return Enrolment(totp: try totp(factor))
    }

    /// The first right code turns two-step sign-in on; returns the recovery codes, to be shown once, or nil
    /// when the code is not the pending secret's.
    public func confirmEnrolment(_ user: User, code: String) async throws -> [String]? {
        guard let enrolment = try await pendingEnrolment(user),
            let step = enrolment.totp.matchingStep(of: code.filter { !$0.isWhitespace }, at: now())
        else { return nil }
        let codes = RecoveryCode.generate()
        let hashes = codes.map { RecoveryCode.hash(RecoveryCode.normalised($0)!) }
        guard try await store.enableSecondFactor(tenantID: user.tenantID, userID: user.id, at: now(), step: step, recoveryCodeHashes: hashes)
        else { return nil }
        return codes
    }

    /// New recovery codes in place of the old ones, for a person who proves they hold the factor now.
    public func renewRecoveryCodes(_ user: User, code: String) async throws -> [String]? {
        guard try await verify(user, code: code) != nil else { return nil }
        let codes = RecoveryCode.generate()
        try await store.replaceRecoveryCodes(tenantID: user.tenantID, userID: user.id, hashes: codes.map { RecoveryCode.hash(RecoveryCode.normalised($0)!) })
        return codes
    }

    /// Turns two-step sign-in off for a person who proves they hold the factor now; ends every elevation.
    public func turnOff(_ user: User, code: String) async throws -> Bool {
        guard try await verify(user, code: code) != nil else { return false }
        return try await store.removeSecondFactor(tenantID: user.tenantID, userID: user.id, at: now(), byAdministrator: false)
    }

    public func unusedRecoveryCodes(_ user: User) async throws -> Int {
        try await store.unusedRecoveryCodes(tenantID: user.tenantID, userID: user.id)
    }

    private func totp(_ factor: StoredSecondFactor) throws -> TOTP {
        TOTP(secret: Array(try keyEncryptionKey.open(factor.sealedSecret, context: Self.sealContext(factor.tenantID, factor.userID))))
    }

    private static func sealContext(_ user: User) -> String { sealContext(user.tenantID, user.id) }

    /// Binds a sealed secret to its row, so one person's secret cannot be moved to another.
    private static func sealContext(_ tenantID: String, _ userID: String) -> String { "gatehouse totp secret \(tenantID) \(userID)" }
}
