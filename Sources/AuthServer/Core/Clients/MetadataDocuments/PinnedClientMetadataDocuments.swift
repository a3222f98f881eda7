import Foundation
import Shared

/// Metadata documents kept on disk and used instead of fetching (CIMD draft § Pre-Registering Client ID Metadata
/// Document URLs; docs/clients.md § Claude: claude.ai's document has been behind a bot challenge for datacenter
/// fetches). Each `*.json` file in the folder stands for the URL in its own `client_id`; other files are
/// ignored. Every file is checked at start, and one bad file stops the server with its name.
public struct PinnedClientMetadataDocuments: Sendable {
    /// By client_id.
    public let documents: [String: ClientMetadataDocument]

    public init(_ documents: [ClientMetadataDocument] = []) {
        self.documents = Dictionary(documents.map { ($0.clientID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static let setting = "GATEHOUSE_CIMD_PINNED_DIR"

    /// `shippedPath` is where `.shipped` looks (tests point it elsewhere).
    public static func load(
        _ folder: PinnedDocumentsFolder, allowLoopbackHTTP: Bool, shippedPath: String = PinnedDocumentsFolder.shippedPath
    ) throws(ConfigurationError) -> Self {
        let path: String
        switch folder {
        case .disabled: return Self()
        case .shipped:
            guard FileManager.default.fileExists(atPath: shippedPath) else { return Self() }
            path = shippedPath
        case .configured(let configured): path = configured
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { throw ConfigurationError(setting: setting, problem: "'\(path)' is not a readable folder") }

        var documents: [String: (file: String, document: ClientMetadataDocument)] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = (path as NSString).appendingPathComponent(name)
            func refuse(_ problem: String) -> ConfigurationError { ConfigurationError(setting: setting, problem: "'\(file)' \(problem)") }
            guard let data = FileManager.default.contents(atPath: file) else { throw refuse("cannot be read") }
            let document: ClientMetadataDocument
            do {
                document = try ClientMetadataDocument(json: data, clientID: nil, allowLoopbackHTTP: allowLoopbackHTTP)
            } catch {
                throw refuse("is not a valid client metadata document: it \(error)")
            }
            switch CIMDClientIdentifier.classify(document.clientID, allowLoopbackHTTP: allowLoopbackHTTP) {
            case .metadataDocument: break
            case .plain: throw refuse("names a client_id that is not a URL")
            case .invalidURL(let problem): throw refuse("names a client_id that is not a metadata document URL: it \(problem)")
            }
            if let earlier = documents[document.clientID] {
                throw refuse("pins '\(document.clientID)', which '\(earlier.file)' pins already")
            }
            documents[document.clientID] = (file, document)
        }
        return Self(documents.values.map(\.document))
    }
}
