import Foundation
import Hummingbird
import Shared

/// An `application/x-www-form-urlencoded` body or query string (RFC 6749 Appendix B), keeping repeats so
/// the endpoints can refuse them: RFC 6749 §3.1 and §3.2 say a parameter MUST NOT appear more than once
/// (except `resource`, RFC 8707 §2).
public struct FormParameters: Sendable {
    private let pairs: [(name: String, value: String)]

    public init(encoded: Substring) throws(OAuthError) {
        var pairs: [(String, String)] = []
        // Split on bytes, not Characters: Swift takes "&" or "=" followed by a combining mark for one
        // Character, which no other parser of the same query does, so a parameter could hide in a value.
        for part in encoded.utf8.split(separator: UInt8(ascii: "&")) {
            let equals = part.firstIndex(of: UInt8(ascii: "=")) ?? part.endIndex
            let value = equals == part.endIndex ? part[equals...] : part[part.index(after: equals)...]
            guard let name = Self.decode(part[..<equals]), let value = Self.decode(value) else {
                throw .invalidRequest("The parameters are not valid form encoding")
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    public init(query: String?) throws(OAuthError) { try self.init(encoded: Substring(query ?? "")) }

    /// Reads a form body of at most `limit` bytes with the right media type.
    public static func body(of request: Request, limit: Int) async throws -> FormParameters {
        guard let type = request.headers[.contentType], MediaTypes.parse(type) == ["application/x-www-form-urlencoded"] else {
            throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded")
        }
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

    /// One name or value: `+` is a space and `%XX` a byte (RFC 6749 Appendix B); nil for a `%` without two hex
    /// digits after it, or bytes that are not UTF-8. Byte by byte: Foundation's `removingPercentEncoding` goes
    /// through NSString, and with it this decoding was a tenth of an introspection's CPU.
    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): decoded.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                decoded.append(high << 4 | low)
            default: decoded.append(byte)
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
