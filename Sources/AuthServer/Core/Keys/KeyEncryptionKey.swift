import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Shared

/// The key that seals signing keys (and, later, TOTP seeds) at rest with AES-256-GCM.
/// Comes from `GATEHOUSE_KEK` (base64 of 32 bytes) or from the key file `kek` in the data folder,
/// created with mode 0600 on first start.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey

    public static let fileName = "kek"

    public init(key: SymmetricKey) { self.key = key }

    public static func load(configured: String?, dataDirectory: String) throws(ConfigurationError) -> Self {
        if let configured {
            guard let bytes = Data(base64Encoded: configured), bytes.count == 32 else {
                throw ConfigurationError(setting: "GATEHOUSE_KEK", problem: "must be base64 of exactly 32 bytes (try: openssl rand -base64 32)")
            }
            return Self(key: SymmetricKey(data: bytes))
        }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let setting = "GATEHOUSE_DATA_DIR"
        if FileManager.default.fileExists(atPath: path) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            if let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o077 != 0 {
                throw ConfigurationError(setting: setting, problem: "key file '\(path)' is readable by others; run: chmod 600 '\(path)'")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
            else { throw ConfigurationError(setting: setting, problem: "key file '\(path)' does not hold base64 of 32 bytes") }
            return Self(key: SymmetricKey(data: bytes))
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        // O_EXCL: when the server and an admin command start together, one creates the file and the
        // other reads it; neither overwrites a key that may already seal something. 0600 from the start.
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return try load(configured: nil, dataDirectory: dataDirectory) }
            throw ConfigurationError(setting: setting, problem: "cannot create key file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw ConfigurationError(setting: setting, problem: "cannot write key file '\(path)'")
        }
        return Self(key: key)
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
