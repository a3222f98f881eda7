import Foundation
import GRDB
import Synchronization

/// Read-only connections to one SQLite file for `SQLiteDatabase.isolatedRead`, each used by one thread at a
/// time: taken from an idle list under a lock held for a pop and given back with a push, so a read costs no
/// dispatch barrier and, uncontended, no system call. A read that finds none idle opens one rather than wait, so a
/// read never blocks behind another; as many stay open as the threads that read at once, at most `idleLimit`.
final class SQLiteReaders: Sendable {
    private let path: String
    private let configuration: Configuration
    private let idle = Mutex<[DatabaseQueue]>([])
    /// `isolatedRead` runs on the cooperative pool, one thread per core: more readers than that are never busy
    /// together, unless called from elsewhere.
    private let idleLimit = ProcessInfo.processInfo.activeProcessorCount

    init(path: String, configuration: Configuration) {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = "reader"
        self.path = path
        self.configuration = configuration
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        let reader = try idle.withLock { $0.popLast() } ?? DatabaseQueue(path: path, configuration: configuration)
        defer {
            idle.withLock { idle in
                if idle.count < idleLimit { idle.append(reader) }
            }
        }
        return try reader.inDatabase(body)
    }
}
