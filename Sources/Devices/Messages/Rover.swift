import FlightWire

/// The rover's inclinometer and yaw gyro (ROVER_ATTITUDE, 0x120), 20 Hz by default.
public struct RoverAttitude: Equatable, Sendable {
    /// Roll and pitch from the inclinometer, radians, ±3.1416 in steps of 0.0001 rad.
    public var roll: Double
    public var pitch: Double
    /// Heading (yaw) rate from the gyro, rad/s, ±3.2767 in steps of 0.0001 rad/s.
    public var headingRate: Double
    public var inclinometerValid: Bool
    public var gyroValid: Bool
    /// Rolling status counter, +1 per message.
    public var counter: UInt8

    public init(roll: Double, pitch: Double, headingRate: Double, inclinometerValid: Bool = true, gyroValid: Bool = true, counter: UInt8) {
        self.roll = roll
        self.pitch = pitch
        self.headingRate = headingRate
        self.inclinometerValid = inclinometerValid
        self.gyroValid = gyroValid
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.roverAttitude
    static let rollField = definition.field("Roll")
    static let pitchField = definition.field("Pitch")
    static let rateField = definition.field("HeadingRate")
    static let inclinometerField = definition.field("InclinometerValid")
    static let gyroField = definition.field("GyroValid")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        roll = r.value(Self.rollField)
        pitch = r.value(Self.pitchField)
        headingRate = r.value(Self.rateField)
        inclinometerValid = r.flag(Self.inclinometerField)
        gyroValid = r.flag(Self.gyroField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.rollField, roll)
        w.value(Self.pitchField, pitch)
        w.value(Self.rateField, headingRate)
        w.flag(Self.inclinometerField, inclinometerValid)
        w.flag(Self.gyroField, gyroValid)
        w.byte(Self.counterField, counter)
    }
}

/// The rover's forward hazard range sensor (HAZARD_RANGE, 0x121): three beams, left, centre
/// and right; 10 Hz by default.
public struct HazardRange: Equatable, Sendable {
    /// A set of beams: left in bit 0, centre in bit 1, right in bit 2.
    public struct Beams: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue & 0x07 }
        public static let left = Beams(rawValue: 1 << 0)
        public static let center = Beams(rawValue: 1 << 1)
        public static let right = Beams(rawValue: 1 << 2)
        public static let all: Beams = [.left, .center, .right]
    }

    /// Range along each beam to the nearest obstacle or ground, metres, 0...65.535 in steps
    /// of 1 mm. Meaningful only where the beam is valid and has a return.
    public var left: Double
    public var center: Double
    public var right: Double
    /// Beams that work (a failed or blinded beam is invalid).
    public var valid: Beams
    /// Valid beams that saw nothing within the sensor's maximum range (clear, not failed).
    public var noReturn: Beams
    /// Rolling status counter, +1 per message.
    public var counter: UInt8

    public init(left: Double, center: Double, right: Double, valid: Beams = .all, noReturn: Beams = [], counter: UInt8) {
        self.left = left
        self.center = center
        self.right = right
        self.valid = valid
        self.noReturn = noReturn
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.hazardRange
    static let leftField = definition.field("RangeLeft")
    static let centerField = definition.field("RangeCenter")
    static let rightField = definition.field("RangeRight")
    static let validField = definition.field("Valid")
    static let noReturnField = definition.field("NoReturn")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        left = r.value(Self.leftField)
        center = r.value(Self.centerField)
        right = r.value(Self.rightField)
        valid = Beams(rawValue: r.byte(Self.validField))
        noReturn = Beams(rawValue: r.byte(Self.noReturnField))
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.leftField, left)
        w.value(Self.centerField, center)
        w.value(Self.rightField, right)
        w.byte(Self.validField, valid.rawValue)
        w.byte(Self.noReturnField, noReturn.rawValue)
        w.byte(Self.counterField, counter)
    }
}
