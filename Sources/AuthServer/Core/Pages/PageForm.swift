import Foundation
import Hummingbird

/// The fields of a page form POST (`application/x-www-form-urlencoded`, HTML §4.10.21.7). Strict on purpose:
/// the body is capped at `AuthPolicy.Pages.maximumFormBytes`, and a field sent twice, bad percent-encoding or
/// another content type is a 400, never a guess at which value was meant.
public struct PageForm: Sendable, Equatable {
    public let fields: [String: String]

    public subscript(_ name: String) -> String? { fields[name] }

    public static func read(_ request: Request, context: AuthRequestContext) async throws -> PageForm {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw ErrorPage.badRequest("The form was not sent as a form.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: AuthPolicy.Pages.maximumFormBytes)
        } catch {
            throw ErrorPage(status: .contentTooLarge, title: "Too much data", message: "The form sent more than a page form can hold.")
        }
        guard let form = parse(String(buffer: body)) else { throw ErrorPage.badRequest("The form's data could not be read.") }
        return form
    }

    /// Nil for a malformed body or a repeated field. Read as `FormParameters` reads OAuth forms, so both
    /// split and decode alike; unlike OAuth parameters, an empty value is kept.
    static func parse(_ body: String) -> PageForm? {
        guard let form = try? FormParameters(encoded: Substring(body)) else { return nil }
        var fields: [String: String] = [:]
        for name in form.names {
            let values = form.all(name)
            guard values.count == 1 else { return nil }
            fields[name] = values[0]
        }
        return PageForm(fields: fields)
    }
}
