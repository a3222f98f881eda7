/// /account/connect: how to connect each host people use to this install, with its MCP URL filled in
/// (`ConnectInstructions`).
public struct ConnectPage: Page {
    public static let template = PageTemplate.accountConnect

    public let account: AccountFrame
    public let mcpURL: String
    public let hosts: [ConnectInstructions.Host]

    public init(signedIn: SignedInSession, mcpURL: String) {
        account = AccountFrame(signedIn: signedIn, current: .connect)
        self.mcpURL = mcpURL
        hosts = ConnectInstructions.hosts(mcpURL: mcpURL)
    }
}
