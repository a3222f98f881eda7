import HTTPTypes
import Hummingbird

extension Router {
    /// Answers a method a path does not serve with 405 and `Allow` (RFC 9110 §15.5.6), instead of the 404
    /// the router would give, which would say the endpoint our metadata names does not exist. Call it once
    /// every route is added: it works from the routes the router holds.
    public func answerUnservedMethods() {
        let served = Dictionary(grouping: routes, by: { $0.path.description }).mapValues { Set($0.map(\.method)) }
        let candidates: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options]
        for (path, methods) in served {
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            for method in candidates where !methods.contains(method) {
                on(RouterPath(path), method: method) { _, _ in Response(status: .methodNotAllowed, headers: [.allow: allow]) }
            }
        }
    }
}
