import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Synchronization
import Testing

@testable import ResourceServerCore

/// /readyz: ready while the database answers and the auth-server's keys can be had; not ready, naming only what
/// fails, while they cannot; /healthz stays 200 all along.
@Suite("Readiness")
struct ReadinessTests {
    @Test("ready with keys; not ready naming the keys once the JWKS cannot be fetched, and never saying why to the caller")
    func keys() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok && ready.headers[.cacheControl] == "no-store")
            #expect(ready.json == ["status": "ready", "service": "resource-server"])
            #expect(house.fetches.count == 1)
            _ = try await client.execute(uri: "/readyz", method: .get)
            #expect(house.fetches.count == 1, "a probe every second does not fetch the JWKS every second")
        }
        do {
            let router = try await ResourceServerApplication.router(
                environment: house.environment, logger: Logger(label: "test"), keyFetch: { _ in { throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: "/secret/path"]) } })
            try await Application(router: router).test(.router) { client in
                let down = try await client.execute(uri: "/readyz", method: .get)
                #expect(down.status == .serviceUnavailable)
                #expect(down.json == ["status": "not_ready", "service": "resource-server", "failing": ["auth_server_keys"]])
                #expect(!down.text.contains("/secret/path"))
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "alive all the same")
            }
        }
    }

    @Test("a failing check is named, its reason goes to the log only, and the others still run")
    func failingCheck() async throws {
        let ran = Mutex(0)
        let readiness = Readiness(
            service: "auth-server", logger: Logger(label: "test"),
            checks: [
                ("database", Readiness.succeeds { throw CocoaError(.fileReadCorruptFile) }),
                ("other", { ran.withLock { $0 += 1 }; return nil }),
            ])
        let router = Router()
        router.get(RouterPath(Readiness.path)) { _, _ in try await readiness.response() }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: Readiness.path, method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.text == #"{"failing":["database"],"service":"auth-server","status":"not_ready"}"#)
        }
        #expect(ran.withLock { $0 } == 1)
    }
}
