import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small file that holds a secret (the key-encryption key, the resource-server's credentials): created
/// with mode 0600 from the first byte, never overwritten, and refused when anyone but its owner may read it.
public enum SecretFile {
    /// The file's text, or nil when there is no such file. `setting` names what the error message blames.
    public static func read(_ path: String, setting: String) throws(ConfigurationError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o077 != 0 {
            throw ConfigurationError(setting: setting, problem: "'\(path)' is readable by others; run: chmod 600 '\(path)'")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(setting: setting, problem: "cannot read '\(path)'")
        }
        return text
    }

    /// Writes `contents` to a new file; false when the file exists already (another process made it first,
    /// which the caller then reads instead). `O_EXCL` makes that race safe: nothing is ever overwritten.
    public static func create(_ path: String, contents: String, setting: String) throws(ConfigurationError) -> Bool {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw ConfigurationError(setting: setting, problem: "cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw ConfigurationError(setting: setting, problem: "cannot write '\(path)'")
        }
        return true
    }
}
