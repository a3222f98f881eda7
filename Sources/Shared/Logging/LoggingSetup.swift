import Foundation
import Logging

public enum LoggingSetup {
    /// Installs the process-wide log handler once, before any logger is made.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }
}
