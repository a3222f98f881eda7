import Foundation

/// How a resource-server proves itself to the auth-server's internal endpoints (the revocation stream, and
/// introspection of personal access tokens): as a confidential client of the auth-server, with HTTP Basic
/// (RFC 6749 §2.3.1). The auth-server creates them on first start in a 0600 file in its data folder; a
/// resource-server sharing that folder reads the same file, and one elsewhere is given the two values as
/// `GATEHOUSE_RS_CLIENT_ID` and `GATEHOUSE_RS_CLIENT_SECRET`.
public struct ResourceServerCredentials: Sendable, Equatable {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    public static let fileName = "resource-server.credentials"
    public static let defaultClientID = "gatehouse-resource-server"

    /// `Basic base64(id ":" secret)`, each part form-encoded first (RFC 6749 §2.3.1).
    public var authorization: String {
        "Basic " + Data("\(FormEncoding.encode(clientID)):\(FormEncoding.encode(clientSecret))".utf8).base64EncodedString()
    }

    /// The file's text: `KEY = value` lines, as in a config file, so an operator can copy them across.
    public var fileContents: String {
        "# The resource-server's credentials at the auth-server; keep this file 0600.\nRS_CLIENT_ID = \(clientID)\nRS_CLIENT_SECRET = \(clientSecret)\n"
    }

    /// The credentials in a file of this format; nil when there is no file.
    public static func read(file path: String) throws(ConfigurationError) -> Self? {
        let setting = "GATEHOUSE_RS_CLIENT_SECRET"
        guard let text = try SecretFile.read(path, setting: setting) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let id = values["RS_CLIENT_ID"], !id.isEmpty, let secret = values["RS_CLIENT_SECRET"], !secret.isEmpty else {
            throw ConfigurationError(setting: setting, problem: "'\(path)' does not hold RS_CLIENT_ID and RS_CLIENT_SECRET")
        }
        return Self(clientID: id, clientSecret: secret)
    }

    /// From `GATEHOUSE_RS_CLIENT_ID` and `GATEHOUSE_RS_CLIENT_SECRET` when given, else from the file the
    /// auth-server wrote into `dataDirectory`; nil when neither is there (see `missing`).
    public static func load(from source: SettingsSource, dataDirectory: String) throws(ConfigurationError) -> Self? {
        let id = try Setting<String>.text("RS_CLIENT_ID", default: nil).readIfSet(from: source)
        let secret = try Setting<String>.text("RS_CLIENT_SECRET", default: nil).readIfSet(from: source)
        switch (id, secret) {
        case (let id?, let secret?): return Self(clientID: id, clientSecret: secret)
        case (nil, nil):
            return try read(file: (dataDirectory as NSString).appendingPathComponent(fileName))
        case (nil, _): throw ConfigurationError(setting: "GATEHOUSE_RS_CLIENT_ID", problem: "must be set with GATEHOUSE_RS_CLIENT_SECRET")
        case (_, nil): throw ConfigurationError(setting: "GATEHOUSE_RS_CLIENT_SECRET", problem: "must be set with GATEHOUSE_RS_CLIENT_ID")
        }
    }

    public static let settingKeys: Set<String> = ["RS_CLIENT_ID", "RS_CLIENT_SECRET"]

    /// What a server that must follow the auth-server says when it has no credentials, and how to get them.
    public static func missing(dataDirectory: String) -> ConfigurationError {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        return ConfigurationError(
            setting: "GATEHOUSE_RS_CLIENT_SECRET",
            problem: """
                and GATEHOUSE_RS_CLIENT_ID are not set and '\(path)' does not exist: start the auth-server with the same \
                GATEHOUSE_DATA_DIR first (it creates the file), or copy both values from its data folder's \(fileName)
                """)
    }
}

/// The secret never leaves in a description, however the value is printed or reflected (a service list logged at
/// debug level, an error's interpolation): only the client id shows.
extension ResourceServerCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ResourceServerCredentials(clientID: \(clientID), clientSecret: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["clientID": clientID], displayStyle: .struct) }
}
