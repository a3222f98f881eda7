/// The demo data's random numbers: SplitMix64 (Steele, Lea and Flood, 2014), written out here with its
/// own range and choice functions so the same seed gives the same data on every machine and toolchain
/// (the standard library's `random(in:using:)` algorithms are not promised to stay the same).
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in the range, by multiply-high (bias below 2⁻³², irrelevant here).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    /// A fraction in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }

    /// One of the items, each as likely as its weight.
    mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var ticket = int(in: 0...(items.reduce(0) { $0 + $1.1 } - 1))
        for (item, weight) in items {
            if ticket < weight { return item }
            ticket -= weight
        }
        return items[items.count - 1].0
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `prefix_` and ten base62 characters, like the ids real records get.
    mutating func identifier(_ prefix: String) -> String {
        var text = prefix + "_"
        for _ in 0..<10 { text.append(Self.alphabet[int(in: 0...61)]) }
        return text
    }
}
