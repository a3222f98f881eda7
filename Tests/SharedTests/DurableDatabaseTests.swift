import Foundation
import GRDB
@testable import Shared
import Synchronization
import Testing

@Suite("Durable database: grouped commits and isolated reads")
struct DurableDatabaseTests {
    private static func open() throws -> (DurableDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE item (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        }
        return (try DurableDatabase(path: folder.appendingPathComponent("test.sqlite").path, migrator: migrator), folder)
    }

    @Test("Writes racing into one commit each keep their own result; a failing one is rolled back alone, the rest survive")
    func groupedWrites() async throws {
        let (database, folder) = try Self.open()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        return (index, try await database.write { db -> Bool in
                            try db.execute(cached: "INSERT INTO item (name, value) VALUES (?, ?)", arguments: ["item \(index)", index])
                            // Every seventh write fails after writing: its row must not survive.
                            if index % 7 == 0 { try db.execute(cached: "INSERT INTO item (name, value) VALUES (?, ?)", arguments: ["item \(index)", -1]) }
                            return true
                        })
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 200)
        for (index, succeeded) in outcomes { #expect(succeeded == (index % 7 != 0), "write \(index)") }
        let stored = try await database.read { db in try Int.fetchAll(db, sql: "SELECT value FROM item ORDER BY value") }
        #expect(stored == (0..<200).filter { $0 % 7 != 0 })
    }

    @Test("A read sees one snapshot throughout, a failing read leaves no transaction behind, and reads go on")
    func isolatedReads() async throws {
        let (database, folder) = try Self.open()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await database.write { db in try db.execute(sql: "INSERT INTO item (name, value) VALUES ('a', 1)") }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await database.read { db -> Int in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM item")
                throw Refused()
            }
        }
        let (before, after) = try await database.read { db -> (Int, Int) in
            let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM item")!
            // A write committed meanwhile by another connection is not seen within this read.
            let writer = try DatabaseQueue(path: database.sqlite.pool.path)
            try writer.write { try $0.execute(sql: "INSERT INTO item (name, value) VALUES ('b', 2)") }
            return (before, try Int.fetchOne(db, sql: "SELECT count(*) FROM item")!)
        }
        #expect(before == 1 && after == 1)
        #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") } == 2)
        for _ in 0..<50 { _ = try await database.read { db in try Int.fetchOne(db, cached: "SELECT count(*) FROM item") } }
    }

    @Test("A short read never waits for another, even one begun inside it on the same thread, and cannot write")
    func readersNeverWait() async throws {
        let (database, folder) = try Self.open()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await database.write { db in try db.execute(sql: "INSERT INTO item (name, value) VALUES ('a', 1)") }
        let readers = SQLiteReaders(path: database.sqlite.pool.path, configuration: database.sqlite.pool.configuration)
        // GRDB's pool would block the thread here once its readers were all taken; each level takes one more.
        func nested(_ depth: Int) throws -> Int {
            try readers.read { db in
                let value = try Int.fetchOne(db, sql: "SELECT value FROM item WHERE name = 'a'")!
                return depth == 0 ? value : value + (try nested(depth - 1))
            }
        }
        let watch = DeadlockWatch("a read waited for a connection held by the read it was begun in")
        #expect(try nested(3 * ProcessInfo.processInfo.activeProcessorCount) == 3 * ProcessInfo.processInfo.activeProcessorCount + 1)
        watch.end()
        await #expect(throws: DatabaseError.self) {
            try await database.read { db in try db.execute(sql: "INSERT INTO item (name, value) VALUES ('b', 2)") }
        }
        #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") } == 1)
    }

    @Test("Reads on the calling thread and long reads on the readers' queues, hundreds at once, all finish")
    func mixedReadsFinish() async throws {
        let (database, folder) = try Self.open()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await database.write { db in try db.execute(sql: "INSERT INTO item (name, value) VALUES ('a', 1)") }
        let watch = DeadlockWatch("isolated reads deadlocked: every reader held, every cooperative thread waiting")
        let counted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<400 {
                group.addTask {
                    if index % 2 == 0 {
                        return try await database.sqlite.isolatedLongRead { db in
                            try Int.fetchOne(db, sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT count(*) FROM n")!
                        }
                    }
                    return try await database.read { db in try Int.fetchOne(db, cached: "SELECT value FROM item WHERE name = 'a'")! }
                }
            }
            return try await group.reduce(0, +)
        }
        watch.end()
        #expect(counted == 200 * 20000 + 200)
    }
}

/// A deadlock leaves no cooperative thread to report it: a GCD thread ends the run instead of a hang, unless
/// `end()` is called within a minute.
private final class DeadlockWatch: Sendable {
    private let finished = Mutex(false)

    init(_ message: String) {
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { [self] in
            if !finished.withLock({ $0 }) { fatalError(message) }
        }
    }

    func end() { finished.withLock { $0 = true } }
}
