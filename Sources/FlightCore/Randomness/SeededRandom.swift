/// A small seeded generator (SplitMix64, Steele, Lea and Flood 2014): the same seed gives the
/// same sequence on every machine and every run, and there is no global state. A value type:
/// copy it to replay a sequence. Fault injection, the simulator's noise and the tests all draw
/// from it, so a run is repeatable from its seed.
public struct SeededRandom: RandomNumberGenerator, Hashable, Sendable, BitwiseCopyable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// One independent stream per purpose: the seed mixed with the stream number, so that
    /// enabling one kind of fault never shifts the draws of another.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`: one draw, compared against `p` scaled to 2^64.
    /// Always draws, whatever `p` is (so the sequence does not depend on the plan).
    public mutating func chance(_ p: Double) -> Bool {
        let x = next()
        if p <= 0 { return false }
        if p >= 1 { return true }
        return x < UInt64(p * 18_446_744_073_709_551_616.0)
    }

    /// A value in `0..<bound` (bound > 0): one draw, multiply-shift (Lemire) without rejection,
    /// so always exactly one draw.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
