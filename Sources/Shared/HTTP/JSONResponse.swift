import Foundation
import Hummingbird

/// JSON responses with stable key order, so metadata documents are byte-identical between calls.
public enum JSONResponse {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], cacheControl: String? = "no-store"
    ) throws -> Response {
        make(body: ByteBuffer(bytes: try encoder.encode(value)), status: status, headers: headers, cacheControl: cacheControl)
    }

    public static func make(
        _ value: some JSONObjectWritable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], cacheControl: String? = "no-store"
    ) -> Response {
        make(body: ByteBuffer(bytes: value.jsonObject.bytes), status: status, headers: headers, cacheControl: cacheControl)
    }

    private static func make(body: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields, cacheControl: String?) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
