import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body or query string (RFC 6749 Appendix B), keeping repeats so
/// the endpoints can refuse them: RFC 6749 §3.1 and §3.2 say a parameter MUST NOT appear more than once
/// (except `resource`, RFC 8707 §2).
public struct FormParameters: Sendable {
    private let pairs: [(name: String, value: String)]

    public init(encoded: Substring) throws(OAuthError) {
        var pairs: [(String, String)] = []
        for part in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(pieces[0]), let value = Self.decode(pieces.count > 1 ? pieces[1] : "") else {
                throw .invalidRequest("The parameters are not valid form encoding")
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    public init(query: String?) throws(OAuthError) { try self.init(encoded: Substring(query ?? "")) }

    /// Reads a form body of at most `limit` bytes with the right media type.
    public static func body(of request: Request, limit: Int) async throws -> FormParameters {
        guard let type = request.headers[.contentType], type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            == "application/x-www-form-urlencoded"
        else { throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded") }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw OAuthError.invalidRequest("The body is larger than \(limit) bytes")
        }
        return try FormParameters(encoded: Substring(String(buffer: buffer)))
    }

    /// The single value of a parameter; an empty value counts as absent (RFC 6749 §3.1).
    public func single(_ name: String) throws(OAuthError) -> String? {
        let values = all(name)
        guard values.count <= 1 else { throw .invalidRequest("The parameter \(name) appears more than once") }
        return values.first.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The single values of these parameters, for code that takes a dictionary; repeats are refused.
    public func singles(_ names: [String]) throws(OAuthError) -> [String: String] {
        var values: [String: String] = [:]
        for name in names {
            if let value = try single(name) { values[name] = value }
        }
        return values
    }

    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public var names: Set<String> { Set(pairs.map(\.name)) }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
