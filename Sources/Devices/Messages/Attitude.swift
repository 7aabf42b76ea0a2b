import FlightWire

/// What the flight computer asks of the attitude control unit (ATTITUDE_CMD, 0x018): the
/// direction to point the thrust axis, as a unit vector in the Moon-centred inertial frame,
/// or to hold the present attitude. The unit slews there with its own rate and acceleration
/// limits (reaction jets and their controller are inside the unit; see docs/devices.md).
///
/// Like the engine controller, it accepts a command only when its `counter` differs from the
/// last accepted one; an axis that is not a unit vector (length outside 0.9...1.1) is refused.
public struct AttitudeCommand: Equatable, Sendable {
    /// Thrust axis target, Moon-centred inertial frame (unit vector; steps of 1/30,000).
    public var axis: (x: Double, y: Double, z: Double)
    /// Hold the present attitude and ignore `axis`.
    public var hold: Bool
    public var counter: UInt8

    public init(axis: (x: Double, y: Double, z: Double), hold: Bool = false, counter: UInt8) {
        self.axis = axis
        self.hold = hold
        self.counter = counter
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.axis == b.axis && a.hold == b.hold && a.counter == b.counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.attitudeCmd
    static let xField = definition.field("AxisX")
    static let yField = definition.field("AxisY")
    static let zField = definition.field("AxisZ")
    static let holdField = definition.field("Hold")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        axis = (r.value(Self.xField), r.value(Self.yField), r.value(Self.zField))
        hold = r.flag(Self.holdField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.xField, axis.x)
        w.value(Self.yField, axis.y)
        w.value(Self.zField, axis.z)
        w.flag(Self.holdField, hold)
        w.byte(Self.counterField, counter)
    }
}

/// The attitude control unit's status (ATTITUDE_STATUS, 0x019), 10 Hz by default.
public struct AttitudeStatus: Equatable, Sendable {
    /// Angle between the thrust axis and its target, degrees (0...65.535 in steps of 0.001).
    public var pointingError: Double
    /// Magnitude of the body rate, degrees per second.
    public var bodyRate: Double
    /// The axis is on target and the rate is small.
    public var settled: Bool
    /// The unit is holding the present attitude (no target).
    public var holding: Bool
    /// The unit's own health check passed.
    public var valid: Bool
    /// Counter of the last command the unit accepted.
    public var commandCounter: UInt8
    public var counter: UInt8

    public init(pointingError: Double, bodyRate: Double, settled: Bool, holding: Bool, valid: Bool = true, commandCounter: UInt8, counter: UInt8) {
        self.pointingError = pointingError
        self.bodyRate = bodyRate
        self.settled = settled
        self.holding = holding
        self.valid = valid
        self.commandCounter = commandCounter
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.attitudeStatus
    static let errorField = definition.field("PointingError")
    static let rateField = definition.field("BodyRate")
    static let settledField = definition.field("Settled")
    static let holdingField = definition.field("Holding")
    static let validField = definition.field("Valid")
    static let commandCounterField = definition.field("CmdCounter")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        pointingError = r.value(Self.errorField)
        bodyRate = r.value(Self.rateField)
        settled = r.flag(Self.settledField)
        holding = r.flag(Self.holdingField)
        valid = r.flag(Self.validField)
        commandCounter = r.byte(Self.commandCounterField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.errorField, pointingError)
        w.value(Self.rateField, bodyRate)
        w.flag(Self.settledField, settled)
        w.flag(Self.holdingField, holding)
        w.flag(Self.validField, valid)
        w.byte(Self.commandCounterField, commandCounter)
        w.byte(Self.counterField, counter)
    }
}
