import Foundation

/// Ends the process the way an operator expects: one line on standard error naming what is wrong.
public enum CommandLineFailure {
    /// Configuration errors exit with status 2 (the contract for wrong or missing settings).
    public static func exit(_ error: ConfigurationError) -> Never {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        Foundation.exit(2)
    }

    public static func exit(message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
