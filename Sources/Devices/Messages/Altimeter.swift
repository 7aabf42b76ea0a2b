import FlightWire

/// One beam of the lander's altimeter/velocimeter (ALTIMETER_BEAM0...3, 0x040-0x043). A
/// sample is the four beams sent back to back with the same `counter`; 20 Hz by default.
public struct AltimeterBeam: Equatable, Sendable {
    public static let beamCount = 4

    /// Beam number, 0...3 (the message id is 0x040 + beam).
    public var beam: Int
    /// Slant range along the beam to the surface, metres, 0...20,971.5 in steps of 0.02 m.
    public var range: Double
    /// Range rate along the beam (line-of-sight velocity; negative = closing), m/s,
    /// ±1,048.574 in steps of 0.002 m/s.
    public var rangeRate: Double
    /// The beam has a range lock (false: no echo, out of range, or dropped out).
    public var rangeValid: Bool
    /// The beam has a Doppler (velocity) lock.
    public var rateValid: Bool
    /// Rolling sample counter, shared by the four beams of one sample.
    public var counter: UInt8

    public init(beam: Int, range: Double, rangeRate: Double, rangeValid: Bool = true, rateValid: Bool = true, counter: UInt8) {
        self.beam = beam
        self.range = range
        self.rangeRate = rangeRate
        self.rangeValid = rangeValid
        self.rateValid = rateValid
        self.counter = counter
    }

    /// The message id of beam `beam` (0...3).
    public static func id(beam: Int) -> UInt16 { RegolithCAN.altimeterBeam0.id &+ UInt16(truncatingIfNeeded: beam) }

    static let definition = RegolithCAN.altimeterBeam0
    static let rangeField = definition.field("Range")
    static let rateField = definition.field("RangeRate")
    static let rangeValidField = definition.field("RangeValid")
    static let rateValidField = definition.field("RateValid")
    static let counterField = definition.field("Counter")

    init(beam: Int, _ r: PayloadReader) {
        self.beam = beam
        range = r.value(Self.rangeField)
        rangeRate = r.value(Self.rateField)
        rangeValid = r.flag(Self.rangeValidField)
        rateValid = r.flag(Self.rateValidField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.rangeField, range)
        w.value(Self.rateField, rangeRate)
        w.flag(Self.rangeValidField, rangeValid)
        w.flag(Self.rateValidField, rateValid)
        w.byte(Self.counterField, counter)
    }
}
