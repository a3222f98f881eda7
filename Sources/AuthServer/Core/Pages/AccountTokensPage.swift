/// /account/tokens: personal access tokens come with their own issue; until then the page says so.
public struct AccountTokensPage: Page {
    public static let template = PageTemplate.accountTokens

    public let account: AccountFrame

    public init(signedIn: SignedInSession) {
        account = AccountFrame(signedIn: signedIn, current: .tokens)
    }
}
