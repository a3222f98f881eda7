import Foundation
import GatehouseCLICore

@main
enum GatehouseMain {
    static func main() async { exit(await GatehouseCommand.run(Array(CommandLine.arguments.dropFirst()))) }
}
