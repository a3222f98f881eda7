import Shared
import Testing

/// The comparison secrets are checked with.
@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test("equal bytes are equal; a difference anywhere, or a different length, is not")
    func equality() {
        let value = Array("gatehouse_cs_abcdef".utf8)
        #expect(ConstantTime.equals(value, value))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals("abc".utf8, Array("abc".utf8)))
        for index in value.indices {
            var changed = value
            changed[index] ^= 0x01
            #expect(!ConstantTime.equals(value, changed), "differs at \(index)")
        }
        #expect(!ConstantTime.equals(value, value.dropLast()))
        #expect(!ConstantTime.equals(value.dropLast(), value))
        #expect(!ConstantTime.equals(value, value + [0]))
        #expect(!ConstantTime.equals([UInt8](), value))
    }
}
