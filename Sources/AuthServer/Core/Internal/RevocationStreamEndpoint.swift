import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// The revocation stream the resource-servers follow (docs/architecture.md § How the servers talk): the tenant's
/// revocation log after the reader's `Last-Event-ID` as server-sent events (`RevocationStream` says what they
/// carry), then each new event as it is appended, until the reader goes or the server stops. Only a resource-server
/// may read it; each tenant's log is numbered on its own, so the numbers say nothing about other tenants.
struct RevocationStreamEndpoint: Sendable {
    let storage: any GrantStore
    let resourceServers: ResourceServerAuthenticator
    let watch: RevocationLogWatch
    var keepAlive: Duration = .seconds(RevocationStream.keepAliveSeconds)
    let logger: Logger

    /// How many events one read of the log takes, when a reader has much to catch up on.
    static let batch = 500

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async throws -> Response {
        let reader: Client
        do {
            reader = try await resourceServers.authenticate(request, tenant: tenant, address: address, now: now)
        } catch {
            logger.notice("revocation stream refused: no resource-server credentials", metadata: ["address": "\(address?.description ?? "unknown")"])
            return error.response
        }
        let position = try Self.position(request.headers[.lastEventID])
        logger.info("revocation stream opened", metadata: ["client_id": "\(reader.id)", "tenant": "\(tenant.id)", "after": "\(position)"])
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
        // nginx would otherwise hold events back in its buffer (Deploy/nginx turns buffering off as well).
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { [self] writer in
                try await withGracefulShutdownHandler {
                    try await follow(&writer, tenantID: tenant.id, after: position)
                } onGracefulShutdown: {
                    watch.shutDown()
                }
                try await writer.finish(nil)
            })
    }

    /// WHATWG HTML § 9.2.4: `Last-Event-ID` is the id of the last event the reader saw; none means from the start.
    static func position(_ header: String?) throws -> Int64 {
        guard let header else { return 0 }
        guard let position = Int64(header), position >= 0 else { throw HTTPError(.badRequest, message: "Last-Event-ID must be a non-negative integer") }
        return position
    }

    /// Writes what follows `start`, then waits for more, a keep-alive comment whenever the stream has been quiet
    /// for `keepAlive`. A position the log cannot continue from gets a reset and the whole retained log.
    private func follow(_ writer: inout any ResponseBodyWriter, tenantID: String, after start: Int64) async throws {
        var position = start
        try await writer.write(ByteBuffer(string: ServerSentEvent.comment("revocations of this tenant follow")))
        var lastWrite = ContinuousClock.now
        while !watch.isShutDown {
            let seen = watch.appendsSoFar
            // The head first: every event up to it is then among those read next, unless it was dropped.
            let head = try await storage.latestRevocationSeq(tenantID: tenantID)
            let events = try await storage.revocationEvents(tenantID: tenantID, after: position, limit: Self.batch)
            if Self.mustReset(from: position, head: head, next: events.first?.seq) {
                logger.info("revocation stream reset", metadata: ["tenant": "\(tenantID)", "after": "\(position)", "last": "\(head)"])
                try await writer.write(ByteBuffer(string: RevocationStream.reset))
                lastWrite = .now
                position = 0
                continue
            }
            if let last = events.last {
                try await writer.write(ByteBuffer(string: try events.map(RevocationStream.encode).joined()))
                lastWrite = .now
                position = last.seq
                if events.count == Self.batch { continue }
            } else if ContinuousClock.now - lastWrite >= keepAlive {
                try await writer.write(ByteBuffer(string: ServerSentEvent.comment("keep-alive")))
                lastWrite = .now
            }
            // Waiting from the head, not the position: after a reset over a log whose events are all gone, they differ.
            await watch.wait(tenantID: tenantID, from: max(head, position), seen: seen, timeout: keepAlive - (ContinuousClock.now - lastWrite))
        }
    }

    /// Whether the log cannot go on from `position`: it never reached it (it was renumbered, the database replaced),
    /// or the events just after it were dropped as too old. Position 0 is a reader starting out, never behind.
    static func mustReset(from position: Int64, head: Int64, next: Int64?) -> Bool {
        guard position > 0 else { return false }
        if head < position { return true }
        return head > position && next != position + 1
    }
}

extension HTTPField.Name {
    /// WHATWG HTML § 9.2.4: the id of the last event a reconnecting reader saw.
    static let lastEventID = Self("Last-Event-ID")!
}
