/// Why a metadata-document client_id could not be turned into a client. Each message names the URL
/// and says what was wrong, fit for the 400 page /authorize shows (CIMD draft § Metadata Discovery Errors: a failed fetch
/// aborts the authorization request); none reveals our addresses or the underlying network error,
/// which go to the log through `logDetail`.
public enum CIMDResolutionError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidClientID(String, CIMDClientIdentifier.Problem)
    case fetchFailed(String, URLFetchError)
    case invalidDocument(String, ClientMetadataDocument.Problem)
    /// Not fetched: the address asking has used up its fetches for now (docs/security.md § Rate limits).
    case tooManyFetches(String)

    public var clientID: String {
        switch self {
        case .invalidClientID(let url, _), .fetchFailed(let url, _), .invalidDocument(let url, _), .tooManyFetches(let url): url
        }
    }

    public var description: String {
        switch self {
        case .invalidClientID(let url, let problem): "The client_id '\(url)' \(problem)."
        case .fetchFailed(let url, let error): "The client's metadata document at \(url) \(error)."
        case .invalidDocument(let url, let problem): "The client's metadata document at \(url) \(problem)."
        case .tooManyFetches(let url):
            "The client's metadata document at \(url) was not fetched: requests from your address have made this server fetch "
                + "too many documents in the last hour. Try again later."
        }
    }

    public var logDetail: String {
        if case .fetchFailed(let url, let error) = self { return "The client's metadata document at \(url) \(error.logDetail)." }
        return description
    }
}
