import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Synchronization
import Testing

@testable import ResourceServerCore
@testable import ToolKit

@Suite("Rate limits on tools/call")
struct RateLimitTests {
    static func call(_ tool: String) -> String { #"{"jsonrpc":"2.0","id":"r1","method":"tools/call","params":{"name":"\#(tool)","arguments":{"text":"hi"}}}"# }

    @Test("Over the reads limit: 429 with Retry-After and a JSON-RPC error outside the reserved ranges carrying retryAfterSeconds")
    func readsLimited() async throws {
        let house = try await TestHouse(rateLimits: ToolRateLimits.Limits(readsPerMinute: 3, writesPerMinute: 2))
        try await house.test { client in
            let token = try house.token()
            for _ in 0..<3 { #expect(try await client.mcp(Self.call("echo"), token: token).status == .ok) }
            let limited = try await client.mcp(Self.call("echo"), token: token)
            #expect(limited.status == .tooManyRequests)
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap(Int.init))
            #expect((1...20).contains(retryAfter), "one read comes back every 20 s at 3 a minute")
            #expect(limited.errorCode == Int64(JSONRPCError.rateLimitedCode) && JSONRPCError.rateLimitedCode > -32000)
            #expect(limited.json?["id"] == "r1")
            #expect(limited.json?["error"]?["data"]?["retryAfterSeconds"] == .int(Int64(retryAfter)))

            // Writes have their own allowance; tools/list is not a tool call.
            #expect(try await client.mcp(Self.call("explode"), token: token).status == .ok)
            #expect(try await client.mcp(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, token: token).status == .ok)
            // Another grant of the same person shares the person's bucket; another person is not affected.
            #expect(try await client.mcp(Self.call("echo"), token: try house.token(grantID: "grant-2")).status == .tooManyRequests)
            #expect(try await client.mcp(Self.call("echo"), token: try house.token(grantID: "grant-3", subject: "usr_2")).status == .ok)
            // Calls of unknown tools are audited, so they spend reads too: no free way to flood the log.
            let other = try house.token(grantID: "grant-4", subject: "usr_4")
            for _ in 0..<3 { #expect(try await client.mcp(Self.call("no_such_tool"), token: other).errorCode == -32602) }
            #expect(try await client.mcp(Self.call("no_such_tool"), token: other).status == .tooManyRequests)
        }
    }

    @Test("A bucket refills at the configured pace and holds at most a minute's allowance")
    func refill() {
        let limits = ToolRateLimits(limits: ToolRateLimits.Limits(readsPerMinute: 60, writesPerMinute: 6))
        let caller = bareCaller("s")
        for _ in 0..<6 { #expect(limits.take(caller, kind: .write, now: 1000) == nil) }
        #expect(limits.take(caller, kind: .write, now: 1000) == 10, "one write every 10 s")
        #expect(limits.take(caller, kind: .highTrust, now: 1005) == 5, "high-trust tools count as writes")
        #expect(limits.take(caller, kind: .write, now: 1010) == nil)
        #expect(limits.take(caller, kind: .write, now: 1010) == 10)
        // A long pause refills to the full minute's allowance, no more.
        for _ in 0..<6 { #expect(limits.take(caller, kind: .write, now: 5000) == nil) }
        #expect(limits.take(caller, kind: .write, now: 5000) != nil)
        #expect(limits.take(caller, kind: .read, now: 5000) == nil)
    }

    @Test("Past its capacity the table drops the buckets of callers who have been idle long enough to be full again, reads and writes alike")
    func bounded() {
        let limits = ToolRateLimits(limits: ToolRateLimits.Limits(readsPerMinute: 60, writesPerMinute: 6), capacity: 4)
        func caller(_ name: String) -> Caller { bareCaller(name, grant: name) }
        // A write refills at 0.1 a second: taken at 45 s, the idle caller's bucket is not full at 50 s but is at 61 s.
        #expect(limits.take(caller("idle"), kind: .write, now: 45) == nil)
        for _ in 0..<30 { #expect(limits.take(caller("busy"), kind: .read, now: 50) == nil) }
        #expect(limits.bucketCount == 4, "a grant and a person each")
        // At 61 s the idle caller's buckets are full again and make way; the busy caller's stay.
        #expect(limits.take(caller("new"), kind: .read, now: 61) == nil)
        #expect(limits.bucketCount == 4, "the idle caller's two dropped, the newcomer's two added")
        // Kept, not reset: 30 of 60 left at 50 s, 11 more by 61 s, and nothing beyond.
        for _ in 0..<41 { #expect(limits.take(caller("busy"), kind: .read, now: 61) == nil) }
        #expect(limits.take(caller("busy"), kind: .read, now: 61) == 1)
    }
}

@Suite("The audit log")
struct AuditLogTests {
    @Test("Every tools/call leaves an entry, reads and refusals included, with a digest of the arguments and never the arguments")
    func everyCallAudited() async throws {
        let desk = try await SeededDesk.writable.value
        let ticket = try #require(desk.tickets(of: desk.companyB).first)
        try await desk.session { client in
            let secret = "hunter2-\(UUID().uuidString)"
            _ = try await client.call("get_ticket", ["ticket_id": .string(ticket.id)], as: desk.technician)
            // Refused: the scope is missing (403), then the role does not allow the tool.
            _ = try await client.call("reply_to_ticket", ["ticket_id": .string(ticket.id), "body": .string(secret)], as: desk.technician)
            _ = try await client.call("add_internal_note", ["ticket_id": .string(ticket.id), "body": .string(secret)], as: desk.userB, scope: "notes:write")
            let log = try await client.call("get_audit_log_for_ticket", ["ticket_id": .string(ticket.id), "limit": 100], as: desk.admin)
            let entries = log.items("entries")
            let read = try #require(entries.first { $0["tool"] == "get_ticket" && $0["subject"] == "usr_tech" })
            #expect(read["outcome"] == "ok" && read["dry_run"] == false && read["customer_id"] == nil)
            #expect(read["argument_digest"] == .string(AuditTrail.digest(["ticket_id": .string(ticket.id)])))
            let refusals = entries.filter { $0["tool"] == "reply_to_ticket" || $0["tool"] == "add_internal_note" }
            #expect(refusals.count == 2 && refusals.allSatisfy { $0["outcome"] == "refused" })

            let all = try await desk.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 100_000)
            #expect(!all.isEmpty && all.map(\.position) == all.map(\.position).sorted())
            let stored = String(decoding: try JSONEncoder().encode(all.map(\.entry)), as: UTF8.self)
            #expect(!stored.contains(secret))
            let next = try await desk.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: all[0].position, limit: 1)
            #expect(next.map(\.position) == [all[1].position])
            #expect(try await desk.environment.serviceDesk.auditLog(tenantID: "other", after: 0, limit: 10).isEmpty)
        }
    }

    @Test("Malformed calls are audited too: an unknown tool (a hostile name cut to 64 characters, ids only when they can be ids) and arguments that are not an object")
    func malformedCallsAudited() async throws {
        let desk = try await SeededDesk.writable.value
        let ticket = try #require(desk.tickets(of: desk.companyA).first)
        try await desk.session { client in
            let subject = desk.technician.subject
            let unknown = try await client.call("no_such_tool", ["ticket_id": .string(ticket.id)], as: desk.technician)
            #expect(unknown.errorCode == -32602)
            let hostileName = String(repeating: "x", count: 10_000)
            #expect(try await client.call(hostileName, as: desk.technician).errorCode == -32602)
            let notObject = try await client.call("get_ticket", arguments: [.string(ticket.id)], as: desk.technician)
            #expect(notObject.errorCode == -32602)
            let hugeID = String(repeating: "t", count: 100_000)
            #expect(try await client.call("no_such_tool", ["ticket_id": .string(hugeID), "customer_id": 7], as: desk.technician).errorCode == -32602)

            await desk.environment.audit.flush()
            let all = try await desk.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 100_000).map(\.entry)
            let mine = all.filter { $0.subject == subject && $0.outcome == "error" }
            let named = try #require(mine.last { $0.tool == "no_such_tool" && $0.argumentDigest == AuditTrail.digest(["ticket_id": .string(ticket.id)]) })
            #expect(named.ticketID == ticket.id)
            #expect(mine.contains { $0.tool == String(repeating: "x", count: 64) })
            #expect(mine.contains { $0.tool == "get_ticket" && $0.argumentDigest == AuditTrail.digest([.string(ticket.id)]) })
            let hugeEntry = try #require(mine.last { $0.argumentDigest == AuditTrail.digest(["ticket_id": .string(hugeID), "customer_id": 7]) })
            #expect(hugeEntry.ticketID == nil && hugeEntry.companyID == nil, "what cannot be an id is not stored as one")
        }
    }

    @Test("flush returns only when every entry recorded before it is stored, even those a concurrent flush took, in order")
    func flushWaitsForEarlierBatches() async throws {
        let store = SlowAuditStore()
        let recorder = AuditRecorder(store: store, logger: Logger(label: "test"), delay: .seconds(3600))
        let caller = bareCaller("usr_f")
        func entry(_ index: Int) -> AuditEntry {
            AuditTrail(tenantID: Tenant.defaultID, tool: "tool_\(index)", caller: caller, arguments: [:]).entry(outcome: .ok, dryRun: false)
        }
        recorder.record(entry(0))
        // The first flush takes entry 0 and is held inside the store; the second must wait for it.
        let first = Task { await recorder.flush() }
        await store.waitUntilHeld()
        recorder.record(entry(1))
        let second = Task { await recorder.flush() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(store.stored.isEmpty, "nothing stored while the first batch is held")
        store.release()
        await second.value
        #expect(store.stored.map(\.tool) == ["tool_0", "tool_1"], "the second flush returned after both batches, in order")
        await first.value
    }

    @Test("A batch of any size is stored whole and in order, across the statements it is split into")
    func batches() async throws {
        let house = try await TestHouse()
        let store = house.environment.serviceDesk
        let caller = bareCaller("usr_b")
        let entries = (0..<150).map { index in
            AuditTrail(tenantID: Tenant.defaultID, tool: "tool_\(index)", caller: caller, arguments: ["n": .int(Int64(index))]).entry(outcome: .ok, dryRun: false)
        }
        try await store.appendAudit(Array(entries.prefix(129)))
        try await store.appendAudit(Array(entries.dropFirst(129)))
        let stored = try await store.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 1000).map(\.entry)
        #expect(stored.map(\.id) == entries.map(\.id))
        #expect(Set(stored.map(\.id)).count == 150, "ids are unique by construction")
        #expect(stored[77].argumentDigest == AuditTrail.digest(["n": 77]) && stored[77].tool == "tool_77")
    }
}

/// A verified caller with nothing but a subject and a grant, for the limits and the log below the HTTP layer.
func bareCaller(_ subject: String, grant: String = "g") -> Caller {
    Caller(
        claims: AccessTokenClaims(
            issuer: "i", subject: subject, audience: "a", clientID: "c", scope: "", issuedAt: 0, expiresAt: 1, tokenID: "t", grantID: grant,
            tenantID: Tenant.defaultID
        ),
        tokenKind: .accessToken
    )
}

/// An audit store whose first append waits until released, to hold a batch in flight.
private final class SlowAuditStore: AuditLogStore, Sendable {
    private struct State {
        var stored: [AuditEntry] = []
        var held = false
        var release: CheckedContinuation<Void, Never>?
        var released = false
    }

    private let state = Mutex(State())

    var stored: [AuditEntry] { state.withLock { $0.stored } }

    func appendAudit(_ entries: [AuditEntry]) async throws {
        let holdThisOne = state.withLock { state in
            defer { state.held = true }
            return !state.held
        }
        if holdThisOne {
            await withCheckedContinuation { continuation in
                let releaseNow = state.withLock { state in
                    if state.released { return true }
                    state.release = continuation
                    return false
                }
                if releaseNow { continuation.resume() }
            }
        }
        state.withLock { $0.stored += entries }
    }

    func auditLog(tenantID: String, after position: Int64, limit: Int) async throws -> [PositionedAuditEntry] { [] }

    func auditEntries(tenantID: String, grantID: String, limit: Int) async throws -> [AuditEntry] { [] }

    func pruneAudit(before date: Date) async throws -> Int { 0 }

    func waitUntilHeld() async {
        while state.withLock({ $0.release == nil }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    func release() {
        let continuation = state.withLock { state in
            state.released = true
            defer { state.release = nil }
            return state.release
        }
        continuation?.resume()
    }
}
