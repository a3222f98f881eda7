import Testing

@testable import AuthServerCore

/// Which client_ids name a metadata document (CIMD draft § Client Identifier).
@Suite("CIMD client identifiers")
struct CIMDClientIdentifierTests {
    typealias Kind = CIMDClientIdentifier.Kind

    static let table: [(String, Kind)] = [
        // https with a path.
        ("https://claude.ai/oauth/mcp-oauth-client-metadata", .metadataDocument),
        ("https://claude.ai/oauth/claude-code-client-metadata", .metadataDocument),
        ("https://chatgpt.com/oauth/client.json", .metadataDocument),
        ("https://chatgpt.com/oauth/tU1UVEq8rRTK/client.json", .metadataDocument),
        ("https://example.com:8443/client.json", .metadataDocument),
        ("https://example.com/clients/", .metadataDocument),
        ("https://[2001:db8::1]/client.json", .metadataDocument),
        // Plain ids: DCR and first-party.
        ("gh_dcr_3f9a0c", .plain),
        ("gatehouse-admin-cli", .plain),
        ("550e8400-e29b-41d4-a716-446655440000", .plain),
        ("", .plain),
        // Look like URLs, but cannot be metadata documents.
        ("http://example.com/client.json", .invalidURL(.notHTTPS)),
        ("HTTPS://example.com/client.json", .invalidURL(.notHTTPS)),
        ("ftp://example.com/client.json", .invalidURL(.notHTTPS)),
        ("https:example.com/client.json", .invalidURL(.notHTTPS)),
        ("https://example.com", .invalidURL(.noPath)),
        ("https://example.com/", .invalidURL(.noPath)),
        ("https://example.com/client.json#top", .invalidURL(.fragment)),
        ("https://example.com/client.json#", .invalidURL(.fragment)),
        ("https://example.com/client.json?v=1", .invalidURL(.query)),
        ("https://example.com/client.json?", .invalidURL(.query)),
        ("https://user@example.com/client.json", .invalidURL(.userInfo)),
        ("https://user:pw@example.com/client.json", .invalidURL(.userInfo)),
        ("https://good.example@evil.example/client.json", .invalidURL(.userInfo)),
        ("https://example.com/a/../client.json", .invalidURL(.dotSegment)),
        ("https://example.com/./client.json", .invalidURL(.dotSegment)),
        ("https://example.com/a/..", .invalidURL(.dotSegment)),
        ("https://example.com/a/%2e%2E/client.json", .invalidURL(.dotSegment)),
        ("https://example.com/a/%2e/client.json", .invalidURL(.dotSegment)),
        ("https:///client.json", .invalidURL(.noHost)),
        ("https://:443/client.json", .invalidURL(.noHost)),
        ("https://example.com:/client.json", .invalidURL(.invalidPort)),
        ("https://example.com:0/client.json", .invalidURL(.invalidPort)),
        ("https://example.com:65536/client.json", .invalidURL(.invalidPort)),
        ("https://example.com:44x/client.json", .invalidURL(.invalidPort)),
        ("https://example.com/client json", .invalidURL(.invalidCharacters)),
        ("https://example.com\\@evil.example/client.json", .invalidURL(.invalidCharacters)),
        ("https://exämple.com/client.json", .invalidURL(.invalidCharacters)),
        ("https://example.com/client.json\n", .invalidURL(.invalidCharacters)),
        ("https://[2001:db8::1/client.json", .invalidURL(.noHost)),
        ("https://[zz]/client.json", .invalidURL(.malformed)),
        ("https://[192.0.2.1]/client.json", .invalidURL(.malformed)),
        // Without allow-loopback, loopback over http is still not https.
        ("http://127.0.0.1:8080/client.json", .invalidURL(.notHTTPS)),
    ]

    @Test("CIMD § Client Identifier: client_id classification", arguments: table)
    func classification(clientID: String, expected: Kind) {
        #expect(CIMDClientIdentifier.classify(clientID, allowLoopbackHTTP: false) == expected, "\(clientID)")
    }

    @Test("an over-long URL is refused before it is parsed")
    func tooLong() {
        let long = "https://example.com/" + String(repeating: "a", count: AuthPolicy.MetadataDocuments.maxClientIDLength)
        #expect(CIMDClientIdentifier.classify(long, allowLoopbackHTTP: false) == .invalidURL(.tooLong))
    }

    @Test("allow-loopback accepts plain http to loopback hosts only")
    func loopbackHTTP() {
        for clientID in ["http://127.0.0.1:8080/client.json", "http://localhost:9/doc", "http://[::1]:8080/client.json", "http://127.0.0.2/x"] {
            #expect(CIMDClientIdentifier.classify(clientID, allowLoopbackHTTP: true) == .metadataDocument, "\(clientID)")
        }
        for clientID in ["http://example.com/client.json", "http://10.0.0.1/client.json", "http://127.1/client.json", "http://localhost.example/x"] {
            #expect(CIMDClientIdentifier.classify(clientID, allowLoopbackHTTP: true) == .invalidURL(.notHTTPS), "\(clientID)")
        }
        #expect(CIMDClientIdentifier.classify("http://127.0.0.1/", allowLoopbackHTTP: true) == .invalidURL(.noPath))
    }

    @Test("every problem reads as the end of a sentence about the client_id")
    func messages() {
        let problems: [CIMDClientIdentifier.Problem] = [
            .tooLong, .invalidCharacters, .notHTTPS, .userInfo, .noHost, .invalidPort, .noPath, .dotSegment, .query, .fragment, .malformed,
        ]
        for problem in problems {
            let text = "\(problem)"
            #expect(!text.isEmpty && text.first!.isLowercase && !text.hasSuffix("."), "\(text)")
        }
    }
}
