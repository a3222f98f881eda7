import Foundation

/// Turning two-step sign-in on: the QR code of the `otpauth://` URI, the URI itself and the secret in groups
/// for typing, and the form (POST /account/security/two-step/confirm, fields `code`, `return_to`,
/// `csrf_token`) whose first right code turns it on.
public struct TwoStepEnrolmentPage: Page {
    public static let template = PageTemplate.twoStepEnrolment

    public let account: AccountFrame
    public let qrCode: QRCodeImage?
    public let provisioningURI: String
    public let groupedSecret: String
    public let returnTo: String
    public let problem: String?

    public init(signedIn: SignedInSession, enrolment: TOTPSecondFactor.Enrolment, issuer: String, returnTo: String, problem: String? = nil) {
        account = AccountFrame(signedIn: signedIn, current: .security)
        provisioningURI = enrolment.provisioningURI(issuer: issuer, account: signedIn.user.email)
        qrCode = QRCodeImage(provisioningURI)
        groupedSecret = enrolment.groupedSecret
        self.returnTo = returnTo
        self.problem = problem
    }
}

/// Recovery codes, shown once (after turning two-step sign-in on, or renewing them), with a text file of
/// the same content to download and, when the person came from somewhere, the way back there.
public struct RecoveryCodesPage: Page {
    public static let template = PageTemplate.recoveryCodes

    public let account: AccountFrame
    public let codes: [String]
    /// A `data:` URL of the codes as a text file, so saving them needs no script and no second request.
    public let download: String
    public let continueTo: String
    public let justTurnedOn: Bool

    public init(signedIn: SignedInSession, codes: [String], issuer: String, continueTo: String, justTurnedOn: Bool) {
        account = AccountFrame(signedIn: signedIn, current: .security)
        self.codes = codes
        let text = (["Gatehouse recovery codes for \(signedIn.user.email) at \(issuer)", "Each works once, in place of a code from your app.", ""] + codes)
            .joined(separator: "\n") + "\n"
        download = "data:text/plain;charset=utf-8," + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        self.continueTo = continueTo
        self.justTurnedOn = justTurnedOn
    }
}

/// After a right password: the person's second factor was turned off by an administrator since they last
/// signed in. Said once, with the way on and the way to turn it on again.
public struct SecondFactorResetNoticePage: Page {
    public static let template = PageTemplate.secondFactorResetNotice

    public let resetAt: PageDate
    public let continueTo: String

    public init(resetAt: Date, continueTo: String) {
        self.resetAt = PageDate(resetAt)
        self.continueTo = continueTo
    }
}
