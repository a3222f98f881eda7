import Foundation
import Testing

@testable import AuthServerCore

/// /account/connect: every snippet, read back the way its host reads it (JSON with a JSON parser, shell lines split
/// into words, TOML's key = "value"), names this install's MCP URL; the install links carry it too.
@Suite("Connect page")
struct ConnectPageTests {
    static let signedIn = SignedInSession(
        session: BrowserSession(
            tenantID: "acme", idHash: "h", userID: "usr_1", createdAt: .now, lastSeenAt: .now, authTime: .now, authenticationMethods: ["pwd"]),
        user: User(tenantID: "acme", id: "usr_1", email: "tech@example.com", passwordHash: "", role: .technician, companyID: nil, createdAt: .now),
        secret: CookieSecret())

    /// The snippets as the page shows them: (host section id, format, text), HTML entities undone.
    static func snippets(_ html: String) -> [(host: String, format: String, text: String)] {
        var found: [(String, String, String)] = []
        for section in html.components(separatedBy: #"<section class="connect-host" id=""#).dropFirst() {
            let host = String(section.prefix { $0 != "\"" })
            for part in section.components(separatedBy: #"<pre class="snippet" data-format=""#).dropFirst() {
                let format = String(part.prefix { $0 != "\"" })
                guard let open = part.range(of: "<code>"), let close = part.range(of: "</code></pre>") else { continue }
                found.append((host, format, PageResponse.unescapeHTML(String(part[open.upperBound..<close.lowerBound]))))
            }
        }
        return found
    }

    /// POSIX shell words: blanks split, single quotes keep everything, a backslash keeps the next character.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        var inWord = false
        for character in line {
            if quoted {
                if character == "'" { quoted = false } else { current.append(character) }
            } else if escaped {
                current.append(character)
                escaped = false
            } else if character == "'" {
                quoted = true
                inWord = true
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Every string in a JSON value.
    static func strings(_ value: Any) -> [String] { AuthServerHTTPTests.strings(in: value) }

    @Test("each host's snippet parses and names the MCP URL", arguments: ["https://acme.example.com/mcp", "http://127.0.0.1:9001/mcp", "https://acme.example.com/mcp?tenant=a&x=b"])
    func snippetsParse(url: String) async throws {
        let html = try await PageRenderer().html(ConnectPage(signedIn: Self.signedIn, mcpURL: url))
        let snippets = Self.snippets(html)
        #expect(Set(snippets.map(\.host)) == ["claude-code", "claude-desktop", "cursor", "vscode", "chatgpt", "codex", "gemini", "windsurf", "mcp-remote", "cli"])
        for snippet in snippets {
            switch snippet.format {
            case "json":
                let object = try #require(try JSONSerialization.jsonObject(with: Data(snippet.text.utf8)) as? [String: Any], "\(snippet.host)")
                #expect(Self.strings(object).contains(url), "\(snippet.host): \(snippet.text)")
            case "shell":
                for line in snippet.text.split(separator: "\n") {
                    let words = Self.shellWords(String(line))
                    #expect(["claude", "gatehouse", "code", "codex", "gemini"].contains(words.first ?? ""), "\(line)")
                    guard !["tools", "call"].contains(words.dropFirst().first ?? "") else { continue }
                    // The URL is a word of its own, or inside VS Code's JSON word.
                    let inJSON = words.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.flatMap(Self.strings)
                    #expect(words.contains(url) || inJSON.contains(url), "\(snippet.host): \(line)")
                }
            case "toml":
                let lines = snippet.text.split(separator: "\n").map(String.init)
                #expect(lines.first == "[mcp_servers.gatehouse]")
                let value = try #require(lines.dropFirst().first { $0.hasPrefix("url = ") }).dropFirst(6)
                #expect(value.first == "\"" && value.last == "\"")
                #expect(value.dropFirst().dropLast().replacingOccurrences(of: #"\""#, with: "\"").replacingOccurrences(of: #"\\"#, with: "\\") == url)
            case "text":
                #expect(snippet.text == url)
            default:
                Issue.record("unknown format \(snippet.format)")
            }
        }
        // Specific shapes: where each host looks for the URL.
        func json(_ host: String) throws -> [String: Any] {
            let snippet = try #require(snippets.first { $0.host == host && $0.format == "json" })
            return try #require(try JSONSerialization.jsonObject(with: Data(snippet.text.utf8)) as? [String: Any])
        }
        func server(_ host: String, _ container: String = "mcpServers") throws -> [String: Any] {
            try #require((try json(host)[container] as? [String: Any])?["gatehouse"] as? [String: Any])
        }
        #expect(try server("cursor")["url"] as? String == url)
        #expect(try server("vscode", "servers")["url"] as? String == url && server("vscode", "servers")["type"] as? String == "http")
        #expect(try server("gemini")["httpUrl"] as? String == url)
        #expect(try server("windsurf")["serverUrl"] as? String == url)
        #expect(try server("claude-desktop")["command"] as? String == "gatehouse" && server("claude-desktop")["args"] as? [String] == ["bridge", url])
        #expect(try server("mcp-remote")["args"] as? [String] == ["-y", "mcp-remote", url])
    }

    @Test("Cursor's and VS Code's install links carry the URL")
    func installLinks() throws {
        let url = "https://acme.example.com/mcp"
        let links = ConnectInstructions.hosts(mcpURL: url).flatMap(\.links)
        let cursorLink = try #require(links.first { $0.href.hasPrefix("cursor://") })
        let cursor = try #require(URLComponents(string: cursorLink.href))
        #expect(cursor.host == "anysphere.cursor-deeplink" && cursor.path == "/mcp/install")
        #expect(cursor.queryItems?.first { $0.name == "name" }?.value == "gatehouse")
        let encoded = try #require(cursor.queryItems?.first { $0.name == "config" }?.value)
        let config = try #require(Data(base64Encoded: encoded))
        #expect((try JSONSerialization.jsonObject(with: config) as? [String: String]) == ["url": url])

        let vscode = try #require(links.first { $0.href.hasPrefix("vscode:mcp/install?") }).href
        let object = try #require(String(vscode.dropFirst("vscode:mcp/install?".count)).removingPercentEncoding)
        #expect((try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: String]) == ["name": "gatehouse", "type": "http", "url": url])
    }

    @Test("shell words are quoted only when a shell would read them otherwise")
    func shellQuoting() {
        #expect(ShellWord.quote("https://acme.example.com/mcp") == "https://acme.example.com/mcp")
        #expect(ShellWord.quote("https://a.example/mcp?x=1&y=2") == "'https://a.example/mcp?x=1&y=2'")
        #expect(ShellWord.quote(#"{"a":"it's"}"#) == #"'{"a":"it'\''s"}'"#)
        #expect(Self.shellWords("x " + ShellWord.quote("it's $HOME & more")) == ["x", "it's $HOME & more"])
        #expect(ShellWord.quote("") == "''")
    }

    @Test("the page is in the account navigation; a plain-http URL is told it needs the public https one for hosted connectors")
    func framing() async throws {
        let renderer = try await PageRenderer()
        let html = renderer.html(ConnectPage(signedIn: Self.signedIn, mcpURL: "http://127.0.0.1:9001/mcp"))
        #expect(html.contains(#"<a href="/account/connect" aria-current="page">Connect an app</a>"#))
        #expect(html.contains(#"<code id="mcp-url">http://127.0.0.1:9001/mcp</code>"#))
        #expect(html.contains("needs the public https URL"))
        #expect(!renderer.html(ConnectPage(signedIn: Self.signedIn, mcpURL: "https://acme.example.com/mcp")).contains("needs the public https URL"))
    }
}
