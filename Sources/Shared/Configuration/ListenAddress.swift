/// `host:port` to bind to. IPv6 hosts are written in brackets: `[::1]:9000`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func parse(_ raw: String) -> Result<ListenAddress, SettingProblem> {
        let problem = SettingProblem("must be host:port with a port from 0 to 65535, got '\(raw)'")
        var hostPart: Substring
        let portPart: Substring
        if raw.hasPrefix("[") {
            guard let close = raw.firstIndex(of: "]"), raw[raw.index(after: close)...].hasPrefix(":") else { return .failure(problem) }
            hostPart = raw[raw.index(after: raw.startIndex)..<close]
            portPart = raw[raw.index(close, offsetBy: 2)...]
        } else {
            guard let colon = raw.lastIndex(of: ":") else { return .failure(problem) }
            hostPart = raw[..<colon]
            portPart = raw[raw.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !hostPart.contains(" "), let port = Int(portPart), (0...65535).contains(port) else { return .failure(problem) }
        return .success(ListenAddress(host: String(hostPart), port: port))
    }
}
