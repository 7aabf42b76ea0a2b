/// Fault hooks common to every sensor model, set at run time (by a scenario engine or a
/// test) and read at each sample. All default to "no fault".
///
/// - `dropout`: the sensor gives no output: each sample is marked invalid, its values 0.
/// - `stuck`: the output freezes at the last sample taken before the fault (values and
///   validity); sequence numbers and times still advance, as a live but frozen unit's would.
/// - `biasStep`: a constant added to every channel of the sensor, in its units.
public struct SensorFaults: Equatable, Sendable, BitwiseCopyable {
    public var dropout: Bool
    public var stuck: Bool
    public var biasStep: Double

    public init(dropout: Bool = false, stuck: Bool = false, biasStep: Double = 0) {
        self.dropout = dropout
        self.stuck = stuck
        self.biasStep = biasStep
    }

    public static let none = SensorFaults()
}

/// A set of up to 8 indices (beams, legs, wheels) as a bit mask.
public struct IndexMask: OptionSet, Equatable, Sendable, BitwiseCopyable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The mask with only `index` set (0...7).
    public static func index(_ i: Int) -> IndexMask {
        precondition((0..<8).contains(i), "index mask holds 0...7")
        return IndexMask(rawValue: 1 << UInt8(i))
    }

    public func contains(index i: Int) -> Bool { i >= 0 && i < 8 && rawValue & (1 << UInt8(i)) != 0 }
}
