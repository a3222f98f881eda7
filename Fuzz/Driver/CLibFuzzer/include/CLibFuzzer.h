#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for programs with their own main (LLVM libFuzzer documentation, "Using libFuzzer
/// as a library"). SwiftPM gives every executable a main of its own, so the harnesses call this instead
/// of linking libFuzzer's main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));
