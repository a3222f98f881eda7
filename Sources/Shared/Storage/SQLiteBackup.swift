import Foundation
import GRDB

/// A consistent copy of a live SQLite database, taken while the server keeps writing (SQLite § VACUUM INTO):
/// the copy is one read transaction's snapshot, so it holds every write committed before the backup began and
/// nothing half-done, and writers are not held up (WAL). It is written beside the destination, checked with
/// `PRAGMA integrity_check`, and only then moved into place, so a failed backup never leaves a file that looks
/// like one. The copy holds password hashes and sealed secrets: it is readable by its owner alone.
public enum SQLiteBackup {
    public enum Failure: Error, CustomStringConvertible {
        case noDatabase(String)
        case destinationExists(String)
        case checkFailed(String)

        public var description: String {
            switch self {
            case .noDatabase(let path): "there is no database at '\(path)'"
            case .destinationExists(let path): "'\(path)' exists; a backup never overwrites a file, choose a new name"
            case .checkFailed(let answer): "the copy failed its integrity check (\(answer)); it was removed"
            }
        }
    }

    /// - Returns: the size of the copy in bytes.
    @discardableResult
    public static func copy(databaseAt source: String, to destination: String) throws -> Int64 {
        let files = FileManager.default
        guard files.fileExists(atPath: source) else { throw Failure.noDatabase(source) }
        guard !files.fileExists(atPath: destination) else { throw Failure.destinationExists(destination) }
        let partial = destination + ".partial-\(UUID().uuidString.prefix(8))"
        defer { try? files.removeItem(atPath: partial) }
        // VACUUM INTO writes into an empty file: made first with the owner's permissions only.
        guard files.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: partial])
        }

        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let live = try DatabaseQueue(path: source, configuration: configuration)
        try live.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [partial]) }
        try live.close()

        var readOnly = Configuration()
        readOnly.readonly = true
        let copy = try DatabaseQueue(path: partial, configuration: readOnly)
        let answer = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
        try copy.close()
        guard answer == "ok" else { throw Failure.checkFailed(answer) }

        try files.moveItem(atPath: partial, toPath: destination)
        return (try files.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
    }
}
