import CQRencode

/// A QR code's modules, made by Debian's libqrencode: for the authenticator app's `otpauth://` URI on the
/// enrolment page, and any other text a phone should scan. Rendering is the caller's (an SVG for a page).
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [Bool]

    /// Error correction level M (15% of the symbol may be damaged): what phone cameras read reliably from a
    /// screen, without the larger symbol of Q or H. nil when the text is too long for any QR code.
    public init?(_ text: String) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        size = Int(code.pointee.width)
        modules = (0..<size * size).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }
}
