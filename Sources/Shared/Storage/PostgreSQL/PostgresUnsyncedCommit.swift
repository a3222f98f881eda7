/// The opening of a statement that commits without waiting for its WAL to reach the disk: `synchronous_commit =
/// off` for the statement's own transaction only (PostgreSQL documentation, "Asynchronous Commit"), so the
/// connection's next statement commits durably again. The statement must read from `unsynced`, which is what makes
/// PostgreSQL evaluate the setting before it commits.
///
/// Only for counters nothing else depends on (the request and tool-call windows): a crash of PostgreSQL itself may
/// forget the last fraction of a second of counts (at most three times `wal_writer_delay`), letting a caller make
/// that many more requests in that window, as an in-memory counter forgets all of them when a server restarts.
/// Every other transaction keeps the server's durable default (docs/architecture.md § Storage).
public enum PostgresUnsyncedCommit {
    public static let opening = "WITH unsynced AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
}
