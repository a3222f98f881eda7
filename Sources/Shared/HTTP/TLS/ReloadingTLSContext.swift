import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The TLS context new connections are served with, loaded from `TLSFiles` at start and again on SIGHUP,
/// so a renewed certificate needs no restart. Connections already open keep the context they began with.
/// A reload that fails (a half-written file, a key that does not fit) keeps the old pair and says why.
public final class ReloadingTLSContext: Sendable {
    public let files: TLSFiles
    private let current: Mutex<NIOSSLContext>

    /// Fails, naming the setting, when the pair cannot be read: the server must not start without it.
    public init(files: TLSFiles) throws(ConfigurationError) {
        self.files = files
        current = Mutex(try Self.load(files))
    }

    public var context: NIOSSLContext { current.withLock { $0 } }

    public func reload() throws(ConfigurationError) {
        let context = try Self.load(files)
        current.withLock { $0 = context }
    }

    private static func load(_ files: TLSFiles) throws(ConfigurationError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw ConfigurationError(setting: "GATEHOUSE_TLS_CERT", problem: "'\(files.certificatePath)' is not a readable PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else {
            throw ConfigurationError(setting: "GATEHOUSE_TLS_CERT", problem: "'\(files.certificatePath)' holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
        } catch {
            throw ConfigurationError(setting: "GATEHOUSE_TLS_KEY", problem: "'\(files.privateKeyPath)' is not a readable PEM private key: \(error)")
        }
        do {
            return try NIOSSLContext(
                configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw ConfigurationError(setting: "GATEHOUSE_TLS_KEY", problem: "does not fit the certificate in '\(files.certificatePath)': \(error)")
        }
    }
}

/// Reloads the TLS pair whenever the process gets SIGHUP, for as long as the server runs.
public struct TLSReloadOnHangup: Service {
    let tls: ReloadingTLSContext
    let logger: Logger

    public init(tls: ReloadingTLSContext, logger: Logger) {
        self.tls = tls
        self.logger = logger
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try tls.reload()
                logger.notice("TLS certificate reloaded", metadata: ["certificate": "\(tls.files.certificatePath)"])
            } catch {
                logger.error("TLS certificate not reloaded; still serving the previous one", metadata: ["error": "\(error)"])
            }
        }
    }
}
