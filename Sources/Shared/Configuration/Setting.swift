import Logging
import Foundation

/// One named setting with its default and a parser that explains what is wrong with a bad value.
public struct Setting<Value: Sendable>: Sendable {
    public let key: String
    public let defaultValue: String?
    public let parse: @Sendable (String) -> Result<Value, SettingProblem>

    public init(_ key: String, default defaultValue: String?, parse: @escaping @Sendable (String) -> Result<Value, SettingProblem>) {
        self.key = key
        self.defaultValue = defaultValue
        self.parse = parse
    }

    public var environmentName: String { SettingsSource.environmentPrefix + key }

    /// The value when the setting is given, nil when it is not (its default is not used).
    public func readIfSet(from source: SettingsSource) throws(ConfigurationError) -> Value? {
        source.value(key) == nil ? nil : try read(from: source)
    }

    public func read(from source: SettingsSource) throws(ConfigurationError) -> Value {
        guard let raw = source.value(key) ?? defaultValue else {
            throw ConfigurationError(setting: environmentName, problem: "is required but not set")
        }
        switch parse(raw) {
        case .success(let value): return value
        case .failure(let problem): throw ConfigurationError(setting: environmentName, problem: problem.message)
        }
    }
}

public struct SettingProblem: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

extension Setting where Value == ListenAddress {
    public static func listen(default value: String) -> Self {
        Setting("LISTEN", default: value) { raw in ListenAddress.parse(raw) }
    }
}

extension Setting where Value == String {
    /// A URL the servers are known by (see `ServerURL`). `allowPath: false` for issuers.
    public static func canonicalURL(_ key: String, default value: String?, allowPath: Bool = true) -> Self {
        Setting(key, default: value) { raw in ServerURL.check(raw, allowPath: allowPath).map { .failure($0) } ?? .success(raw) }
    }

    public static func text(_ key: String, default value: String?) -> Self {
        Setting(key, default: value) { raw in
            raw.isEmpty ? .failure(SettingProblem("must not be empty")) : .success(raw)
        }
    }
}

extension Setting where Value == Int {
    public static func integer(_ key: String, default value: Int, range: ClosedRange<Int>) -> Self {
        Setting(key, default: String(value)) { raw in
            guard let number = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                return .failure(SettingProblem("must be a whole number, got '\(raw)'"))
            }
            guard range.contains(number) else {
                return .failure(SettingProblem("must be between \(range.lowerBound) and \(range.upperBound), got \(number)"))
            }
            return .success(number)
        }
    }
}

extension Setting where Value == [String] {
    /// A comma-separated list; empty entries are dropped.
    public static func list(_ key: String, default value: String) -> Self {
        Setting(key, default: value) { raw in
            .success(raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }
}

extension Setting where Value == LogFormat {
    public static let logFormat = Setting("LOG_FORMAT", default: "text") { raw in
        LogFormat(rawValue: raw.lowercased()).map { .success($0) } ?? .failure(SettingProblem("must be 'text' or 'json', got '\(raw)'"))
    }
}

extension Setting where Value == Logger.Level {
    public static let logLevel = Setting("LOG_LEVEL", default: "info") { raw in
        Logger.Level(rawValue: raw.lowercased()).map { .success($0) }
            ?? .failure(SettingProblem("must be one of trace, debug, info, notice, warning, error, critical; got '\(raw)'"))
    }
}

extension Setting where Value == TrustedProxies {
    /// `GATEHOUSE_TRUSTED_PROXIES`: addresses and CIDR ranges of the reverse proxies in front; none by default,
    /// so a forwarded address is never believed unless the operator says where it comes from.
    public static let trustedProxies = Setting("TRUSTED_PROXIES", default: "") { TrustedProxies.parse($0) }
}
