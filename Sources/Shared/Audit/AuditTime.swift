import Foundation

/// Audit records' times as they travel (both servers' `admin audit export`, the resource-server's admin API): RFC
/// 3339 with milliseconds, so entries of the two servers merge in order by time, which whole seconds would not keep.
public enum AuditTime {
    public static let encoding: JSONEncoder.DateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(formatter(fractional: true).string(from: date))
    }

    /// Takes times with or without the fraction (older exports have none).
    public static let decoding: JSONDecoder.DateDecodingStrategy = .custom { decoder in
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = formatter(fractional: true).date(from: text) ?? formatter(fractional: false).date(from: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        return date
    }

    private static func formatter(fractional: Bool) -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter
    }
}
