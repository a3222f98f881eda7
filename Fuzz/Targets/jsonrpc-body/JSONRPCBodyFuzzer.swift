import Foundation
import FuzzDriver

@testable import ResourceServerCore

/// A POST /mcp body, as `MCPEndpoint` reads it: `JSONValue.parse`, then each message's JSON-RPC envelope.
/// Contract: what parses is valid JSON (Foundation agrees), re-serialises to bytes that parse to the same
/// value and serialise to the same bytes again, and every request it yields has a string or integer id.
@main enum JSONRPCBodyFuzzer {
    static func main() { runLibFuzzer(fuzzJSONRPCBody) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRPCBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let serialized = value.jsonBytes
    guard let again = try? serialized.withUnsafeBytes({ try JSONValue.parse($0) }) else {
        fatalError("serialised form does not parse: \(String(decoding: serialized, as: UTF8.self))")
    }
    precondition(again == value, "serialise then parse changed the value")
    precondition(again.jsonBytes == serialized, "serialising is not canonical")
    precondition(
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil,
        "accepted a body Foundation's JSON reader refuses")

    let messages: [JSONValue] = if case .array(let batch) = value { batch } else { [value] }
    for message in messages {
        guard case .request(let id, _, let params)? = try? IncomingMessage(message) else { continue }
        switch id {
        case .string, .int: break
        default: fatalError("request id is neither a string nor an integer")
        }
        if let params { precondition(params.objectValue != nil, "request params is not an object") }
    }
    return 0
}
