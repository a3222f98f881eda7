import Shared

/// docs/tools.md: the tools reference as Markdown, the same bytes for the same registry, so a test can tell
/// when the file is stale.
enum ToolReferenceMarkdown {
    static let command = "resource-server tools-reference --write docs/tools.md"

    static func render(_ document: ToolReference.Document) -> String {
        var lines = [
            "# Tools reference",
            "",
            "Generated from the resource-server's tool registry by `\(command)`; never edit it by hand (a test fails when it is stale).",
            "Signed-in people see the same reference at `/tools` on the auth-server, with the modules their tenant switched off marked.",
            "A tool needs every scope listed; roles are the accounts it is for (all when none are named). Modules can be switched off per",
            "tenant (README § Feature switches); a tool in no module never is.",
            "",
            "| Tool | Title | Module | Kind | Scopes | Roles |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for tool in document.tools {
            lines.append(
                "| [`\(tool.name)`](#\(tool.name)) | \(tool.title) | \(tool.module?.rawValue ?? "none") | \(tool.kind.rawValue) | "
                    + "\(tool.scopes.isEmpty ? "none" : tool.scopes.map { "`\($0)`" }.joined(separator: " ")) | \(tool.roles?.joined(separator: ", ") ?? "all") |")
        }
        for tool in document.tools {
            lines += [
                "", "## \(tool.name)", "", "**\(tool.title).** Module: \(tool.module?.rawValue ?? "none (never switched off)"). Kind: \(tool.kind.rawValue). "
                    + "Scopes: \(tool.scopes.isEmpty ? "none" : tool.scopes.joined(separator: " ")). Roles: \(tool.roles?.joined(separator: ", ") ?? "all").",
                "", tool.description, "", "Errors:", "",
            ]
            lines += tool.errors.map { "- " + $0 }
            lines += ["", "Input schema:", "", "```json", tool.inputSchema, "```"]
            if let output = tool.outputSchema { lines += ["", "Output schema:", "", "```json", output, "```"] }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
