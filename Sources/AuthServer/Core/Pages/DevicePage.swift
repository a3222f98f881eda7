/// /device (RFC 8628 §3.3): where the signed-in person types the code their device shows (field `user_code`,
/// capitals on phones, no autocomplete, hidden `csrf_token`), and, after the consent page, what tells them to go
/// back to the device. `answer` set shows the latter.
public struct DevicePage: Page {
    public static let template = PageTemplate.device

    /// The person's answer on the consent page.
    public struct Answer: Sendable, Equatable {
        public var approved: Bool
        public var clientName: String
    }

    /// Who is signed in, so a person on a shared computer sees whose account a device would get.
    public var email: String
    public var csrfToken: String
    /// The code in the field: from `verification_uri_complete`, or what was typed before a refusal.
    public var userCode: String
    public var message: String?
    public var answer: Answer?

    public init(email: String, csrfToken: String, userCode: String = "", message: String? = nil, answer: Answer? = nil) {
        self.email = email
        self.csrfToken = csrfToken
        self.userCode = userCode
        self.message = message
        self.answer = answer
    }

    public static let malformedMessage = "That is not a device code. It has eight letters, like BCDF-GHJK: check it on your device's screen."
    /// One answer for a code that never existed and one that expired: the code tells a guesser nothing either way.
    public static let unknownMessage = "That code is not valid, or it has expired. Check it on your device, or start signing in there again."
    public static let answeredMessage = "That code has been answered already. Start signing in again on your device if you need to."
}
