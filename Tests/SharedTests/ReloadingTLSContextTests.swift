import Foundation
import Shared
import Testing

/// The TLS pair a server serves: loaded at start, refused with the setting named when it is wrong, and
/// replaced by a reload only when the new pair is good.
@Suite("TLS certificate loading")
struct ReloadingTLSContextTests {
    /// A self-signed pair for 127.0.0.1 made by openssl in a fresh folder.
    static func makePair(in folder: URL, name: String) throws -> TLSFiles {
        let files = TLSFiles(
            certificatePath: folder.appendingPathComponent("\(name).crt").path, privateKeyPath: folder.appendingPathComponent("\(name).key").path)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", files.privateKeyPath, "-out", files.certificatePath,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        return files
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a good pair loads; a missing certificate, a non-PEM key and a key of another pair are setting errors")
    func loading() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Self.makePair(in: folder, name: "a")
        let other = try Self.makePair(in: folder, name: "b")
        _ = try ReloadingTLSContext(files: good)

        let missing = try #require(throws: ConfigurationError.self) {
            try ReloadingTLSContext(files: TLSFiles(certificatePath: folder.appendingPathComponent("none.crt").path, privateKeyPath: good.privateKeyPath))
        }
        #expect(missing.setting == "GATEHOUSE_TLS_CERT")
        let notPEM = folder.appendingPathComponent("garbage.key")
        try Data("not a key".utf8).write(to: notPEM)
        let garbage = try #require(throws: ConfigurationError.self) {
            try ReloadingTLSContext(files: TLSFiles(certificatePath: good.certificatePath, privateKeyPath: notPEM.path))
        }
        #expect(garbage.setting == "GATEHOUSE_TLS_KEY")
        let mismatched = try #require(throws: ConfigurationError.self) {
            try ReloadingTLSContext(files: TLSFiles(certificatePath: good.certificatePath, privateKeyPath: other.privateKeyPath))
        }
        #expect(mismatched.setting == "GATEHOUSE_TLS_KEY")
    }

    @Test("a reload takes a renewed pair from the same paths; a broken one leaves the previous context in place")
    func reloading() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.makePair(in: folder, name: "live")
        let tls = try ReloadingTLSContext(files: files)
        let first = tls.context
        _ = try Self.makePair(in: folder, name: "live")
        try tls.reload()
        #expect(tls.context !== first)
        let renewed = tls.context
        try Data("half-written".utf8).write(to: URL(fileURLWithPath: files.certificatePath))
        #expect(throws: ConfigurationError.self) { try tls.reload() }
        #expect(tls.context === renewed)
    }
}
