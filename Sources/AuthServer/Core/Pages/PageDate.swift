import Foundation

/// A moment as pages show it: words for people ("22 Nov 2026, 08:13 UTC") and ISO 8601 for `<time datetime>`.
public struct PageDate: Sendable, Equatable {
    public let text: String
    public let iso: String

    public init(_ date: Date) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        text = formatter.string(from: date)
        iso = date.formatted(.iso8601)
    }
}
