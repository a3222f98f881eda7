import Foundation

/// Dates as UTC text, written with integer arithmetic instead of a DateFormatter or `Date.FormatStyle`: every
/// audit entry, every stored or compared date and every date a tool answers with goes through here, and ICU's
/// formatters were a third of what storing an audit entry cost and a tenth of a status snapshot. The
/// auth-server reads its rows' dates through here too (`Row.date`).
public enum UTCTimestamp {
    /// The text form GRDB stores and reads back ("yyyy-MM-dd HH:mm:ss.SSS"), half a millisecond rounded up as
    /// GRDB's formatter rounds it; the desk stores and compares dates in this form on both engines.
    public static func stored(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        return text(milliseconds: milliseconds, separator: UInt8(ascii: " "), fraction: true, zone: false)
    }

    /// The instant `stored` text names, read with the same arithmetic backwards: GRDB reads a date through
    /// `DateComponents` and a `Calendar`, about thirty times per status snapshot. nil for text of any other
    /// form, which the caller reads as GRDB does.
    public static func parseStored(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 23, bytes[19] == UInt8(ascii: "."), let (year, month, day, hour, minute, second) = dateAndTime(bytes, separator: UInt8(ascii: " ")),
                let millisecond = number(bytes, 20, 3)
            else { return nil }
            // Summed as Foundation's calendar sums them (the day's start, then the second of the day with its
            // fraction), so the Date is the very one GRDB reads, to the last bit.
            let dayStart = daysSinceEpoch(year: year, month: month, day: day) * 86_400 - 978_307_200
            let secondOfDay = Double(hour * 3600 + minute * 60 + second) + Double(millisecond * 1_000_000) / 1_000_000_000
            return Date(timeIntervalSinceReferenceDate: Double(dayStart) + secondOfDay)
        }
    }

    /// An RFC 3339 instant with its zone offset and up to six fraction digits ("2026-12-07T10:00:00.123+00:00"), the
    /// form PostgreSQL writes a `timestamptz` in JSON, read to the microsecond into the very `Date` the driver's binary
    /// form gives (`PostgresInstant`), so a row reads the same either way. nil for text of any other form.
    public static func parseOffsetInstant(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, let (year, month, day, hour, minute, second) = dateAndTime(bytes, separator: UInt8(ascii: "T")) else { return nil }
            var position = 19
            var microsecond: Int64 = 0
            if bytes[position] == UInt8(ascii: ".") {
                let digits = bytes[(position + 1)...].prefix { $0 &- UInt8(ascii: "0") < 10 }.count
                guard (1...6).contains(digits), let fraction = number(bytes, position + 1, digits) else { return nil }
                microsecond = fraction * [100_000, 10_000, 1000, 100, 10, 1][digits - 1]
                position += 1 + digits
            }
            guard let offset = offsetSeconds(bytes[position...]) else { return nil }
            let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + microsecond) / 1_000_000)
        }
    }

    /// "yyyy-MM-dd?HH:mm:ss" at the start of `bytes`, `?` being `separator`, with each field in its range.
    private static func dateAndTime(
        _ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8
    ) -> (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64)? {
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == separator,
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2), let hour = number(bytes, 11, 2),
            let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        return (year, month, day, hour, minute, second)
    }

    /// "Z", or "+HH", "+HH:mm" or "+HH:mm:ss" (or "-"), the whole of `bytes`, as seconds east of UTC.
    private static func offsetSeconds(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        let bytes = UnsafeBufferPointer(rebasing: bytes)
        if bytes.count == 1, bytes[0] == UInt8(ascii: "Z") { return 0 }
        guard [3, 6, 9].contains(bytes.count), bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") else { return nil }
        var seconds: Int64 = 0
        for (index, unit) in zip(stride(from: 1, to: bytes.count, by: 3), [Int64(3600), 60, 1]) {
            guard index == 1 || bytes[index - 1] == UInt8(ascii: ":"), let value = number(bytes, index, 2), value < (index == 1 ? 24 : 60) else { return nil }
            seconds += value * unit
        }
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// The decimal number of `digits` digits at `start`; nil if any is not a digit.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ digits: Int) -> Int64? {
        var value: Int64 = 0
        for position in start..<start + digits {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// An RFC 3339 instant to the second ("yyyy-MM-ddTHH:mm:ssZ"), what `Date.formatted(.iso8601)` writes.
    public static func instant(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return text(milliseconds: seconds * 1000, separator: UInt8(ascii: "T"), fraction: false, zone: true)
    }

    /// The calendar day ("yyyy-MM-dd").
    public static func day(_ date: Date) -> String {
        String(instant(date).prefix(10))
    }

    private static func text(milliseconds: Int64, separator: UInt8, fraction: Bool, zone: Bool) -> String {
        let (days, millisecondOfDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func append(_ value: Int64, digits: Int, then separator: UInt8?) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
            if let separator { text.append(separator) }
        }
        append(year, digits: 4, then: UInt8(ascii: "-"))
        append(month, digits: 2, then: UInt8(ascii: "-"))
        append(day, digits: 2, then: separator)
        append(millisecondOfDay / 3_600_000, digits: 2, then: UInt8(ascii: ":"))
        append(millisecondOfDay / 60_000 % 60, digits: 2, then: UInt8(ascii: ":"))
        append(millisecondOfDay / 1000 % 60, digits: 2, then: fraction ? UInt8(ascii: ".") : nil)
        if fraction { append(millisecondOfDay % 1000, digits: 3, then: nil) }
        if zone { text.append(UInt8(ascii: "Z")) }
        return String(decoding: text, as: UTF8.self)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = (value % divisor + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    /// The day count from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
