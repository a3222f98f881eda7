import Foundation
import Testing

@testable import Shared

@Suite("PostgresLocation")
struct PostgresLocationTests {
    @Test("a full URL: user, percent-encoded password, host, port, database, sslmode")
    func fullURL() throws {
        let location = try PostgresLocation(url: "postgres://gate%40house:p%2Fss%3Aw@db.example.com:6432/desk?sslmode=verify-full&application_name=gh")
        #expect(location.endpoint == .tcp(host: "db.example.com", port: 6432))
        #expect(location.username == "gate@house")
        #expect(location.password == "p/ss:w")
        #expect(location.database == "desk")
        #expect(location.tlsMode == .verifyFull)
        #expect(location.applicationName == "gh")
        #expect(!location.redacted.contains("p/ss"), "the password never appears where it could be logged")
    }

    @Test("libpq's defaults: port 5432, sslmode prefer, postgresql:// accepted, no database means the user's")
    func defaults() throws {
        let location = try PostgresLocation(url: "postgresql://gatehouse@localhost")
        #expect(location.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(location.tlsMode == .prefer)
        #expect(location.password == nil)
        #expect(location.database == nil)
    }

    @Test("a Unix socket folder, as the host (percent-encoded) or as ?host=")
    func unixSocket() throws {
        let encoded = try PostgresLocation(url: "postgres://gatehouse@%2Frun%2Fpostgresql/gatehouse")
        #expect(encoded.endpoint == .socket(folder: "/run/postgresql", port: 5432))
        let parameter = try PostgresLocation(url: "postgres:///gatehouse?host=/run/postgresql&user=gatehouse&port=5433")
        #expect(parameter.endpoint == .socket(folder: "/run/postgresql", port: 5433))
        #expect(parameter.username == "gatehouse")
        #expect(parameter.database == "gatehouse")
    }

    @Test("wrong URLs are refused with the reason, never with the password", arguments: [
        ("mysql://u:secret@h/db", "postgres://"),
        ("postgres://h/db", "no user"),
        ("postgres://u:secret@h:70000/db", "port"),
        ("postgres://u:secret@h/db?sslmode=verify", "sslmode 'verify'"),
        ("postgres://u:secret@h/db?sslmode=require&sslmode=disable", "twice"),
        ("postgres://u:secret@h/db?options=-c%20x", "'options'"),
        ("postgres://u:secret@h/db?sslrootcert=/nonexistent/ca.pem", "sslrootcert"),
    ])
    func refusals(url: String, reason: String) {
        do {
            _ = try PostgresLocation(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.setting == "GATEHOUSE_DATABASE_URL")
            #expect(error.problem.contains(reason), "\(error.problem)")
            #expect(!error.problem.contains("secret"))
        }
    }
}
