import Foundation
import Shared

/// How the person behind a grant proved who they are: when they signed in and with what (RFC 8176 `amr`),
/// and, when the request asked for elevation, when and with what they entered the code for it. Codes and
/// refresh tokens carry it, so every access token of the grant can say it (`auth_time`, `acr`, `amr`).
public struct Authentication: Sendable, Equatable {
    /// When the person last signed in.
    public var authTime: Date
    /// What they signed in with.
    public var methods: [String]
    /// The code entered for this very request (`mfa`, or `acr_values` naming the MFA class): when, and what it was.
    public var elevatedAt: Date?
    public var elevatedBy: String?

    public init(authTime: Date, methods: [String], elevatedAt: Date? = nil, elevatedBy: String? = nil) {
        self.authTime = authTime
        self.methods = methods
        self.elevatedAt = elevatedAt
        self.elevatedBy = elevatedBy
    }

    /// The token's `auth_time`: the latest proof, which for an elevated request is its code.
    public var latest: Date { elevatedAt ?? authTime }

    /// The token's `amr`: the sign-in's methods and, while the elevation lasts, its code and `mfa`.
    public var tokenMethods: [String] {
        guard let elevatedBy else { return methods }
        return methods + [elevatedBy, AuthenticationMethod.multiFactor.rawValue].filter { !methods.contains($0) }
    }

    /// Two factors (a password and a code) or one.
    public var context: AuthenticationContext {
        let secondFactors: Set<String> = [AuthenticationMethod.oneTimePassword.rawValue, AuthenticationMethod.recoveryCode.rawValue]
        return tokenMethods.contains(where: secondFactors.contains) ? .multiFactor : .singleFactor
    }

    /// The same person after entering a code now with `method`.
    public func elevated(by method: AuthenticationMethod, at now: Date) -> Authentication {
        Authentication(authTime: authTime, methods: methods, elevatedAt: now, elevatedBy: method.rawValue)
    }

    /// Without the elevation, once its window has passed.
    public var withoutElevation: Authentication { Authentication(authTime: authTime, methods: methods) }
}
