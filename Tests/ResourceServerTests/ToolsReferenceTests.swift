import Foundation
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

/// The tools reference is generated from the registry: docs/tools.md must be exactly what the command writes.
@Suite("Tools reference")
struct ToolsReferenceTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/tools.md")

    @Test("docs/tools.md is what `resource-server tools-reference --write docs/tools.md` writes today (regenerate it when this fails)")
    func notStale() async throws {
        let generated = ToolReferenceMarkdown.render(try await ToolRegistry.withoutData().reference())
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(committed == generated, "docs/tools.md is stale: run \(ToolReferenceMarkdown.command)")
    }

    @Test("Each entry carries the tool's name, title, description, kind, module, scopes, roles, schemas and the errors it can answer with")
    func entries() async throws {
        let registry = try await ToolRegistry.withoutData()
        let document = registry.reference()
        #expect(document.tools.map(\.name) == registry.tools.map(\.name))
        let invoices = try #require(document.tools.first { $0.name == "list_invoices" })
        #expect(invoices.module == .billing && invoices.scopes == ["billing:read"] && invoices.roles == ["admin", "company"] && invoices.kind == .read)
        #expect(invoices.inputSchema.contains(#""cursor""#) && invoices.outputSchema?.contains(#""invoices""#) == true)
        #expect(invoices.errors.contains { $0.contains("billing is switched off for this tenant by its administrator") })
        #expect(invoices.errors.contains { $0.contains("cursor") } && !invoices.errors.contains { $0.contains("Nothing was changed") })
        let runRule = try #require(document.tools.first { $0.name == "run_rule" })
        #expect(runRule.kind == .highTrust && runRule.errors.contains { $0.contains("mfa") } && runRule.errors.contains { $0.contains("Nothing was changed") })
        let whoami = try #require(document.tools.first { $0.name == "whoami" })
        #expect(whoami.module == nil && !whoami.errors.contains { $0.contains("switched off") || $0.contains("insufficient_scope") })
        let markdown = ToolReferenceMarkdown.render(document)
        for tool in document.tools { #expect(markdown.contains("\n## \(tool.name)\n"), "\(tool.name)") }
        // The wire form the auth-server reads round-trips.
        let decoded = try JSONDecoder().decode(ToolReference.Document.self, from: try JSONResponse.encoder.encode(document))
        #expect(decoded == document)
    }
}
