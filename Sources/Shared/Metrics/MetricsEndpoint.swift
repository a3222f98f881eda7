import HTTPTypes
import Hummingbird
import Prometheus

/// `GET /metrics` in the Prometheus text exposition format. The figures describe the whole install (which
/// clients, which tools, how many failures), so on the main port they go only to a caller on this machine that
/// came without a proxy: a request that carries `Forwarded` or `X-Forwarded-For` came through one, from anyone.
public enum MetricsEndpoint {
    public static let path = "/metrics"
    /// RFC 7239's header, which proxies other than the shipped nginx site may set instead.
    static let forwarded = HTTPField.Name("Forwarded")!

    public static func response() -> Response {
        let body = ProcessMetrics.registry.emitToBuffer()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// On the main port: nil (served) for a loopback caller without proxy headers, else the 404 everyone else gets.
    public static func mainPortResponse(_ request: Request, peer: IPAddress?) -> Response {
        let proxied = request.headers[Self.forwarded] != nil || request.headers[.xForwardedFor] != nil
        guard !proxied, peer?.isLoopback == true else { return Response(status: .notFound) }
        return response()
    }

    /// The metrics alone, on their own address (`GATEHOUSE_METRICS_LISTEN`), run beside the server.
    public static func application(listen: ListenAddress) -> some ApplicationProtocol {
        let router = Router()
        router.get(RouterPath(path)) { _, _ in response() }
        return Application(router: router, configuration: .init(address: .hostname(listen.host, port: listen.port)))
    }
}
