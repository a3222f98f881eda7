import Foundation

/// Where settings come from: an optional config file of `KEY = value` lines, overridden by the
/// environment's `GATEHOUSE_<KEY>` variables. Keys are written without the prefix in the file.
///
/// The file is named by `GATEHOUSE_CONFIG`. Unknown keys in the file are refused, because a typo there
/// would otherwise silently fall back to a default.
public struct SettingsSource: Sendable {
    public static let environmentPrefix = "GATEHOUSE_"

    private let fileValues: [String: String]
    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, knownKeys: Set<String>) throws(ConfigurationError) {
        self.environment = environment
        guard let path = environment[Self.environmentPrefix + "CONFIG"], !path.isEmpty else {
            self.fileValues = [:]
            return
        }
        let setting = Self.environmentPrefix + "CONFIG"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(setting: setting, problem: "cannot read config file '\(path)'")
        }
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(setting: setting, problem: "line \(index + 1) of '\(path)' is not KEY = value")
            }
            var key = line[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
            if key.hasPrefix(Self.environmentPrefix) { key.removeFirst(Self.environmentPrefix.count) }
            guard knownKeys.contains(key) else {
                throw ConfigurationError(setting: setting, problem: "line \(index + 1) of '\(path)' names unknown setting '\(key)'")
            }
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        self.fileValues = values
    }

    /// The raw value of `key` (without prefix), environment first.
    public func value(_ key: String) -> String? {
        if let value = environment[Self.environmentPrefix + key] { return value }
        return fileValues[key]
    }
}
