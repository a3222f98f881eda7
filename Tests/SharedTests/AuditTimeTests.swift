import Foundation
import Testing

@testable import Shared

/// `AuditTime`: milliseconds survive the trip, so two servers' entries a few milliseconds apart keep their order.
@Suite("Audit times")
struct AuditTimeTests {
    struct Stamped: Codable, Equatable { let at: Date }

    @Test("encoded with milliseconds and read back to the millisecond; a time without a fraction is read too; nonsense is refused")
    func roundTrip() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = AuditTime.encoding
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = AuditTime.decoding
        let earlier = Date(timeIntervalSince1970: 1_900_000_000.123)
        let later = earlier.addingTimeInterval(0.004)
        let text = String(decoding: try encoder.encode(Stamped(at: earlier)), as: UTF8.self)
        #expect(text == #"{"at":"2030-03-17T17:46:40.123Z"}"#)
        let decoded = try [earlier, later].map { try decoder.decode(Stamped.self, from: try encoder.encode(Stamped(at: $0))).at }
        #expect(decoded[0] < decoded[1] && abs(decoded[0].timeIntervalSince(earlier)) < 0.001)
        #expect(try decoder.decode(Stamped.self, from: Data(#"{"at":"2030-03-17T17:46:40Z"}"#.utf8)).at == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(throws: DecodingError.self) { try decoder.decode(Stamped.self, from: Data(#"{"at":"yesterday"}"#.utf8)) }
    }
}
