import ArgumentParser
import Foundation
import Logging
import Shared
import ToolKit

/// `resource-server tools-reference`: the tools reference from the registry, as Markdown (docs/tools.md).
struct ToolsReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools-reference",
        abstract: "Print the tools reference (Markdown) generated from the tool registry, or write it to a file.",
        discussion: "Needs no settings and no data folder. docs/tools.md is this command's output: \(ToolReferenceMarkdown.command)"
    )

    @Option(help: "Write the reference to this file instead of printing it.") var write: String?

    func run() async throws {
        let markdown = ToolReferenceMarkdown.render(try await ToolRegistry.withoutData().reference())
        if let write {
            try Data(markdown.utf8).write(to: URL(fileURLWithPath: write), options: .atomic)
            print("wrote \(write)")
        } else {
            FileHandle.standardOutput.write(Data(markdown.utf8))
        }
    }
}

extension ToolRegistry {
    /// The standard tools over a throwaway database: what they are, for the reference, without anyone's data.
    static func withoutData() async throws -> ToolRegistry {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteResourceStorage(path: directory.appendingPathComponent("reference.sqlite").path)
        return .standard(serviceDesk: storage.serviceDesk, audit: AuditRecorder(store: storage.serviceDesk, logger: Logger(label: "reference")))
    }
}
