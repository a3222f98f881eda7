import Foundation

/// `gatehouse bridge`: an MCP server on stdio (MCP transports § stdio: one JSON-RPC message per line) that
/// forwards every message to the Streamable HTTP endpoint with the login's bearer token, so a host that only
/// starts local commands can use Gatehouse.
///
/// - Messages go out as they came in, byte for byte, with the headers their era needs (`MCPHeaders`); requests
///   run in parallel, as hosts send them.
/// - Answers come back unchanged, from JSON or from an event stream, one line each; the only change ever made is
///   to an error the server could not tie to a request (`"id": null`), which is given the request's id so the
///   host is not left waiting.
/// - Refusals the server answers without JSON-RPC (401, 403, 429, 5xx, unreachable) become JSON-RPC errors for
///   the request with what to do (`EndpointRefusal`), and a line on stderr; a 401 is first retried once with a
///   refreshed token.
actor StdioBridge {
    let credentials: Credentials
    private let output: LineWriter
    /// The version `initialize` agreed on, for the handshake era's later requests.
    private var negotiatedVersion: String?

    init(credentials: Credentials, output: LineWriter = LineWriter(handle: .standardOutput)) {
        self.credentials = credentials
        self.output = output
    }

    /// Forwards `lines` until they end, then waits for the answers still on their way.
    func run(_ lines: AsyncStream<Data>) async {
        await withTaskGroup(of: Void.self) { group in
            for await line in lines where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                group.addTask { await self.forward(line) }
            }
        }
    }

    func forward(_ line: Data) async {
        let message = JSONText.parse(line)
        let object = message as? [String: Any]
        let id = object.flatMap { $0["method"] != nil || $0["result"] != nil || $0["error"] != nil ? $0["id"] : nil }
        let method = object?["method"] as? String
        let headers = MCPHeaders.forMessage(message, negotiatedVersion: negotiatedVersion)
        do throws(CLIFailure) {
            let reply = try await credentials.post(line, headers: headers)
            if let refusal = EndpointRefusal.classify(reply, url: credentials.url, environmentToken: await credentials.isEnvironmentToken) {
                Console.error("gatehouse bridge: \(refusal.message)")
                await answer(id, code: refusal.jsonRPCCode, message: refusal.message, status: reply.status, retryAfter: reply.header("Retry-After"))
                return
            }
            for answer in EventStream.jsonRPCMessages(of: reply) {
                if method == "initialize", let version = ((JSONText.object(answer)?["result"] as? [String: Any])?["protocolVersion"]) as? String {
                    negotiatedVersion = version
                }
                await output.write(Self.tied(answer, to: id))
            }
        } catch {
            Console.error("gatehouse bridge: \(error.message)")
            await answer(id, code: error.status == .unreachable ? -31503 : -31401, message: error.message, status: nil, retryAfter: nil)
        }
    }

    /// An error for a request of the host's (none for a notification, which expects no answer).
    private func answer(_ id: Any?, code: Int, message: String, status: Int?, retryAfter: String?) async {
        guard let id, !(id is NSNull) else { return }
        var data: [String: Any] = [:]
        if let status { data["httpStatus"] = status }
        if let retryAfter = retryAfter.flatMap(Int.init) { data["retryAfterSeconds"] = retryAfter }
        let error: [String: Any] = ["code": code, "message": "Gatehouse: " + message, "data": data]
        await output.write(JSONText.data(["jsonrpc": "2.0", "id": id, "error": error]))
    }

    /// The server's message as it came, unless it is an error with `"id": null` and the host's message had an id.
    static func tied(_ answer: Data, to id: Any?) -> Data {
        guard let id, !(id is NSNull), var object = JSONText.object(answer), object["error"] != nil, object["id"] is NSNull else {
            return answer
        }
        object["id"] = id
        return JSONText.data(object)
    }
}

/// Writes whole lines to a file handle, one at a time: answers finishing together never interleave. A message's
/// own line breaks can only be whitespace between JSON tokens (JSON strings cannot hold raw ones), so they become
/// spaces and the message stays one line, meaning the same.
actor LineWriter {
    private let handle: FileHandle

    init(handle: FileHandle) { self.handle = handle }

    func write(_ message: Data) {
        var line = Data(message.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 })
        line.append(0x0A)
        handle.write(line)
    }
}

/// Standard input as lines of bytes, read on a thread of its own (reading blocks), however long a line is.
enum StandardInputLines {
    static func stream() -> AsyncStream<Data> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(Data(line.utf8)) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
