import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Requests by route, method and status (`hb_requests`, `hb_request_errors`), their latency
/// (`http_server_request_duration`) and those under way (`http_server_active_requests`): the series Hummingbird's
/// `MetricsMiddleware` keeps, under its names, recorded when the handler has its response rather than once the body
/// is written.
///
/// Hummingbird's own middleware wraps every body in a closure to learn when it was written, and a wrapped body
/// loses the writer's fast path: the head, the body and the end went to the event loop as three writes, two of them
/// system calls, where a whole body goes as one. That was a tenth to a sixth of a `tools/call whoami`'s CPU
/// (README, "Performance"). Every answer of ours holds its body whole by then, and a stream's latency would otherwise be its
/// whole life (the revocation stream's, an MCP GET stream's).
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let series = RequestSeries()

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = series.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let route = series.route(context.endpointPath ?? "Unknown", request.method, response.status)
            route.requests.increment()
            route.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = series.route(context.endpointPath ?? "NotFound", request.method, status)
            route.requests.increment()
            route.errors.increment()
            throw error
        }
    }
}

/// Each series made once and kept: a lookup in the registry is a lock and a dictionary of label sets.
private final class RequestSeries: Sendable {
    struct Route: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }

    private struct RouteKey: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    /// Bounded by the router's routes, times the methods and statuses they answer with.
    private let routes = Mutex<[RouteKey: Route]>([:])
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            meters[method] = meter
            return meter
        }
    }

    func route(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Route {
        routes.withLock { routes in
            let key = RouteKey(route: route, method: method, status: status)
            if let known = routes[key] { return known }
            let labels = [("http.route", route), ("http.request.method", method.rawValue)]
            let answered = labels + [("http.response.status_code", String(status.code))]
            let made = Route(
                requests: Counter(label: "hb.requests", dimensions: answered),
                duration: Timer(label: "http.server.request.duration", dimensions: answered, preferredDisplayUnit: .seconds),
                errors: Counter(label: "hb.request.errors", dimensions: labels + [("error.type", String(status.code))]))
            routes[key] = made
            return made
        }
    }
}
