import Foundation
import Hummingbird
import Mustache

/// Turns page values into HTML responses. The templates are read and parsed once, at start; a missing or
/// broken template makes `init` throw, so the server does not start rather than fail a person mid-sign-in.
/// Mustache escapes every `{{value}}` for HTML; the templates never use triple mustaches.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Loads the templates shipped in the module's resources.
    public init() async throws {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PageRendererError.missingResources("the Templates resource folder")
        }
        try await self.init(directory: directory.path)
    }

    init(directory: String) async throws {
        library = try await MustacheLibrary(directory: directory)
        let missing = PageTemplate.allCases.filter { library.getTemplate(named: $0.rawValue) == nil }
        guard missing.isEmpty else { throw PageRendererError.missingResources("templates " + missing.map(\.rawValue).joined(separator: ", ")) }
    }

    /// The page as HTML with its status, never cached, with the pages' security headers.
    public func response(_ page: some Page, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let html = html(page)
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        PageSecurityHeaders.apply(to: &headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func html(_ page: some Page) -> String {
        // Checked at init: every PageTemplate is in the library.
        library.render(page, withTemplate: type(of: page).template.rawValue) ?? ""
    }

    /// An error page, with its own status.
    public func response(_ page: ErrorPage) -> Response {
        response(page, status: page.status)
    }
}

/// A resource the pages ship with (a template, the stylesheet) is not there: the server does not start.
public enum PageRendererError: Error, CustomStringConvertible {
    case missingResources(String)

    public var description: String {
        switch self {
        case .missingResources(let names): "page resources missing: \(names)"
        }
    }
}
