import Foundation

/// `application/x-www-form-urlencoded` as OAuth writes it (RFC 6749 Appendix B): RFC 3986's unreserved
/// characters stay, everything else is percent-encoded. One encoder for every form and query we send.
public enum FormEncoding {
    public static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `name=value` pairs joined by `&`, in order.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
