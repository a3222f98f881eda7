import Crypto
import Foundation
import Hummingbird
import Shared

/// The pages' one stylesheet, read once at start and served from memory at `/assets/gatehouse.css`, cacheable
/// for `AuthPolicy.Pages.stylesheetMaxAge` and revalidated by its ETag (a hash of its bytes).
public struct Stylesheet: Sendable {
    public static let path = "/assets/gatehouse.css"

    let css: ByteBuffer
    let etag: String

    public init() throws {
        guard let url = Bundle.module.url(forResource: "gatehouse", withExtension: "css", subdirectory: "Assets") else {
            throw PageRendererError.missingResources("Assets/gatehouse.css")
        }
        let data = try Data(contentsOf: url)
        css = ByteBuffer(bytes: data)
        etag = "\"" + Hex.encode(SHA256.hash(data: data).prefix(12)) + "\""
    }

    public func response(_ request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=\(AuthPolicy.Pages.stylesheetMaxAge)", .eTag: etag,
        ]
        PageSecurityHeaders.apply(to: &headers)
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: css))
    }
}
