import Foundation
import Shared

/// How the person behind a grant proved who they are: when they signed in and with what (RFC 8176 `amr`),
/// and, when the request asked for elevation, when they entered the code for it. Codes and refresh tokens
/// carry it, so every access token of the grant can say it (`auth_time`, `acr`, `amr`).
public struct Authentication: Sendable, Equatable {
    /// When the person last signed in.
    public var authTime: Date
    /// What they used then, and for an elevation the code they entered for it.
    public var methods: [String]
    /// When they entered a code for this very request (`mfa`, or `acr_values` naming the MFA class).
    public var elevatedAt: Date?

    public init(authTime: Date, methods: [String], elevatedAt: Date? = nil) {
        self.authTime = authTime
        self.methods = methods
        self.elevatedAt = elevatedAt
    }

    /// The token's `auth_time`: the latest proof, which for an elevated request is its code.
    public var latest: Date { elevatedAt ?? authTime }

    /// Two factors (a password and a code) or one.
    public var context: AuthenticationContext {
        let secondFactors: Set<String> = [AuthenticationMethod.oneTimePassword.rawValue, AuthenticationMethod.recoveryCode.rawValue]
        return methods.contains(where: secondFactors.contains) ? .multiFactor : .singleFactor
    }

    /// Whether an elevation entered at `elevatedAt` still counts at `now` for a window of `windowSeconds`.
    public func isElevated(at now: Date, windowSeconds: Int) -> Bool {
        guard let elevatedAt else { return false }
        return now.timeIntervalSince(elevatedAt) < TimeInterval(windowSeconds)
    }

    /// The methods after a code entered now: what the person signed in with, the code's method, and `mfa`.
    public func elevated(by method: AuthenticationMethod, at now: Date) -> Authentication {
        var methods = self.methods
        for added in [method.rawValue, AuthenticationMethod.multiFactor.rawValue] where !methods.contains(added) { methods.append(added) }
        return Authentication(authTime: authTime, methods: methods, elevatedAt: now)
    }
}
