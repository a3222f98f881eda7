import GRDB
import Synchronization

/// A SQLite database whose every answered write is on disk, for the auth-server, where a grant, a rotated
/// refresh token or a revocation must survive a power cut once the client has been told of it.
///
/// `synchronous = FULL` syncs the WAL at each commit, and writes are committed in groups so that a sync is not
/// paid per write: while one commit is syncing, the writes that arrive wait, and the next commit takes all of
/// them, each in a savepoint of its own, so a write that fails is rolled back alone. A caller is answered
/// only after the commit that holds its write, with its own result or error (or the commit's error, and then
/// no write of that batch survives). This is what a database server does for concurrent commits (PostgreSQL's
/// group commit): the cost of a sync is shared by everything waiting on it, so throughput grows with
/// concurrency while each write stays durable.
public final class DurableDatabase: Sendable {
    public let sqlite: SQLiteDatabase
    private let state = Mutex(State())

    private struct State {
        var waiting: [any PendingWrite] = []
        var committing = false
    }

    public init(path: String, migrator: DatabaseMigrator) throws {
        sqlite = try SQLiteDatabase(path: path, migrator: migrator, synchronous: .full, workload: .keyedWrites)
    }

    /// Reads see every write that has been answered.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await sqlite.isolatedRead(body)
    }

    /// Runs `body` in the next commit and returns its result once that commit is on disk.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let startsCommit = state.withLock { state in
                state.waiting.append(Write(body: body, continuation: continuation))
                defer { state.committing = true }
                return !state.committing
            }
            if startsCommit { Task { await commitWhileWaiting() } }
        }
    }

    /// Commits batch after batch until nothing waits; only one of these runs at a time.
    private func commitWhileWaiting() async {
        while true {
            let batch = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.committing = false }
                return state.waiting
            }
            guard !batch.isEmpty else { return }
            ProcessMetrics.databaseWritesWaiting(batch.count)
            let started = ContinuousClock.now
            defer { ProcessMetrics.databaseCommit(writes: batch.count, duration: ContinuousClock.now - started) }
            do {
                try await sqlite.isolatedWrite { db in
                    for write in batch { write.apply(in: db) }
                }
                for write in batch { write.finish(commitError: nil) }
            } catch {
                for write in batch { write.finish(commitError: error) }
            }
        }
    }
}

private protocol PendingWrite: Sendable {
    /// Runs the write in a savepoint of the open transaction, keeping its result or error. The savepoint's
    /// statements are prepared once per connection, as the transaction's are (`inCachedTransaction`).
    func apply(in db: Database)
    /// Answers the caller once the commit is over.
    func finish(commitError: (any Error)?)
}

private final class Write<T: Sendable>: PendingWrite {
    let body: @Sendable (Database) throws -> T
    let continuation: CheckedContinuation<T, any Error>
    /// Touched only on the database's writer queue, then read once the commit has returned.
    nonisolated(unsafe) var result: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func apply(in db: Database) {
        do {
            try db.execute(cached: "SAVEPOINT grouped_write")
        } catch {
            result = .failure(error)
            return
        }
        do {
            result = .success(try body(db))
            try db.execute(cached: "RELEASE SAVEPOINT grouped_write")
        } catch {
            // Should SQLite have ended the whole transaction, these fail too, and so does the commit.
            try? db.execute(cached: "ROLLBACK TO SAVEPOINT grouped_write")
            try? db.execute(cached: "RELEASE SAVEPOINT grouped_write")
            result = .failure(error)
        }
    }

    func finish(commitError: (any Error)?) {
        if let commitError {
            continuation.resume(throwing: commitError)
        } else if let result {
            continuation.resume(with: result)
        } else {
            continuation.resume(throwing: DatabaseError(resultCode: .SQLITE_ERROR, message: "a grouped write was not applied"))
        }
    }
}
