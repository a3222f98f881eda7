import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Shared
import ToolKit

/// The Streamable HTTP side of `/mcp` (transports, 2025-03-26 to 2026-07-28), stateless and without
/// session ids: content negotiation, size limits, the era of each request and its header checks, the
/// call gate before dispatch, and JSON or SSE replies.
struct MCPEndpoint: Sendable {
    let gate: CallGate
    let dispatcher: MCPDispatcher
    let maxBodyBytes: Int
    let features: FeatureSwitchboard

    enum Header {
        static let protocolVersion = HTTPField.Name("MCP-Protocol-Version")!
        static let method = HTTPField.Name("Mcp-Method")!
        static let name = HTTPField.Name("Mcp-Name")!
    }

    func post(_ request: Request, context: ResourceRequestContext) async throws -> Response {
        guard let caller = context.caller, let tenant = context.tenant, let challenge = context.gate?.challenge else {
            throw HTTPError(.internalServerError)
        }
        guard let contentType = request.headers.value(.contentType), MediaTypes.parse(contentType) == ["application/json"] else {
            return reply(error: .invalidRequest("Content-Type must be application/json"), id: nil, status: 415, sse: false)
        }
        guard let sse = Self.prefersEventStream(request.headers.value(.accept)) else {
            return reply(error: .invalidRequest("Accept must allow application/json or text/event-stream"), id: nil, status: 406, sse: false)
        }
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > maxBodyBytes { return tooLarge(sse: sse) }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge(sse: sse)
        }
        guard let message = try? body.withUnsafeReadableBytes({ bytes in try JSONValue.parse(bytes) }) else {
            return reply(error: .parseError(), id: nil, status: 400, sse: sse)
        }

        let prepared: [Prepared]
        if case .array(let elements) = message {
            let version = request.headers.value(Header.protocolVersion) ?? ProtocolVersions.assumedWhenAbsent
            guard version == ProtocolVersions.batching else {
                return reply(error: .invalidRequest("Batches are not allowed in protocol version \(version)"), id: nil, status: 400, sse: sse)
            }
            guard !elements.isEmpty else { return reply(error: .invalidRequest("An empty batch"), id: nil, status: 400, sse: sse) }
            prepared = elements.map { prepare($0, headers: request.headers, inBatch: true) }
        } else {
            prepared = [prepare(message, headers: request.headers, inBatch: false)]
        }

        // Every tools/call of the body is decided before any of it runs.
        let calls = prepared.compactMap { item -> MCPRequest? in
            guard case .request(let call) = item, call.method == "tools/call" else { return nil }
            return call
        }
        let switchedOff: Set<ToolModule>
        if let cached = features.cached(tenantID: tenant.id) { switchedOff = cached } else { switchedOff = try await features.switchedOff(tenantID: tenant.id) }
        var decisions: [CallGate.Decision]
        switch try await gate.admit(calls, caller: caller, tenant: tenant, switchedOff: switchedOff, address: context.clientAddress) {
        case .refused(.insufficientScope(let needed, let description)): return challenge.insufficientScope(needed: needed, description: description)
        case .refused(.rateLimited(let id, let retryAfter, let error)):
            var response = reply(error: error, id: id, status: 429, sse: sse)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .admitted(let admitted): decisions = admitted.reversed()
        }

