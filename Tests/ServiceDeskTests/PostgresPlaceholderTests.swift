import PostgresNIO
import Testing

@testable import ServiceDesk

@Suite("Conditions' placeholders numbered for PostgreSQL")
struct PostgresPlaceholderTests {
    @Test("each ? outside a quoted literal or identifier becomes $1, $2, …, past nine too, whatever the text around it")
    func numbering() {
        let sql = "a = ? AND b = '?' AND \"c?\" = ? AND d = 'é?' AND e IN (?, ?, ?, ?, ?, ?, ?, ?, ?) AND f = 'ünï' AND g = ?"
        let query = PostgresQuery(sql: sql, (1...12).map { .int(Int64($0)) })
        #expect(
            query.sql
                == "a = $1 AND b = '?' AND \"c?\" = $2 AND d = 'é?' AND e IN ($3, $4, $5, $6, $7, $8, $9, $10, $11) AND f = 'ünï' AND g = $12")
        #expect(query.binds.count == 12)
    }
}
