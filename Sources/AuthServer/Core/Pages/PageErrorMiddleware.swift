import Hummingbird

/// Renders an `ErrorPage` that a handler throws, so page handlers stay a straight line of checks.
public struct PageErrorMiddleware: RouterMiddleware {
    let renderer: PageRenderer

    public init(renderer: PageRenderer) { self.renderer = renderer }

    public func handle(
        _ request: Request, context: AuthRequestContext, next: (Request, AuthRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let page as ErrorPage {
            return renderer.response(page)
        }
    }
}
