import Foundation
import Logging
import PostgresNIO
import Shared

/// The store on a PostgreSQL server (`GATEHOUSE_DATABASE_URL`): the auth-server's tables in the schema
/// `gatehouse_auth`, shared by every auth-server given the same URL. It keeps the SQLite store's promises
/// (`AuthStorageContract`): what that store writes in one transaction is written here in one `transaction`.
/// Lists are stored as the SQLite store stores them (space-separated scopes and hashes, JSON arrays of URIs),
/// so both read the same rows the same way, and text is sorted by code point (`COLLATE "C"`), as SQLite sorts it,
/// whatever the database's locale.
public struct PostgresAuthStorage: AuthStorage {
    public static let schema = "gatehouse_auth"
    let database: PostgresSchemaPool

    init(database: PostgresSchemaPool) {
        self.database = database
    }

    /// Connects and brings `schema` up to date (under the migrations' advisory lock); `keepsConnectionsOpen` for the
    /// server's own pool (`PostgresSchemaPool.open`).
    public static func open(
        location: PostgresLocation, schema: String = schema, maximumConnections: Int? = nil, keepsConnectionsOpen: Bool = false,
        logger: Logger = Logger(label: "gatehouse.postgres")
    ) async throws -> Self {
        Self(
            database: try await PostgresSchemaPool.open(
                location: location, schema: schema, migrations: PostgresAuthMigrations.all, maximumConnections: maximumConnections,
                keepsConnectionsOpen: keepsConnectionsOpen, logger: logger))
    }

    /// Ends the pool; the store answers no more queries.
    public func close() { database.close() }

    public func allTenants() async throws -> [Tenant] {
        try await database.rows("SELECT id, issuer, resource, disabled_at FROM tenant ORDER BY created_at, id COLLATE \"C\"").map {
            try $0.record(TenantRow.self).model
        }
    }

    public func setTenantDisabled(tenantID: String, at: Date?) async throws -> Bool {
        try await database.rows(
            "UPDATE tenant SET disabled_at = \(at) WHERE id = \(tenantID) AND (disabled_at IS NULL) = \(at != nil) RETURNING id"
        ).count == 1
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.rows(
            """
            INSERT INTO tenant (id, issuer, resource, created_at) VALUES (\(tenant.id), \(tenant.issuer), \(tenant.resource), \(Date()))
            ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, resource = excluded.resource
            """)
    }

    public func signingKeys(tenantID: String) async throws -> [StoredSigningKey] {
        try await database.rows("SELECT * FROM signing_key WHERE tenant_id = \(tenantID) ORDER BY created_at DESC")
            .map { try $0.record(SigningKeyRow.self).model() }
    }

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        let row = try SigningKeyRow(key)
        try await database.write { write in try await Self.insert(write, row) }
    }

    private static func insert(_ write: PostgresWrite, _ row: SigningKeyRow) async throws {
        try await write.rows(
            """
            INSERT INTO signing_key (tenant_id, kid, public_jwk, sealed_private_key, created_at, retired_at, publish_until)
            VALUES (\(row.tenantID), \(row.kid), \(row.publicJWK), \(row.sealedPrivateKey), \(row.createdAt), \(row.retiredAt), \(row.publishUntil))
            """)
    }

    public func rotateSigningKeys(to key: StoredSigningKey, retiringOthersAt: Date, publishUntil: Date, ledger: LedgerEntry) async throws {
        let row = try SigningKeyRow(key)
        try await database.write { write in
            try await write.rows(
                """
                UPDATE signing_key SET retired_at = \(retiringOthersAt), publish_until = \(publishUntil)
                WHERE tenant_id = \(key.tenantID) AND retired_at IS NULL
                """)
            try await Self.insert(write, row)
            try await Self.appendLedger(write, [ledger])
        }
    }

    /// True when `error` is PostgreSQL's unique violation (SQLSTATE 23505), of `constraint` when one is named.
    static func isUniqueViolation(_ error: any Error, of constraint: String? = nil) -> Bool {
        guard let info = (error as? PSQLError)?.serverInfo, info[.sqlState] == PostgresError.Code.uniqueViolation.raw else { return false }
        return constraint == nil || info[.constraintName] == constraint
    }
}

extension PostgresSchemaPool {
    /// Every row `query` returns, as one statement in a transaction of its own.
    @discardableResult
    func rows(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, file: file, line: line).collect().map { $0.makeRandomAccess() }
    }

    /// Every row `query` returns, through a statement each connection plans once (`preparedRows`): for what every
    /// token request runs (its keyed reads, the rotation), whose text never changes and whose every value's type
    /// PostgreSQL can tell from where it stands (a column compared or filled, or a cast), since a prepared statement's
    /// values are not typed by the driver.
    func preparedRecords(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await preparedRows(query).map { $0.makeRandomAccess() }
    }

    /// Runs `body` in one transaction (`transaction`), its statements sent through `PostgresWrite`, then the ledger
    /// entries it recorded (`PostgresAuthStorage.appendLedger`) as the transaction's last statements.
    func write<T: Sendable>(file: String = #file, line: Int = #line, _ body: (PostgresWrite) async throws -> T) async throws -> T {
        try await transaction(file: file, line: line) { connection in
            let write = PostgresWrite(connection: connection, logger: logger)
            let result = try await body(write)
            try await PostgresAuthStorage.insertLedger(write, write.ledger.take())
            return result
        }
    }
}

/// One transaction's connection, with the logger its statements report to.
struct PostgresWrite {
    let connection: PostgresConnection
    let logger: Logger
    let ledger = PendingLedgerEntries()

    /// Every row `query` returns; a write that must say how many rows it changed ends in `RETURNING 1` and counts them.
    @discardableResult
    func rows(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger, file: file, line: line).collect().map { $0.makeRandomAccess() }
    }
}

extension PostgresRandomAccessRow {
    /// The column's value; ask for an Optional where the column may be NULL.
    func value<Value: PostgresDecodable>(_ column: String) throws -> Value {
        try self[column].decode(Value.self)
    }

    /// The row as its row record (`PostgresRowDecoder`).
    func record<Record: Decodable>(_ type: Record.Type) throws -> Record {
        try PostgresRowDecoder.decode(type, from: self)
    }
}
