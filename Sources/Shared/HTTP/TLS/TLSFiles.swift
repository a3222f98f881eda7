/// The PEM files a server serves TLS from (`GATEHOUSE_TLS_CERT`, `GATEHOUSE_TLS_KEY`): for a small install
/// without a reverse proxy. Both or neither; a renewed pair is taken up on SIGHUP without a restart.
public struct TLSFiles: Sendable, Equatable {
    /// The certificate chain, leaf first.
    public var certificatePath: String
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    public static let settingKeys: Set<String> = ["TLS_CERT", "TLS_KEY"]

    /// The pair from the settings, nil when neither is set; one without the other is a setting error.
    public static func read(from source: SettingsSource) throws(ConfigurationError) -> TLSFiles? {
        let certificate = try Setting<String>.text("TLS_CERT", default: "").readIfSet(from: source)
        let key = try Setting<String>.text("TLS_KEY", default: "").readIfSet(from: source)
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return TLSFiles(certificatePath: certificate, privateKeyPath: key)
        case (nil, _): throw ConfigurationError(setting: "GATEHOUSE_TLS_CERT", problem: "must be set when GATEHOUSE_TLS_KEY is")
        case (_, nil): throw ConfigurationError(setting: "GATEHOUSE_TLS_KEY", problem: "must be set when GATEHOUSE_TLS_CERT is")
        }
    }
}
