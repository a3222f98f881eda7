import Foundation
import Hummingbird
import Logging

/// A real HTTP server on 127.0.0.1 and a free port, serving client metadata documents and every way a
/// document server can misbehave, so the fetcher is tested against real sockets. It counts the hits on
/// each path, so a test can tell whether a fetch reached it.
enum MetadataDocumentTestServer {
    actor Record {
        private(set) var hits: [String: Int] = [:]

        func hit(_ path: String) -> Int {
            hits[path, default: 0] += 1
            return hits[path]!
        }

        func count(_ path: String) -> Int { hits[path, default: 0] }
    }

    /// A document whose client_id is the URL it was requested at, as the client asked for it.
    static func document(for request: Request, clientID: String? = nil) -> String {
        let url = clientID ?? "http://\(request.head.authority ?? "")\(request.uri.path)"
        return #"{"client_id":"\#(url)","client_name":"Test client","redirect_uris":["http://127.0.0.1/callback"]}"#
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "application/json", extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func router(_ record: Record) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/doc") { request, _ in
            _ = await record.hit("/doc")
            return json(document(for: request))
        }
        router.get("/vendor-type") { request, _ in
            _ = await record.hit("/vendor-type")
            return json(document(for: request), contentType: "application/vnd.example+json; charset=utf-8")
        }
        router.get("/redirect") { _, _ in
            _ = await record.hit("/redirect")
            return Response(status: .found, headers: [.location: "/doc"])
        }
        router.get("/not-found") { _, _ in
            _ = await record.hit("/not-found")
            return json(#"{"error":"not found"}"#, status: .notFound)
        }
        router.get("/html") { request, _ in
            _ = await record.hit("/html")
            return json(document(for: request), contentType: "text/html")
        }
        router.get("/streamed-large") { _, _ in
            _ = await record.hit("/streamed-large")
            // 1 KB chunks 40 ms apart that never end: only a reader that stops at its limit gets an answer.
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                while true {
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: " "), count: 1024))
                    try await Task.sleep(for: .milliseconds(40))
                }
            })
        }
        router.get("/declared-large") { _, _ in
            _ = await record.hit("/declared-large")
            let body = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
        }
        router.get("/slow-head") { request, _ in
            _ = await record.hit("/slow-head")
            // Never answers within a test: only a deadline ends the wait.
            try await Task.sleep(for: .seconds(3600))
            return json(document(for: request))
        }
        router.get("/trickle") { _, _ in
            _ = await record.hit("/trickle")
            // A byte every half second, without end.
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                while true {
                    try await writer.write(ByteBuffer(string: " "))
                    try await Task.sleep(for: .milliseconds(500))
                }
            })
        }
        router.get("/cache/max-age-120") { request, _ in
            _ = await record.hit("/cache/max-age-120")
            return json(document(for: request), extra: [.cacheControl: "public, max-age=120"])
        }
        router.get("/cache/no-store") { request, _ in
            _ = await record.hit("/cache/no-store")
            return json(document(for: request), extra: [.cacheControl: "no-store"])
        }
        router.get("/cache/none") { request, _ in
            _ = await record.hit("/cache/none")
            return json(document(for: request))
        }
        router.get("/flaky") { request, _ in
            let hit = await record.hit("/flaky")
            return hit == 1 ? json(#"{"error":"busy"}"#, status: .internalServerError) : json(document(for: request))
        }
        router.get("/mismatch") { request, _ in
            _ = await record.hit("/mismatch")
            return json(document(for: request, clientID: "https://elsewhere.example/client.json"))
        }
        router.get("/slow-doc") { request, _ in
            _ = await record.hit("/slow-doc")
            try await Task.sleep(for: .milliseconds(300))
            return json(document(for: request))
        }
        return router
    }

    /// Runs the server for the length of `body`, which gets its port and its record.
    static func with(_ body: @Sendable (Int, Record) async throws -> Void) async throws {
        let record = Record()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Stopped by cancellation, which the server logs as an error; nothing else is worth showing.
        var logger = Logger(label: "metadata-document-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router(record), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            defer { group.cancelAll() }
            try await body(port, record)
        }
    }
}
