/// A JSON object built member by member, written byte for byte as `JSONResponse.encoder` writes it (a `Double`
/// aside, below): members in the byte order of their keys, no whitespace, `/` as it is, only `"`, `\` and control
/// characters escaped.
/// For the objects the auth-server writes on every grant and introspection (the access token's claims, the token
/// response, the introspection answer), where Foundation's `JSONEncoder` and the `Encodable` boxing under it
/// were 6-8% of the request's CPU.
public struct JSONObjectText: Sendable {
    private var members: [(key: String, value: [UInt8])] = []

    public init() {}

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        var quoted: [UInt8] = []
        JSONBytes.append(value, to: &quoted)
        members.append((key, quoted))
    }

    public mutating func add(_ key: String, _ value: Int64?) {
        guard let value else { return }
        var digits: [UInt8] = []
        JSONBytes.append(value, to: &digits)
        members.append((key, digits))
    }

    public mutating func add(_ key: String, _ value: Bool) {
        members.append((key, Array((value ? "true" : "false").utf8)))
    }

    /// Swift's shortest form that reads back as the same `Double` (`1.0` where the encoder writes `1`), which JSON's
    /// number grammar accepts.
    public mutating func add(_ key: String, _ value: Double) {
        precondition(value.isFinite, "JSON has no form for \(value)")
        members.append((key, Array(value.description.utf8)))
    }

    public mutating func add(_ key: String, _ values: [String]?) {
        guard let values else { return }
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in values.enumerated() {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            JSONBytes.append(value, to: &array)
        }
        array.append(UInt8(ascii: "]"))
        members.append((key, array))
    }

    public mutating func add(_ key: String, _ object: JSONObjectText) {
        members.append((key, object.bytes))
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.value.count + 4 })
        for (index, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONBytes.append(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            out += member.value
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// A value the auth-server answers with, written through `JSONObjectText`.
public protocol JSONObjectWritable {
    var jsonObject: JSONObjectText { get }
}
