import Foundation
import Shared
import ToolKit

/// Typed access to arguments that already passed the tool's input schema, with the defaults the
/// schemas advertise.
struct ToolArguments {
    let values: [String: JSONValue]

    init(_ values: [String: JSONValue]) { self.values = values }

    func string(_ name: String) -> String? {
        guard case .string(let value)? = values[name] else { return nil }
        return value
    }

    func integer(_ name: String) -> Int? {
        switch values[name] {
        case .int(let value)?: Int(value)
        case .double(let value)?: Int(value)
        default: nil
        }
    }

    func bool(_ name: String) -> Bool? {
        guard case .bool(let value)? = values[name] else { return nil }
        return value
    }

    func strings(_ name: String) -> [String]? {
        guard case .array(let items)? = values[name] else { return nil }
        return items.compactMap(\.stringValue)
    }

    /// An enum argument; the schema's `enum` has already limited it to the raw values.
    func choice<Value: RawRepresentable>(_ name: String, as type: Value.Type = Value.self) -> Value? where Value.RawValue == String {
        string(name).flatMap(Value.init(rawValue:))
    }

    /// The page the caller asked for.
    var page: PageRequest { PageRequest(limit: integer("limit") ?? ToolPolicy.defaultLimit, cursor: string("cursor")) }

    /// An instant given as an ISO 8601 date (midnight UTC) or date-time.
    func instant(_ name: String) throws(ToolError) -> Date? {
        guard let text = string(name) else { return nil }
        if let date = ToolDates.parse(text) { return date }
        throw ToolError("\(name) must be an ISO 8601 date like 2025-05-01 or a date-time like 2025-05-01T09:00:00Z.")
    }
}

/// The limits every service-desk tool shares, with their reasons.
enum ToolPolicy {
    /// Enough to answer most questions in one call without flooding the model's context.
    static let defaultLimit = 25
    /// The most one page returns; more needs the cursor.
    static let maximumLimit = 100
    /// Notes get_ticket shows: the newest, which carry the current state of a thread.
    static let ticketNotes = 25
    /// Longest search text: several words, and bounded work per search.
    static let maximumQueryLength = 200
    /// Record ids are short; anything longer is a mistake and is refused before any query.
    static let maximumIDLength = AuditTrail.maximumIDLength
    /// Cursors are ours and short.
    static let maximumCursorLength = 512
    /// Long enough for a UUID or any client's own request id.
    static let maximumIdempotencyKeyLength = 200
    /// A note or reply: several pages of text, never a document dump.
    static let maximumNoteLength = 10_000
    /// Day windows up to ten years.
    static let maximumDays = 3_650
}

/// ISO 8601 dates in and out: instants as `2025-05-01T09:00:00Z`, calendar days as `2025-05-01`.
enum ToolDates {
    static func instant(_ date: Date) -> String { UTCTimestamp.instant(date) }

    static func day(_ date: Date) -> String { UTCTimestamp.day(date) }

    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash))
    }
}

/// Money as a number of currency units (cents / 100) and as text.
enum ToolMoney {
    static func amount(_ cents: Int64) -> JSONValue { .double(Double(cents) / 100) }
    static func text(_ cents: Int64, _ currency: String) -> String {
        let digits = String(abs(cents) / 100)
        var grouped = cents < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let fraction = abs(cents) % 100
        return "\(grouped).\(fraction < 10 ? "0" : "")\(fraction) \(currency)"
    }
}
