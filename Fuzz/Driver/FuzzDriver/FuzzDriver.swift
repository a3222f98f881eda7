import CLibFuzzer
import Foundation

/// Hands the process to libFuzzer with one harness (`LLVMFuzzerTestOneInput`), so each harness's `main`
/// is one call. `defaults` are libFuzzer flags the harness needs; flags on the command line come after
/// them and win.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt, defaults: [String] = []) -> Never {
    let arguments = CommandLine.arguments.prefix(1) + defaults + CommandLine.arguments.dropFirst()
    var argc = CInt(arguments.count)
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
    for (index, argument) in arguments.enumerated() { argv![index] = strdup(argument) }
    argv![arguments.count] = nil
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
