import ResourceServerCore

@main
enum ResourceServerMain {
    static func main() async { await ResourceServerCommand.main() }
}
