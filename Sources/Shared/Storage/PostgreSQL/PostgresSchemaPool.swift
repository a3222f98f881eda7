import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One server's tables on a PostgreSQL server: a pool of connections whose `search_path` is the server's own
/// schema, so two servers given the same `GATEHOUSE_DATABASE_URL` share a database and never a table.
///
/// The pool runs for the database's life (`open` starts it, `close` ends it), so a server, an admin command
/// and a test all use it the same way.
public final class PostgresSchemaPool: Sendable {
    public let client: PostgresClient
    /// The schema this server's tables live in (`gatehouse_auth`, `gatehouse_resource`).
    public let schema: String
    public let logger: Logger
    private let running: Task<Void, Never>
    /// Queries and transactions under way, for `/metrics`.
    private let inFlight = Atomic<Int>(0)
    private let metrics: DatabasePoolMetrics
    private let statementNames = PostgresStatementNames()

    private init(location: PostgresLocation, schema: String, maximumConnections: Int, keepsConnectionsOpen: Bool, logger: Logger) {
        var configuration = location.clientConfiguration(searchPath: Self.quoted(schema))
        configuration.options.maximumConnections = maximumConnections
        // postgres-nio arms a timer for a connection each time it is released, and cancels it at the next lease: a
        // keep-alive query, and for a connection it may close, an idle timeout. Under load that is every statement,
        // and the timers' tasks and thread wake-ups cost a token request more CPU than its statements (README
        // § Performance). So there is no keep-alive query (PostgreSQL's TCP keepalives keep an idle connection's
        // path open instead, `PostgresLocation`), and a server keeps its connections open, so none has an idle
        // timeout; a command or a test opens connections as it needs them and lets them close after a minute idle.
        configuration.options.keepAliveBehavior = nil
        configuration.options.minimumConnections = keepsConnectionsOpen ? maximumConnections : 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.schema = schema
        self.logger = logger
        metrics = ProcessMetrics.databasePool(schema: schema, connections: maximumConnections)
        // Started at once on this thread: `run()` marks the client running before its first suspension, so no
        // query can reach the client before it runs (postgres-nio warns of that, and the query waits for it).
        running = Task.immediate { await client.run() }
    }

    /// Connects, then brings the schema up to date under `migrations` before anything else may use it.
    /// At most `maximumConnections` connections, by default the location's (`GATEHOUSE_DATABASE_CONNECTIONS`);
    /// `keepsConnectionsOpen`: a server's pool, which opens them all at once and keeps them.
    public static func open(
        location: PostgresLocation, schema: String, migrations: [PostgresMigration], maximumConnections: Int? = nil,
        keepsConnectionsOpen: Bool = false, logger: Logger = Logger(label: "gatehouse.postgres")
    ) async throws -> PostgresSchemaPool {
        try await PostgresMigrator(schema: schema, migrations: migrations, logger: logger)
            .migrate(location.connectionConfiguration(searchPath: quoted(schema)))
        return PostgresSchemaPool(
            location: location, schema: schema, maximumConnections: maximumConnections ?? location.connections,
            keepsConnectionsOpen: keepsConnectionsOpen, logger: logger)
    }

    /// Ends the pool: its connections close, later queries fail.
    public func close() {
        running.cancel()
    }

    /// The rows come as the caller reads them; the operation is counted until the first of them is there.
    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await measured { try await client.query(query, logger: logger, file: file, line: line) }
    }

    /// The rows of a statement each connection plans once (`PostgresStatementNames`), read whole: on `connection`
    /// when given (one already leased, as the tests do to see what a connection holds), else on whichever the pool has free.
    public func preparedRows(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [PostgresRow] {
        if let connection { return try await connection.preparedRows(query, names: statementNames, logger: logger) }
        return try await measured {
            try await client.withConnection { connection in try await connection.preparedRows(query, names: statementNames, logger: logger) }
        }
    }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back when it throws,
    /// and then the body's own error is what the caller sees.
    @discardableResult
    public func transaction<T: Sendable>(
        file: String = #file, line: Int = #line, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await measured {
            do {
                return try await client.withTransaction(logger: logger, file: file, line: line) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Runs `body` on one connection leased for its whole run, outside any transaction: for a read of several
    /// queries, which would otherwise each wait for a connection of their own.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await measured { try await client.withConnection { connection in try await body(connection) } }
    }

    private func measured<T>(_ operation: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        metrics.operations(inFlight: inFlight.add(1, ordering: .relaxed).newValue)
        defer {
            metrics.operations(inFlight: inFlight.subtract(1, ordering: .relaxed).newValue)
            metrics.operation(took: ContinuousClock.now - started)
        }
        return try await operation()
    }

    /// A schema name as an SQL identifier: only the names this code chooses, checked rather than escaped.
    static func quoted(_ schema: String) -> String {
        precondition(schema.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "schema names are plain identifiers")
        return "\"\(schema)\""
    }
}
