import Hummingbird
import Shared

/// GET /tools: the tools reference for signed-in people, read from the resource-server, which alone has the
/// registry. Signed out, the person is sent to sign in and back, as on /account.
struct ToolsReferenceRoutes {
    let pages: PageServices
    let resourceTools: ResourceToolCatalog

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(AccountFrame.Section.tools.rawValue)) { request, context in
            let tenant = try context.pageTenant()
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            return pages.renderer.response(
                ToolsReferencePage(signedIn: signedIn, reference: await resourceTools.reference(forResource: tenant.resource)))
        }
    }
}
