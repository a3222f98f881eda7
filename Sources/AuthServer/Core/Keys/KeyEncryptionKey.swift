import Crypto
import Foundation
import Shared

/// The key that seals signing keys (and TOTP secrets) at rest with AES-256-GCM. It comes from
/// `GATEHOUSE_KEK` (base64 of 32 bytes), from the file `GATEHOUSE_KEK_FILE` names, or, for an install
/// on loopback, from the key file `kek` in the data folder, created with mode 0600 on first start.
///
/// A key kept in the data folder sits beside the keys it seals, so a copy of the folder (a backup, a
/// snapshot) carries both. That is acceptable for a developer's machine and nothing else: an issuer that
/// is not loopback needs the key from the environment or from a file outside the data folder.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey

    public static let fileName = "kek"

    public init(key: SymmetricKey) { self.key = key }

    /// Where the key comes from, as the settings say.
    public enum Source: Sendable, Equatable {
        /// `GATEHOUSE_KEK`: base64 of the key.
        case value(String)
        /// `GATEHOUSE_KEK_FILE`: a file holding base64 of the key, outside the data folder.
        case file(String)
        /// Neither: the generated `kek` file in the data folder, for loopback issuers only.
        case dataFolder

        /// The setting an operator changes to give another key.
        var setting: String {
            switch self {
            case .value: "GATEHOUSE_KEK"
            case .file: "GATEHOUSE_KEK_FILE"
            case .dataFolder: "GATEHOUSE_DATA_DIR"
            }
        }
    }

    static let howToMake = "make one with: openssl rand -base64 32"

    public static func load(_ source: Source, dataDirectory: String, issuer: String) throws(ConfigurationError) -> Self {
        switch source {
        case .value(let configured):
            guard let key = decode(configured) else {
                throw ConfigurationError(setting: "GATEHOUSE_KEK", problem: "must be base64 of exactly 32 bytes (\(howToMake))")
            }
            return key
        case .file(let path):
            let setting = "GATEHOUSE_KEK_FILE"
            if isInside(path, folder: dataDirectory) {
                throw ConfigurationError(
                    setting: setting, problem: "'\(path)' is inside the data folder, where a copy of the folder would carry it; keep it elsewhere")
            }
            guard let text = try SecretFile.read(path, setting: setting) else {
                throw ConfigurationError(setting: setting, problem: "'\(path)' does not exist (\(howToMake) > '\(path)'; chmod 600 '\(path)')")
            }
            guard let key = decode(text) else { throw ConfigurationError(setting: setting, problem: "'\(path)' does not hold base64 of 32 bytes") }
            return key
        case .dataFolder:
            if let host = URLComponents(string: issuer)?.host, !LoopbackHost.contains(host) {
                throw ConfigurationError(
                    setting: "GATEHOUSE_KEK_FILE",
                    problem: """
                        or GATEHOUSE_KEK must be set for the issuer \(issuer): a key generated into the data folder would sit beside the \
                        signing keys it seals, and every copy of the folder would carry both (\(howToMake))
                        """)
            }
            return try loadFromDataFolder(dataDirectory)
        }
    }

    private static func loadFromDataFolder(_ dataDirectory: String) throws(ConfigurationError) -> Self {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let setting = "GATEHOUSE_DATA_DIR"
        if let text = try SecretFile.read(path, setting: setting) {
            guard let key = decode(text) else { throw ConfigurationError(setting: setting, problem: "key file '\(path)' does not hold base64 of 32 bytes") }
            return key
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        // When the server and an admin command start together, one creates the file and the other reads it.
        guard try SecretFile.create(path, contents: text, setting: setting) else { return try loadFromDataFolder(dataDirectory) }
        return Self(key: key)
    }

    private static func decode(_ text: String) -> Self? {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else { return nil }
        return Self(key: SymmetricKey(data: bytes))
    }

    private static func isInside(_ path: String, folder: String) -> Bool {
        func absolute(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
            return url.path.hasSuffix("/") ? url.path : url.path + "/"
        }
        return absolute(path).hasPrefix(absolute(folder))
    }

    /// Seals `plaintext`, binding it to `context` so a sealed value cannot be moved to another row.
    func seal(_ plaintext: Data, context: String) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8)).combined else {
            throw CryptoKitError.incorrectParameterSize
        }
        return combined
    }

    func open(_ sealed: Data, context: String) throws -> Data {
        try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8))
    }
}
