import Foundation
import GRDB

/// A SQLite database in WAL mode (GRDB's DatabasePool always uses WAL) with its migrations applied, and the three
/// ways the stores use it: short reads, long reads and writes, each one transaction of prepared statements
/// (`inCachedTransaction`).
public final class SQLiteDatabase: Sendable {
    /// Up to 1 GiB of the file mapped; address space, not memory: the OS page cache backs it.
    static let memoryMapBytes = 1 << 30

    /// How much a commit waits for the disk (SQLite § PRAGMA synchronous, in WAL mode).
    public enum Synchronous: String, Sendable {
        /// The WAL is synced only at checkpoints: a commit survives the process dying, not the machine.
        case normal = "NORMAL"
        /// The WAL is synced at every commit: a commit survives a power cut (`DurableDatabase` groups them).
        case full = "FULL"
    }

    /// What a database mostly serves, which decides how its connections are set up.
    public enum Workload: Sendable {
        /// Full-text searches over indexes larger than a connection's page cache (the resource-server): reads map
        /// the file instead of copying pages through read(2) into each connection's cache, where searches spent
        /// most of their time in the copying and its locks.
        case searches
        /// Small keyed reads between writes committed hundreds of times a second (the auth-server). Nothing is
        /// mapped: a read that finds the WAL changed since its connection's last read unmaps the whole mapping
        /// (SQLite's pager drops it with its cached pages), and every page the read then touches faults back in.
        /// Temporary content, the savepoint journals of `DurableDatabase`'s grouped commits, stays in memory
        /// instead of spilling to files created and deleted under /var/tmp.
        case keyedWrites
    }

    /// GRDB's pool: the writer, the readers of long reads, and observation.
    public let pool: DatabasePool
    private let readers: SQLiteReaders

    public init(path: String, migrator: DatabaseMigrator, synchronous: Synchronous = .normal, workload: Workload) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            switch workload {
            case .searches:
                try db.execute(sql: "PRAGMA mmap_size = \(Self.memoryMapBytes)")
            case .keyedWrites:
                try db.execute(sql: "PRAGMA mmap_size = 0")
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB's pool sets its writer to NORMAL once `prepareDatabase` has run (`setUpWALMode`); the pool keeps that
        // one writer connection open, so the level asked for is set on it again, last.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)") }
        try migrator.migrate(pool)
        readers = SQLiteReaders(path: path, configuration: configuration)
    }

    /// What GRDB's `read` gives (every statement sees one snapshot), run on the calling thread on a connection of
    /// `SQLiteReaders`. GRDB's async read hops to the reader's dispatch queue and back, and even its synchronous
    /// one takes the reader through two dispatch barriers, a semaphore and a group that contend across threads:
    /// futex calls and thread switches that cost more than the keyed reads they carry (README § Performance has
    /// what dropping each saved). Only for reads bounded by an index seek: the thread held is one of the few
    /// cooperative threads every request needs; see `isolatedLongRead`.
    public func isolatedRead<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try readers.read { db in try db.inCachedTransaction { try body(db) } }
    }

    /// `isolatedRead` for reads whose cost grows with the data (full-text searches): on a reader of GRDB's pool on
    /// that reader's own queue, so a long one holds one of GCD's threads rather than a cooperative one, and waits
    /// for a reader there when all are busy. The reader is taken and given back on GCD's threads, never held across
    /// a suspension as GRDB's async read holds it: a task holding it while waiting to resume could wait forever
    /// behind reads blocked on the readers.
    public func isolatedLongRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncUnsafeRead { reader in
                continuation.resume(with: Result {
                    let db = try reader.get()
                    return try db.inCachedTransaction { try body(db) }
                })
            }
        }
    }

    /// What GRDB's `write` gives (one transaction, the write lock taken at its start), in a transaction of
    /// prepared statements.
    public func isolatedWrite<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in try db.inCachedTransaction(immediate: true) { try body(db) } }
    }

    /// Creates the data folder (mode 0700: it holds the key file and the databases) when missing.
    public static func prepareDataDirectory(_ path: String) throws(ConfigurationError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ConfigurationError(setting: "GATEHOUSE_DATA_DIR", problem: "'\(path)' exists and is not a folder")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ConfigurationError(setting: "GATEHOUSE_DATA_DIR", problem: "cannot create '\(path)': \(error.localizedDescription)")
            }
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw ConfigurationError(setting: "GATEHOUSE_DATA_DIR", problem: "'\(path)' is not writable")
        }
    }
}
