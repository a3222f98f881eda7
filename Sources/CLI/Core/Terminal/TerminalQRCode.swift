import CQRencode
import Foundation

/// A QR code drawn in the terminal with libqrencode, two modules a character (▀ ▄ █ and space), black on a
/// white background set by ANSI codes whatever the terminal's colours, with the quiet zone a phone's camera
/// needs around it.
enum TerminalQRCode {
    /// Modules of white around the code; ISO/IEC 18004 asks for four.
    static let quietZone = 4

    /// The code's modules, dark = true, row by row; nil when libqrencode cannot encode the text.
    static func modules(_ text: String) -> [[Bool]]? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        // Bit 0 of each byte is the module's colour (qrencode.h § QRcode).
        return (0..<width).map { row in (0..<width).map { column in data[row * width + column] & 1 == 1 } }
    }

    /// The lines to print.
    static func lines(_ text: String) -> [String]? {
        guard let modules = modules(text) else { return nil }
        let size = modules.count + 2 * quietZone
        func dark(_ row: Int, _ column: Int) -> Bool {
            let (r, c) = (row - quietZone, column - quietZone)
            return r >= 0 && c >= 0 && r < modules.count && c < modules.count && modules[r][c]
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
