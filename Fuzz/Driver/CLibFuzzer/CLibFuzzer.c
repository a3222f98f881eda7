// The declaration in include/CLibFuzzer.h is the module; libFuzzer itself comes with -sanitize=fuzzer.
