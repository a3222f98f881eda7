import Foundation
import NIOCore
import PostgresNIO

/// A date bound as a `timestamptz` rounded to the millisecond, the precision the desk stores on both
/// engines: the driver's own encoding truncates a Double, which can land a microsecond below a stored
/// instant and make a cursor's "after" include the row it came from.
struct PostgresMilliseconds: PostgresNonThrowingEncodable {
    let date: Date

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    /// Microseconds from 2000-01-01, PostgreSQL's epoch.
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        byteBuffer.writeInteger((milliseconds - 946_684_800_000) * 1000)
    }
}
