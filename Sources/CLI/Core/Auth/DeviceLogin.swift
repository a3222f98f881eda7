import Foundation

/// Signs in from a terminal with the device flow (RFC 8628 §3): asks for a code, shows the person where to enter
/// it (and a QR code of the complete URL when the output is a terminal), then polls at the server's interval,
/// slowing down when told to, until the person answers or the code expires.
struct DeviceLogin {
    let oauth: OAuthClient
    /// How the command waits between polls; tests of the loop could pass a clock of their own.
    var sleep: @Sendable (Int) async throws -> Void = { seconds in try await Task.sleep(for: .seconds(seconds)) }

    func run(scope: String?, purpose: String) async throws(CLIFailure) -> TokenSet {
        let start = try await oauth.startDeviceAuthorization(scope: scope)
        Console.out("To \(purpose), open \(start.verificationURI) on your phone or computer and enter the code")
        Console.out("")
        Console.out("    \(start.userCode)")
        Console.out("")
        if let complete = start.verificationURIComplete {
            Console.out("or open \(complete)")
            if Console.outputIsTerminal, let lines = TerminalQRCode.lines(complete) {
                Console.out("")
                for line in lines { Console.out(line) }
            }
        }
        Console.out("")
        Console.out("Waiting for you to approve it there (the code works for \(start.expiresIn / 60) minutes)…")
        let deadline = Date().addingTimeInterval(TimeInterval(start.expiresIn))
        var interval = max(1, start.interval)
        while Date() < deadline {
            do {
                try await sleep(interval)
            } catch {
                throw .usage("interrupted before the sign-in was approved")
            }
            switch try await oauth.poll(deviceCode: start.deviceCode) {
            case .tokens(let tokens): return tokens
            case .pending: continue
            case .slowDown(let extra): interval += extra
            case .denied: throw .notSignedIn("the request was denied at \(start.verificationURI): run the command again to retry")
            case .expired: throw .notSignedIn("the code \(start.userCode) expired before it was approved: run the command again for a new one")
            }
        }
        throw .notSignedIn("the code \(start.userCode) expired before it was approved: run the command again for a new one")
    }
}
