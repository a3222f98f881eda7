import NIOCore

/// Writes `JSONValue` as compact JSON with sorted keys (so equal values give equal bytes), for the same
/// reason `JSONValue+Parsing` reads without Foundation. The bytes go into a growing array, copied once
/// into the answer's buffer: byte by byte into a ByteBuffer cost a bounds and ownership check per byte,
/// and was the largest part of answering a small tool call.
extension JSONValue {
    public var serialized: ByteBuffer { ByteBuffer(bytes: jsonBytes) }

    public func write(to buffer: inout ByteBuffer) { buffer.writeBytes(jsonBytes) }

    public var jsonBytes: [UInt8] {
        var bytes: [UInt8] = []
        // Most MCP answers fit; starting there saves the array's doubling steps.
        bytes.reserveCapacity(1024)
        append(to: &bytes)
        return bytes
    }

    private func append(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): JSONBytes.append(value, to: &bytes)
        case .double(let value): bytes.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .string(let value): JSONBytes.append(value, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Byte order, not Unicode collation: cheaper, and the same for the ASCII keys of MCP messages.
            for (index, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONBytes.append(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
