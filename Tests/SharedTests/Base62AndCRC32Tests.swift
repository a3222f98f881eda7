import Shared
import Testing

@Suite("CRC32")
struct CRC32Tests {
    @Test("CRC-32 of \"123456789\" is the standard check value 0xCBF43926")
    func checkValue() {
        #expect(CRC32.checksum("123456789".utf8) == 0xCBF4_3926)
    }

    @Test("CRC-32 of nothing is 0, and one changed byte changes it")
    func emptyAndChangedInput() {
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum("The quick brown fox jumps over the lazy dog".utf8) == 0x414F_A339)
        #expect(CRC32.checksum("123456789".utf8) != CRC32.checksum("123456788".utf8))
    }
}

@Suite("Base62")
struct Base62Tests {
    /// Reads a base62 string back, to check `encode` without restating its algorithm.
    static func decode(_ text: String) -> UInt64? {
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard let digit = Base62.alphabet.firstIndex(of: byte) else { return nil }
            value = value * 62 + UInt64(digit)
        }
        return value
    }

    @Test("encode(0, width: 6) is six zeros")
    func zeroIsPadded() {
        #expect(Base62.encode(0, width: 6) == "000000")
    }

    @Test("encode writes most significant digit first")
    func digitsAreBigEndian() {
        #expect(Base62.encode(61, width: 1) == "z")
        #expect(Base62.encode(62, width: 2) == "10")
        #expect(Base62.encode(10, width: 3) == "00A")
        #expect(Base62.encode(36, width: 2) == "0a")
    }

    @Test("every UInt32 fits in 6 characters and reads back", arguments: [UInt32.max, 0xCBF4_3926, 1, 3_844, 238_327])
    func sixCharactersHoldAnyChecksum(value: UInt32) {
        let encoded = Base62.encode(value, width: 6)
        #expect(encoded.count == 6)
        #expect(Self.decode(encoded) == UInt64(value))
    }

    @Test("random(count: 50) has 50 characters, all from the base62 alphabet")
    func randomUsesOnlyTheAlphabet() {
        let text = Base62.random(count: 50)
        #expect(text.utf8.count == 50)
        #expect(text.utf8.allSatisfy(Base62.isBase62))
        #expect(text.utf8.allSatisfy { Base62.alphabet.contains($0) })
        #expect(Base62.random(count: 0).isEmpty)
    }

    @Test("isBase62 accepts exactly the 62 alphabet bytes")
    func isBase62MatchesAlphabet() {
        let accepted = (UInt8.min...UInt8.max).filter(Base62.isBase62)
        #expect(accepted == Base62.alphabet.sorted())
        #expect(Base62.alphabet.count == 62)
    }
}
