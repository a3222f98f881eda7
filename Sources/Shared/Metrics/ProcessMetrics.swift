import Metrics
import Prometheus
import Synchronization


/// The process's metrics: swift-metrics everywhere in the code (Hummingbird's request metrics among them),
/// kept in one Prometheus registry and served as text at `/metrics` (`MetricsEndpoint`).
public enum ProcessMetrics {
    /// swift-metrics takes one bootstrap per process, and a metric made before it reports nowhere: each server
    /// touches this while building its application, before a request can make one.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Our requests take from a tenth of a millisecond (a cached token) to a few hundred (a sign-in's argon2id):
        // the default buckets start at 5 ms and would put nearly everything in the first one.
        factory.valueHistogramBuckets["gatehouse_revocation_stream_lag_seconds"] = [0, 1, 2, 5, 10, 30, 60]
        factory.valueHistogramBuckets["gatehouse_database_commit_writes"] = [1, 2, 4, 8, 16, 32, 64, 128]
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    // Gatehouse's own metrics, named here and nowhere else. `RequestMetricsMiddleware` adds request counts
    // (`hb_requests`) and latency histograms (`http_server_request_duration`) by route, method and status.

    /// A token endpoint answer that issued tokens, by `grant_type` (RFC 6749 §4).
    public static func tokenIssued(grantType: String) {
        Counter(label: "gatehouse_tokens_issued_total", dimensions: [("grant_type", grantType)]).increment()
    }

    /// A tools/call as the audit log records it. Counted on every call: each series' counter is made once and kept,
    /// rather than looked up in the registry (a lock and a dictionary of label sets) per call.
    public static func toolCall(_ tool: String, outcome: String, dryRun: Bool) {
        let key = ToolCallSeries(tool: tool, outcome: outcome, dryRun: dryRun)
        if let counter = toolCallCounters.withLock({ $0[key] }) { return counter.increment() }
        let counter = Metrics.Counter(
            label: "gatehouse_tool_calls_total", dimensions: [("tool", tool), ("outcome", outcome), ("dry_run", dryRun ? "true" : "false")])
        toolCallCounters.withLock { $0[key] = counter }
        counter.increment()
    }

    private struct ToolCallSeries: Hashable {
        let tool: String
        let outcome: String
        let dryRun: Bool
    }

    /// Bounded by the registry's tools times the audit outcomes.
    private static let toolCallCounters = Mutex<[ToolCallSeries: Metrics.Counter]>([:])

    /// How long after it was revoked a revocation reached this resource-server (whole seconds at the source).
    public static func revocationReceived(lagSeconds: Double) {
        Recorder(label: "gatehouse_revocation_stream_lag_seconds", aggregate: true).record(lagSeconds)
    }

    /// One commit of the durable database: how many writes it carried, and how long it took to reach the disk.
    public static func databaseCommit(writes: Int, duration: Duration) {
        Recorder(label: "gatehouse_database_commit_writes", aggregate: true).record(writes)
        Metrics.Timer(label: "gatehouse_database_commit_duration_seconds").recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Writes waiting for the durable database's next commit: above zero under load, growing when the disk lags.
    public static func databaseWritesWaiting(_ count: Int) {
        Gauge(label: "gatehouse_database_writes_waiting").record(count)
    }

    /// A PostgreSQL pool's series, made once per pool (so a query costs no registry lookup), after the registry
    /// exists (a pool is opened before the application that would otherwise make it first).
    public static func databasePool(schema: String, connections: Int) -> DatabasePoolMetrics {
        _ = registry
        Gauge(label: "gatehouse_database_pool_connections", dimensions: [("schema", schema)]).record(connections)
        return DatabasePoolMetrics(
            inFlight: Gauge(label: "gatehouse_database_operations_in_flight", dimensions: [("schema", schema)]),
            duration: Metrics.Timer(label: "gatehouse_database_operation_duration_seconds", dimensions: [("schema", schema)]))
    }

    /// `GATEHOUSE_METRICS_LISTEN`: serve `/metrics` on this address alone (for a scraper on another machine, with
    /// the firewall deciding who reaches it); unset, the main port serves it to loopback callers only.
    public static let listenSetting = Setting<ListenAddress>("METRICS_LISTEN", default: nil) { raw in ListenAddress.parse(raw) }
    public static let settingKeys: Set<String> = ["METRICS_LISTEN"]
}

/// One PostgreSQL pool's use: queries and transactions under way (waiting for a connection or running) against
/// `gatehouse_database_pool_connections`, and how long each took from asking for a connection to its answer. An
/// in-flight count that sits at the pool's size means callers queue for connections.
public struct DatabasePoolMetrics: Sendable {
    let inFlight: Metrics.Gauge
    let duration: Metrics.Timer

    public func operations(inFlight count: Int) { inFlight.record(count) }

    public func operation(took elapsed: Duration) {
        duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
