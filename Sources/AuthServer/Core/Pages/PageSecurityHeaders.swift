import HTTPTypes
import Hummingbird

/// Headers on every page. The pages run no script and load only their own stylesheet, so the policy allows
/// nothing else; `frame-ancestors 'none'` and X-Frame-Options stop clickjacking of the consent buttons.
/// There is deliberately no `form-action`: the consent form's POST answers with a 302 to the client's redirect
/// URI on another origin, and Chrome applies form-action to redirects that follow a form submission.
public enum PageSecurityHeaders {
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"

    public static func apply(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "no-referrer"
        headers[xFrameOptions] = "DENY"
    }

    // swift-http-types names neither of these two.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
