import Logging
import PostgresNIO
import Synchronization

/// The names of the statements PostgreSQL plans once per connection, for reads whose text is the same on every
/// call. postgres-nio's `query` sends an unnamed statement, which PostgreSQL parses and plans on every run; for a
/// keyed read, planning is most of what PostgreSQL spends. A named statement is planned afresh for its first five
/// runs and then, when the plan does not depend on the values, keeps one generic plan (PostgreSQL documentation,
/// `PREPARE` and `plan_cache_mode`).
///
/// Only for statements whose best plan does not hang on the values (a keyed read, a list page, an upsert), never
/// for search, whose plan is chosen by how common each word is and under `enable_seqscan` set per transaction.
/// A text must bind the same parameter types on every call and never a NULL: postgres-nio declares the types from the
/// first call's values, and a NULL declares none.
final class PostgresStatementNames: Sendable {
    /// The most texts named; later ones run unnamed, so no connection of the pool holds more plans than this.
    let capacity: Int

    private struct Registry {
        var names: [String: String] = [:]
        /// Raised when a named statement stops fitting its table (a column added by a newer server's migration:
        /// SQLSTATE 0A000, "cached plan must not change result type"), so every text is prepared again under a new
        /// name: PostgreSQL fails the old statement on every connection that holds it, as postgres-nio does a name
        /// whose preparation failed.
        var generation = 0
    }

    private let registry = Mutex(Registry())

    init(capacity: Int = 256) { self.capacity = capacity }

    func name(for sql: String) -> String? {
        registry.withLock { registry in
            if let name = registry.names[sql] { return name }
            guard registry.names.count < capacity else { return nil }
            let name = "gatehouse_\(registry.generation)_\(registry.names.count + 1)"
            registry.names[sql] = name
            return name
        }
    }

    func renameAll(after failedName: String) {
        registry.withLock { registry in
            guard registry.names.values.contains(failedName) else { return }
            registry.generation += 1
            registry.names = [:]
        }
    }

    /// Errors after which a name is not used again: its statement no longer fits the schema, or is gone.
    static func outlivesItsName(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "0A000" || state == "26000"
    }
}

/// postgres-nio prepares only a statement whose text is a type's static property (`PostgresPreparedStatement`);
/// ours are built at run time (`SQLConditions`), so this one type reads its name and text from a task-local
/// value set around each call. The driver reads both on the calling task as the call starts.
private struct RuntimePreparedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    @TaskLocal static var current = (name: "", sql: "")
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// The rows of `query`, read whole, through a statement this connection prepares once under `names`. An outgrown
    /// statement is answered unnamed at once, which holds outside a transaction (where every prepared read runs today);
    /// inside one, PostgreSQL would refuse the retry as the transaction has failed.
    func preparedRows(_ query: PostgresQuery, names: PostgresStatementNames, logger: Logger) async throws -> [PostgresRow] {
        guard let name = names.name(for: query.sql) else { return try await self.query(query, logger: logger).collect() }
        do {
            return try await RuntimePreparedStatement.$current.withValue((name, query.sql)) {
                var rows: [PostgresRow] = []
                for try await row in try await execute(RuntimePreparedStatement(bindings: query.binds), logger: logger) { rows.append(row) }
                return rows
            }
        } catch where PostgresStatementNames.outlivesItsName(error) {
            names.renameAll(after: name)
            return try await self.query(query, logger: logger).collect()
        }
    }
}
