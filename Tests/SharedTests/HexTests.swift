import Foundation
import Shared
import Testing

@Suite("Hex")
struct HexTests {
    @Test("lower-case, two digits a byte, as String(format: \"%02x\") would give")
    func encode() {
        #expect(Hex.encode([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(Hex.encode([UInt8]()) == "")
        let bytes = (0...255).map(UInt8.init)
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
    }
}
