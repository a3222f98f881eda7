import Foundation
import GRDB

/// Opens a SQLite database in WAL mode (GRDB's DatabasePool always uses WAL) and applies migrations.
public enum SQLiteDatabase {
    /// Up to 1 GiB of the file mapped; address space, not memory: the OS page cache backs it.
    static let memoryMapBytes = 1 << 30

    /// How much a commit waits for the disk (SQLite § PRAGMA synchronous, in WAL mode).
    public enum Synchronous: String, Sendable {
        /// The WAL is synced only at checkpoints: a commit survives the process dying, not the machine.
        case normal = "NORMAL"
        /// The WAL is synced at every commit: a commit survives a power cut (`DurableDatabase` groups them).
        case full = "FULL"
    }

    public static func open(path: String, migrator: DatabaseMigrator, synchronous: Synchronous = .normal) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            // Reads map the file instead of copying pages through read(2) into each connection's small
            // page cache: the service desk's full-text indexes alone are larger than that cache, and
            // searches spent most of their time in the copying and its locks.
            try db.execute(sql: "PRAGMA mmap_size = \(Self.memoryMapBytes)")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
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
