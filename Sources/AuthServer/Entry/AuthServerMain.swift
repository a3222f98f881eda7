import AuthServerCore

@main
enum AuthServerMain {
    static func main() async { await AuthServerCommand.main() }
}
