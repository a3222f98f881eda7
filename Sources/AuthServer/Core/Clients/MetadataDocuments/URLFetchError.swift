/// Why a fetch of a client-supplied URL failed. `description` completes the sentence "The document
/// at <URL> …" and is fit for an error page: it names what the remote server did, never what our
/// network looks like. `logDetail` adds the underlying error for the operator's log.
public enum URLFetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not an absolute http(s) URL with a host, or it carries user info.
    case invalidURL
    /// Plain http, allowed only to loopback when GATEHOUSE_CIMD_ALLOW_LOOPBACK is on.
    case notHTTPS
    case hostNotFound(detail: String)
    /// The host resolves to an address no client-supplied fetch may reach (CIMD draft § Server Side Request Forgery (SSRF) Attacks).
    case forbiddenAddress(SpecialUseAddressBlock)
    /// A 3xx answer; redirects are never followed (CIMD § Client Information Discovery).
    case redirect(status: Int)
    case status(Int)
    case contentType(String?)
    case tooLarge(limit: Int)
    case timedOut
    case unreachable(detail: String)

    public var description: String {
        switch self {
        case .invalidURL: "is not a valid https URL"
        case .notHTTPS: "must be served over https"
        case .hostNotFound: "could not be fetched: its host name does not resolve"
        case .forbiddenAddress(let block): "may not be fetched: its host resolves to a \(block.name) address, not a public one"
        case .redirect(let status): "answered with a redirect (HTTP \(status)), which is not followed"
        case .status(let status): "answered with HTTP \(status) instead of 200"
        case .contentType(let type): "is not JSON (Content-Type \(type.map { "'\($0)'" } ?? "missing"), expected application/json)"
        case .tooLarge(let limit): "is larger than the \(limit / 1024) KB allowed"
        case .timedOut: "took too long to answer"
        case .unreachable: "could not be fetched: the connection failed"
        }
    }

    public var logDetail: String {
        switch self {
        case .hostNotFound(let detail), .unreachable(let detail): "\(description) (\(detail))"
        case .forbiddenAddress(let block): "\(description) (\(block))"
        default: description
        }
    }
}
