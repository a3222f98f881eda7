import Foundation
import Shared
import Synchronization
import ToolKit

/// Token buckets for `tools/call`, one per grant and one per person, each for reads and for writes
/// (high-trust tools count as writes). A bucket holds a minute's allowance and refills continuously,
/// so a client may burst and then keeps the configured pace. In memory, per process: each instance
/// limits on its own. Keys come only from verified tokens; past `capacity` keys, buckets that are full
/// again (idle callers) are dropped, which forgets nothing that matters.
public final class ToolRateLimits: Sendable {
    public struct Limits: Sendable, Equatable {
        public var readsPerMinute: Int
        public var writesPerMinute: Int

        public init(readsPerMinute: Int, writesPerMinute: Int) {
            self.readsPerMinute = readsPerMinute
            self.writesPerMinute = writesPerMinute
        }

        /// 10 reads a second sustained is far above a person working through an assistant and well
        /// below a runaway loop; writes are ten times scarcer.
        public static let defaults = Limits(readsPerMinute: 600, writesPerMinute: 60)
    }

    private struct Key: Hashable {
        /// A grant id, or a person as tenant and subject.
        let holder: String
        let tenant: String
        let isGrant: Bool
        let isWrite: Bool
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public let limits: Limits
    private let capacity: Int
    private let buckets = Mutex<[Key: Bucket]>([:])

    public init(limits: Limits, capacity: Int = 100_000) {
        self.limits = limits
        self.capacity = capacity
    }

    /// How many buckets are kept.
    var bucketCount: Int { buckets.withLock { $0.count } }

    private func isFull(_ bucket: Bucket, isWrite: Bool, now: Double) -> Bool {
        let perMinute = Double(isWrite ? limits.writesPerMinute : limits.readsPerMinute)
        return bucket.tokens + (now - bucket.updated) * perMinute / 60 >= perMinute
    }

    /// Takes one call from the caller's grant and person buckets for the tool's kind. nil when the call
    /// may go ahead; otherwise nothing is taken and the answer is the whole seconds until it may.
    public func take(_ caller: Caller, kind: ToolKind, now: Double = Date().timeIntervalSince1970) -> Int? {
        let isWrite = kind != .read
        let perMinute = Double(isWrite ? limits.writesPerMinute : limits.readsPerMinute)
        let perSecond = perMinute / 60
        let claims = caller.claims
        let keys = [
            Key(holder: claims.grantID, tenant: claims.tenantID, isGrant: true, isWrite: isWrite),
            Key(holder: claims.subject, tenant: claims.tenantID, isGrant: false, isWrite: isWrite),
        ]
        return buckets.withLock { buckets in
            if buckets.count >= capacity { buckets = buckets.filter { !isFull($0.value, isWrite: $0.key.isWrite, now: now) } }
            var refilled = keys.map { key in
                var bucket = buckets[key] ?? Bucket(tokens: perMinute, updated: now)
                bucket.tokens = min(perMinute, bucket.tokens + max(0, now - bucket.updated) * perSecond)
                bucket.updated = now
                return bucket
            }
            let short = refilled.map { max(0, 1 - $0.tokens) }.max() ?? 0
            if short > 0 {
                for (key, bucket) in zip(keys, refilled) { buckets[key] = bucket }
                return max(1, Int((short / perSecond).rounded(.up)))
            }
            for index in refilled.indices {
                refilled[index].tokens -= 1
                buckets[keys[index]] = refilled[index]
            }
            return nil
        }
    }
}
