import Dispatch
import Shared
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a host name with the system resolver (`getaddrinfo`), so the fetcher can check every
/// address before it connects and then connect to one of exactly those. `getaddrinfo` blocks, so it
/// runs on a Dispatch thread rather than the cooperative pool; the caller stops waiting as soon as
/// its task is cancelled (the fetcher's deadline), even while the lookup itself still runs.
enum SystemHostResolver {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Every distinct address of `host`, in the resolver's order of preference (RFC 6724).
    static func resolve(_ host: String) async throws -> [IPAddress] {
        let outcome = Outcome()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.wait(with: continuation)
                DispatchQueue.global().async { outcome.finish(Result { try lookUp(host) }) }
            }
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
    }

    private static func lookUp(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "getaddrinfo: " + String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let socketAddress = entry.pointee.ai_addr else { continue }
            let address: IPAddress?
            switch entry.pointee.ai_family {
            case AF_INET:
                address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var raw = pointer.pointee.sin_addr
                    return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
                }
            case AF_INET6:
                address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var raw = pointer.pointee.sin6_addr
                    return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
                }
            default:
                address = nil
            }
            if let address, !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }

    /// Hands the first of the lookup's result and a cancellation to the waiting continuation, once.
    private final class Outcome: Sendable {
        private enum State {
            case idle
            case waiting(CheckedContinuation<[IPAddress], any Error>)
            case finishedEarly(Result<[IPAddress], any Error>)
            case done
        }

        private let state = Mutex<State>(.idle)

        func wait(with continuation: CheckedContinuation<[IPAddress], any Error>) {
            let early: Result<[IPAddress], any Error>? = state.withLock { state in
                if case .finishedEarly(let result) = state {
                    state = .done
                    return result
                }
                state = .waiting(continuation)
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func finish(_ result: Result<[IPAddress], any Error>) {
            let waiting: CheckedContinuation<[IPAddress], any Error>? = state.withLock { state in
                switch state {
                case .idle:
                    state = .finishedEarly(result)
                    return nil
                case .waiting(let continuation):
                    state = .done
                    return continuation
                case .finishedEarly, .done:
                    return nil
                }
            }
            waiting?.resume(with: result)
        }
    }
}
