import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Standard output for results, standard error for everything a person should read but a script should not
/// parse. Each write goes out at once (no buffering), so a person sees the sign-in code while the command waits.
enum Console {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

    /// One line: newlines inside `text` are folded, so every error stays on one line.
    static func error(_ text: String) {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data(("error: " + line + "\n").utf8))
    }

    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
