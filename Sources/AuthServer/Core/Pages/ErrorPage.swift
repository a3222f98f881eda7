import Hummingbird

/// A page that says something went wrong and what to do, with its HTTP status: a 400 for an authorize
/// request that cannot be trusted with a redirect, 403 for a failed CSRF check, 404, 413, 429. It is also an
/// `Error`: page handlers throw it and `PageErrorMiddleware` renders it.
public struct ErrorPage: Page, Error {
    public static let template = PageTemplate.error

    public var status: HTTPResponse.Status
    public var title: String
    public var message: String
    /// Where the "go on" link points; nil shows none.
    public var link: PageLink?

    public init(status: HTTPResponse.Status, title: String, message: String, link: PageLink? = nil) {
        self.status = status
        self.title = title
        self.message = message
        self.link = link
    }

    public static func badRequest(_ message: String) -> ErrorPage {
        ErrorPage(status: .badRequest, title: "This request cannot be used", message: message)
    }

    /// A form whose CSRF token is missing, wrong, or from a cookie that has since changed.
    public static let csrfFailure = ErrorPage(
        status: .forbidden, title: "This form has expired",
        message: "The form was sent without a valid security token, perhaps from an old tab or another site. "
            + "Go back, reload the page and try again.",
        link: PageLink(href: "/login", label: "Start again"))

    public static let notFound = ErrorPage(
        status: .notFound, title: "Page not found", message: "There is no such page here.")
}

/// A link shown on a page: where, and its words.
public struct PageLink: Sendable, Equatable {
    public var href: String
    public var label: String

    public init(href: String, label: String) {
        self.href = href
        self.label = label
    }
}
