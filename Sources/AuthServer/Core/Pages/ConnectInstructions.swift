import Foundation
import Shared

/// What /account/connect shows for each host people connect with: the line or file that host takes, filled in
/// with this install's MCP URL, and a one-click install link where the host has one. Every snippet is plain
/// text a person copies (JSON, a shell line, TOML), so tests parse each one back and check the URL.
public enum ConnectInstructions {
    /// The name the snippets register the server under.
    public static let serverName = "gatehouse"

    public struct Host: Sendable, Equatable {
        /// The section's anchor on the page.
        public var id: String
        public var name: String
        public var summary: String
        public var snippets: [Snippet]
        public var links: [PageLink]
    }

    public struct Snippet: Sendable, Equatable {
        public enum Format: String, Sendable {
            case shell, json, toml, text
        }

        /// Where the text goes: "Run", or the file it belongs in.
        public var label: String
        public var format: Format
        public var text: String
    }

    public static func hosts(mcpURL url: String) -> [Host] {
        let quoted = ShellWord.quote(url)
        let bridge = json(["mcpServers": [serverName: ["command": "gatehouse", "args": ["bridge", url]]]])
        let publicNote = url.hasPrefix("https://") ? "" : " It must reach this address from the internet, so this needs the public https URL of the install."
        return [
            Host(
                id: "claude-code", name: "Claude Code",
                summary: "Add the server, then type /mcp in Claude Code to sign in in your browser.",
                snippets: [Snippet(label: "Run", format: .shell, text: "claude mcp add --transport http \(serverName) \(quoted)")], links: []),
            Host(
                id: "claude-desktop", name: "Claude Desktop and other hosts that run local commands",
                summary: "Hosts that only start local programs over stdio reach Gatehouse through the gatehouse command line: "
                    + "sign in once with gatehouse login in a terminal, then add the bridge to the host's configuration "
                    + "(for Claude Desktop, claude_desktop_config.json). Use the full path of gatehouse if it is not on the host's PATH.",
                snippets: [
                    Snippet(label: "Run once", format: .shell, text: "gatehouse login \(quoted)"),
                    Snippet(label: "claude_desktop_config.json", format: .json, text: bridge),
                ], links: []),
            Host(
                id: "cursor", name: "Cursor",
                summary: "Install with the link, or add the server to ~/.cursor/mcp.json; Cursor signs you in in your browser. "
                    + "If Cursor's sign-in is refused (it registers a cursor:// redirect, which Gatehouse does not accept yet), "
                    + "sign in with gatehouse login and use the bridge entry instead.",
                snippets: [
                    Snippet(label: "~/.cursor/mcp.json", format: .json, text: json(["mcpServers": [serverName: ["url": url]]])),
                    Snippet(label: "~/.cursor/mcp.json, through the command line", format: .json, text: bridge),
                ],
                links: [PageLink(href: cursorInstallLink(url), label: "Add to Cursor")]),
            Host(
                id: "vscode", name: "VS Code",
                summary: "Install with the link, run the line, or add the server to .vscode/mcp.json; VS Code signs you in in your browser.",
                snippets: [
                    Snippet(label: "Run", format: .shell, text: "code --add-mcp " + ShellWord.quote(vsCodeServer(url))),
                    Snippet(label: ".vscode/mcp.json", format: .json, text: json(["servers": [serverName: ["type": "http", "url": url]]])),
                ],
                links: [PageLink(href: "vscode:mcp/install?" + FormEncoding.encode(vsCodeServer(url)), label: "Add to VS Code")]),
            Host(
                id: "chatgpt", name: "ChatGPT and claude.ai",
                summary: "Add a custom connector (in ChatGPT: Settings, Apps and connectors; in claude.ai: Settings, Connectors) "
                    + "with this URL; it signs you in in your browser.\(publicNote)",
                snippets: [Snippet(label: "Connector URL", format: .text, text: url)], links: []),
            Host(
                id: "codex", name: "Codex",
                summary: "Add the server, then sign in with codex mcp login gatehouse; or put it in ~/.codex/config.toml.",
                snippets: [
                    Snippet(label: "Run", format: .shell, text: "codex mcp add \(serverName) --url \(quoted)"),
                    Snippet(label: "~/.codex/config.toml", format: .toml, text: "[mcp_servers.\(serverName)]\nurl = \(tomlString(url))"),
                ], links: []),
            Host(
                id: "gemini", name: "Gemini CLI",
                summary: "Add the server, or put it in ~/.gemini/settings.json (httpUrl is its Streamable HTTP transport).",
                snippets: [
                    Snippet(label: "Run", format: .shell, text: "gemini mcp add --scope user --transport http \(serverName) \(quoted)"),
                    Snippet(label: "~/.gemini/settings.json", format: .json, text: json(["mcpServers": [serverName: ["httpUrl": url]]])),
                ], links: []),
            Host(
                id: "windsurf", name: "Windsurf",
                summary: "Add the server to ~/.codeium/windsurf/mcp_config.json (serverUrl, not url).",
                snippets: [
                    Snippet(label: "~/.codeium/windsurf/mcp_config.json", format: .json, text: json(["mcpServers": [serverName: ["serverUrl": url]]]))
                ], links: []),
            Host(
                id: "mcp-remote", name: "mcp-remote",
                summary: "For a stdio host without the gatehouse command line: mcp-remote (Node.js) runs the browser sign-in itself.",
                snippets: [
                    Snippet(
                        label: "The host's configuration", format: .json,
                        text: json(["mcpServers": [serverName: ["command": "npx", "args": ["-y", "mcp-remote", url]]]]))
                ], links: []),
            Host(
                id: "cli", name: "The gatehouse command line",
                summary: "Sign in from a terminal with your phone, then call tools. Scripts set GATEHOUSE_TOKEN instead of signing in.",
                snippets: [
                    Snippet(
                        label: "Run", format: .shell,
                        text: "gatehouse login \(quoted)\ngatehouse tools\ngatehouse call whoami")
                ], links: []),
        ]
    }

    /// Cursor's install link: the server's mcp.json entry, base64 (cursor.com/docs/context/mcp/install-links).
    static func cursorInstallLink(_ url: String) -> String {
        let config = Data(json(["url": url], pretty: false).utf8).base64EncodedString()
        return "cursor://anysphere.cursor-deeplink/mcp/install?name=\(serverName)&config=" + FormEncoding.encode(config)
    }

    /// VS Code's `--add-mcp` and install-link object: the server with its name.
    static func vsCodeServer(_ url: String) -> String { json(["name": serverName, "type": "http", "url": url], pretty: false) }

    static func json(_ value: Any, pretty: Bool = true) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        // Every value here is strings, arrays and dictionaries of them, which always serialise.
        let data = try! JSONSerialization.data(withJSONObject: value, options: options)
        return String(decoding: data, as: UTF8.self)
    }

    /// A TOML basic string (TOML 1.0 § String).
    static func tomlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

}

/// A word for a POSIX shell line: as it is when it holds only characters no shell treats specially, else in
/// single quotes (a single quote inside written as '\'').
public enum ShellWord {
    public static func quote(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:@%+=,")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
