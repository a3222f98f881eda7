import QRCode

/// A QR code drawn in the terminal, two modules a character (▀ ▄ █ and space), black on a white background
/// set by ANSI codes whatever the terminal's colours, with the quiet zone a phone's camera needs around it.
enum TerminalQRCode {
    /// Modules of white around the code; ISO/IEC 18004 asks for four.
    static let quietZone = 4

    /// The lines to print; nil when the text is too long for a QR code.
    static func lines(_ text: String) -> [String]? {
        guard let code = QRCode(text) else { return nil }
        let size = code.size + 2 * quietZone
        func dark(_ row: Int, _ column: Int) -> Bool {
            let (r, c) = (row - quietZone, column - quietZone)
            return r >= 0 && c >= 0 && r < code.size && c < code.size && code.isDark(row: r, column: c)
        }
        return stride(from: 0, to: size, by: 2).map { row in
            let cells = (0..<size).map { column -> String in
                switch (dark(row, column), dark(row + 1, column)) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
            }
            return "\u{1B}[30;47m" + cells.joined() + "\u{1B}[0m"
        }
    }
}
