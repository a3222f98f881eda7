import QRCode

/// A QR code as the pieces of an inline SVG a template writes out: its side with the quiet zone and one path
/// of its dark modules. Both are numbers and path letters only, so the template needs no unescaped output.
public struct QRCodeImage: Sendable, Equatable {
    /// The white margin scanners need round a symbol (ISO/IEC 18004 §6.3.8: four modules).
    static let quietZone = 4

    public let side: Int
    /// SVG path data: one rectangle per horizontal run of dark modules.
    public let path: String

    public init?(_ text: String) {
        guard let code = QRCode(text) else { return nil }
        side = code.size + 2 * Self.quietZone
        var path = ""
        for row in 0..<code.size {
            var column = 0
            while column < code.size {
                guard code.isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                let start = column
                while column < code.size, code.isDark(row: row, column: column) { column += 1 }
                path += "M\(start + Self.quietZone) \(row + Self.quietZone)h\(column - start)v1h-\(column - start)z"
            }
        }
        self.path = path
    }
}
