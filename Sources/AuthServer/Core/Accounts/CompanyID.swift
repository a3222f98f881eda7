/// What a company id typed by a person may be: the resource-server's customer ids are short ASCII tokens, so
/// anything else is refused before it is stored on a token or an account.
enum CompanyID {
    static func isPlausible(_ text: String) -> Bool {
        text.count <= AuthPolicy.PersonalAccessTokens.maxCompanyLength
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.:".unicodeScalars.contains($0)) }
    }
}
