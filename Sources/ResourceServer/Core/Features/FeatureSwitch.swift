import Shared

/// One `module=on|off` of `resource-server admin tenant set --feature`, read strictly: an unknown module or a
/// value other than on and off is refused with the list of what is allowed.
struct FeatureSwitch: Equatable {
    let module: ToolModule
    let enabled: Bool

    enum ParseError: Error, Equatable, CustomStringConvertible {
        case unknownModule(String)
        case badValue(String)

        var description: String {
            switch self {
            case .unknownModule(let name): "unknown module '\(name)'; the modules are: \(ToolModule.names)"
            case .badValue(let text): "'\(text)' is not MODULE=on or MODULE=off (the modules are: \(ToolModule.names))"
            }
        }
    }

    static func parse(_ text: String) throws(ParseError) -> FeatureSwitch {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ["on", "off"].contains(parts[1]) else { throw .badValue(text) }
        guard let module = ToolModule(rawValue: String(parts[0])) else { throw .unknownModule(String(parts[0])) }
        return FeatureSwitch(module: module, enabled: parts[1] == "on")
    }

    /// Every module with its state, in the catalogue's order: what `admin tenant show` prints.
    static func describe(switchedOff: Set<ToolModule>) -> [String] {
        ToolModule.allCases.map { "feature \($0.rawValue) = \(switchedOff.contains($0) ? "off" : "on")" }
    }
}
