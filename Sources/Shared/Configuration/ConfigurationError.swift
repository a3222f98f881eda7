/// A setting that is missing or wrong. The process reports it in one line naming the setting and exits
/// with status 2, so an operator at 3 a.m. sees exactly what to fix and never a stack trace.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let setting: String
    public let problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting): \(problem)" }
}
