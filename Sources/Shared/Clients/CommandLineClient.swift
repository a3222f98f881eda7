/// What the `gatehouse` command line and the auth-server agree on, so the command line signs in to any
/// Gatehouse issuer with nothing but its address: no registration, no document to fetch.
public enum CommandLineClient {
    /// The same client id in every tenant: the auth-server makes the client at start (`BuiltInClients`).
    public static let id = "gatehouse-cli"
    /// How connected apps and the consent page name it.
    public static let name = "Gatehouse command line"
}

/// RFC 8628 §3.4: the grant type a device polls the token endpoint with, and clients register.
public enum DeviceCodeGrantType {
    public static let urn = "urn:ietf:params:oauth:grant-type:device_code"
}
