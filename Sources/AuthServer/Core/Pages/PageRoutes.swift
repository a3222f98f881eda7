import Hummingbird

/// Puts the server-rendered pages on the router: the session and error-page middleware, the stylesheet,
/// sign-in and sign-out, and the account pages. Call it after adding `TenantMiddleware` and before adding
/// the routes that need a signed-in person (authorize, consent, connected apps): Hummingbird applies router
/// middleware only to routes added after it, and those routes read `context.signedIn` and may throw `ErrorPage`.
public enum PageRoutes {
    public static func add(to router: Router<AuthRequestContext>, pages: PageServices) {
        router.add(middleware: BrowserSessionMiddleware(sessions: pages.sessions))
        router.add(middleware: PageErrorMiddleware(renderer: pages.renderer))
        router.get(RouterPath(Stylesheet.path)) { request, _ in pages.stylesheet.response(request) }
        SignInRoutes(pages: pages).add(to: router)
        AccountRoutes(pages: pages).add(to: router)
        TwoStepRoutes(pages: pages).add(to: router)
    }
}
