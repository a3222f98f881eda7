import Foundation

extension ErrorPage {
    /// 403: the person may not connect this app, and what they can do about it. `back` carries `access_denied`
    /// to the app, when its redirect is known.
    init(_ refusal: ConnectRefusal, back: String?) {
        let link = back.map { PageLink(href: $0, label: "Return to the app") }
        switch refusal {
        case .mayNotConnect(let admins):
            let whom = admins.isEmpty ? "your administrator" : admins.joined(separator: " or ")
            self.init(
                status: .forbidden, title: "You may not connect apps",
                message: "Your account is not allowed to connect apps to this organisation's data. Ask \(whom) to allow it.", link: link)
        case .awaitingApproval(let name):
            self.init(
                status: .forbidden, title: "This app waits for approval",
                message: "An administrator must approve \(name) before anyone here can connect it. Your request was recorded; "
                    + "try again once it is approved.", link: link)
        case .appRefused(let name, let blocked):
            self.init(
                status: .forbidden, title: "This app is not allowed",
                message: blocked
                    ? "An administrator blocked \(name)." : "This organisation allows only the apps its administrator set up, and \(name) is not one of them.",
                link: link)
        }
    }
}