        var replies: [Reply] = []
        for item in prepared {
            switch item {
            case .accepted: continue
            case .failed(let error, let id, let era): replies.append(Reply(message: Self.errorMessage(error, id: id), status: error.httpStatus(era: era)))
            case .request(let call):
                let decision = call.method == "tools/call" ? decisions.popLast() : nil
                let outcome = await dispatcher.handle(
                    call, call: decision, caller: caller, tenant: tenant, switchedOff: switchedOff, logger: context.logger)
                switch outcome {
                case .success(let result): replies.append(Reply(message: ["jsonrpc": "2.0", "id": call.id, "result": result], status: 200))
                case .failure(let error): replies.append(Reply(message: Self.errorMessage(error, id: call.id), status: error.httpStatus(era: call.era)))
                }
            }
        }
        if replies.isEmpty { return Response(status: .accepted) }
        if case .array = message { return try encode(.array(replies.map(\.message)), status: 200, sse: sse) }
        return try encode(replies[0].message, status: replies[0].status, sse: sse)
    }

    /// One JSON-RPC answer and the HTTP status it asks for when it is the only one.
    private struct Reply {
        let message: JSONValue
        let status: Int
    }

    private enum Prepared {
        case accepted
        case failed(JSONRPCError, id: JSONValue?, era: ProtocolEra?)
        case request(MCPRequest)
    }

    private func prepare(_ value: JSONValue, headers: HTTPFields, inBatch: Bool) -> Prepared {
        let message: IncomingMessage
        do {
            message = try IncomingMessage(value)
        } catch {
            return .failed(error, id: value["id"].flatMap { $0 == .null ? nil : $0 }, era: nil)
        }
        guard case .request(let id, let method, let paramsValue) = message else { return .accepted }
        let params = paramsValue?.objectValue ?? [:]
        let meta = params["_meta"]?.objectValue
        if method == "server/discover" || meta?[ProtocolVersions.metaKey] != nil {
            if inBatch { return .failed(.invalidRequest("Protocol version 2026-07-28 does not allow batches"), id: id, era: .modern) }
            if let error = Self.modernEnvelopeError(method: method, params: params, headers: headers) {
                return .failed(error, id: id, era: .modern)
            }
            return .request(MCPRequest(id: id, method: method, params: params, era: .modern))
        }
        // Handshake era: a missing header means 2025-03-26, and a date-shaped unknown one is taken as the
        // negotiated version, because real clients send both (docs/clients.md § Claude). Only nonsense is refused.
        if let version = headers.value(Header.protocolVersion), !ProtocolVersions.looksLikeVersion(version) {
            return .failed(.invalidRequest("Unsupported MCP-Protocol-Version header: \(version)"), id: id, era: .handshake)
        }
        if inBatch, method == "initialize" { return .failed(.invalidRequest("initialize cannot be part of a batch"), id: id, era: .handshake) }
        return .request(MCPRequest(id: id, method: method, params: params, era: .handshake))
    }

    /// 2026-07-28 transport §Server Validation, in the order the reference SDK applies it: the envelope,
    /// then the headers against the body (-32020), then the version (-32022 with what we support).
    static func modernEnvelopeError(method: String, params: [String: JSONValue], headers: HTTPFields) -> JSONRPCError? {
        guard let meta = params["_meta"]?.objectValue, let version = meta[ProtocolVersions.metaKey],
            meta[ProtocolVersions.clientCapabilitiesKey] != nil
        else {
            return .invalidParams("params._meta must carry \(ProtocolVersions.metaKey) and \(ProtocolVersions.clientCapabilitiesKey)")
        }
        var seen: (version: Int, method: Int, name: Int) = (0, 0, 0)
        for field in headers {
            switch field.name {
            case Header.protocolVersion: seen.version += 1
            case Header.method: seen.method += 1
            case Header.name: seen.name += 1
            default: continue
            }
        }
        if seen.version > 1 || seen.method > 1 || seen.name > 1 { return .headerMismatch("An Mcp- routing header appears more than once") }
        guard let headerVersion = headers.value(Header.protocolVersion), .string(headerVersion) == version else {
            return .headerMismatch("MCP-Protocol-Version header does not match params._meta's protocol version")
        }
        guard headers.value(Header.method) == method else { return .headerMismatch("Mcp-Method header does not match the method") }
        if method == "tools/call", let name = params["name"]?.stringValue, MCPHeaderValue.decode(headers.value(Header.name)) != name {
            return .headerMismatch("Mcp-Name header does not match params.name")
        }
        guard let requested = version.stringValue else { return .invalidParams("The protocol version must be a string") }
        guard ProtocolVersions.modern.contains(requested) else {
            return JSONRPCError(
                code: JSONRPCError.unsupportedProtocolVersionCode, message: "Unsupported protocol version: \(requested)",
                data: ["supported": .array(ProtocolVersions.all.map(JSONValue.string)), "requested": .string(requested)]
            )
        }
        return nil
    }

    /// nil when the client accepts neither JSON nor SSE; true when it accepts only SSE (docs/clients.md § Claude Code: never 406 a
    /// client that accepts JSON, and answer JSON whenever it is acceptable).
    static func prefersEventStream(_ accept: String?) -> Bool? {
        guard let accept else { return false }
        // What MCP clients send, answered without parsing: JSON listed first.
        if accept.utf8.starts(with: "application/json".utf8) {
            let rest = accept.utf8.dropFirst(16)
            if rest.isEmpty || rest.first == UInt8(ascii: ",") || rest.first == UInt8(ascii: ";") { return false }
        }
        let types = MediaTypes.parse(accept)
        if types.isEmpty { return false }
        if types.contains(where: { ["application/json", "application/*", "*/*"].contains($0) }) { return false }
        if types.contains(where: { ["text/event-stream", "text/*"].contains($0) }) { return true }
        return nil
    }

    static func errorMessage(_ error: JSONRPCError, id: JSONValue?) -> JSONValue {
        ["jsonrpc": "2.0", "id": id ?? .null, "error": error.json]
    }

    private func tooLarge(sse: Bool) -> Response {
        reply(error: .invalidRequest("The body is larger than \(maxBodyBytes) bytes"), id: nil, status: 413, sse: sse)
    }

    private func reply(error: JSONRPCError, id: JSONValue?, status: Int, sse: Bool) -> Response {
        (try? encode(Self.errorMessage(error, id: id), status: status, sse: sse)) ?? Response(status: .init(code: status))
    }

    private func encode(_ message: JSONValue, status: Int, sse: Bool) throws -> Response {
        if sse {
            var body = ByteBuffer(string: "event: message\ndata: ")
            message.write(to: &body)
            body.writeString("\n\n")
            return Response(
                status: .init(code: status),
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
                body: .init(byteBuffer: body)
            )
        }
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: message.serialized))
    }
}

/// Header values of the 2026-07-28 transport: verbatim, or `=?base64?…?=` for values that are not plain ASCII.
enum MCPHeaderValue {
    static func decode(_ value: String?) -> String? {
        guard let value else { return nil }
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?=") else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: payload), data.base64EncodedString() == payload else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
