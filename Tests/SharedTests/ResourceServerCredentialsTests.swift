import Testing

@testable import Shared

@Suite("ResourceServerCredentials")
struct ResourceServerCredentialsTests {
    struct Holder {
        let credentials: ResourceServerCredentials
        let label = "follower"
    }

    @Test("the secret never shows when the credentials, or a value holding them, are printed, dumped or reflected")
    func secretNeverPrinted() {
        let credentials = ResourceServerCredentials(clientID: "gatehouse-resource-server", clientSecret: "gatehouse_cs_SECRET_VALUE")
        var dumped = ""
        dump(Holder(credentials: credentials), to: &dumped)
        for text in [
            "\(credentials)", String(reflecting: credentials), "\(Holder(credentials: credentials))", String(reflecting: Holder(credentials: credentials)),
            dumped, "\([credentials])",
        ] {
            #expect(!text.contains("SECRET_VALUE"), "\(text)")
            #expect(text.contains("gatehouse-resource-server"), "\(text)")
        }
    }
}
