import FlightWire

/// The lander IMU's specific force, body frame (IMU_ACCEL, 0x030). One IMU sample is an
/// ``IMUAcceleration`` and an ``IMURate`` sent back to back with the same `counter`; 100 Hz
/// by default.
public struct IMUAcceleration: Equatable, Sendable {
    /// Specific force along body x, y, z, m/s², ±32.767 in steps of 0.001 m/s².
    public var x: Double
    public var y: Double
    public var z: Double
    /// The sample is good (the IMU's built-in test passes and it is aligned).
    public var valid: Bool
    /// At least one axis hit the sensor's range: the value is the range limit.
    public var saturated: Bool
    /// Rolling sample counter, +1 per sample, shared with the sample's ``IMURate``.
    public var counter: UInt8

    public init(x: Double, y: Double, z: Double, valid: Bool = true, saturated: Bool = false, counter: UInt8) {
        self.x = x
        self.y = y
        self.z = z
        self.valid = valid
        self.saturated = saturated
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.imuAccel
    static let axes = (definition.field("AccelX"), definition.field("AccelY"), definition.field("AccelZ"))
    static let validField = definition.field("Valid")
    static let saturatedField = definition.field("Saturated")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        x = r.value(Self.axes.0)
        y = r.value(Self.axes.1)
        z = r.value(Self.axes.2)
        valid = r.flag(Self.validField)
        saturated = r.flag(Self.saturatedField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.axes.0, x)
        w.value(Self.axes.1, y)
        w.value(Self.axes.2, z)
        w.flag(Self.validField, valid)
        w.flag(Self.saturatedField, saturated)
        w.byte(Self.counterField, counter)
    }
}

/// The lander IMU's angular rates, body frame (IMU_RATE, 0x031); see ``IMUAcceleration``.
public struct IMURate: Equatable, Sendable {
    /// Angular rate about body x, y, z, rad/s, ±3.2767 in steps of 0.0001 rad/s.
    public var x: Double
    public var y: Double
    public var z: Double
    public var valid: Bool
    public var saturated: Bool
    /// Rolling sample counter, shared with the sample's ``IMUAcceleration``.
    public var counter: UInt8

    public init(x: Double, y: Double, z: Double, valid: Bool = true, saturated: Bool = false, counter: UInt8) {
        self.x = x
        self.y = y
        self.z = z
        self.valid = valid
        self.saturated = saturated
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.imuRate
    static let axes = (definition.field("RateX"), definition.field("RateY"), definition.field("RateZ"))
    static let validField = definition.field("Valid")
    static let saturatedField = definition.field("Saturated")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        x = r.value(Self.axes.0)
        y = r.value(Self.axes.1)
        z = r.value(Self.axes.2)
        valid = r.flag(Self.validField)
        saturated = r.flag(Self.saturatedField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.axes.0, x)
        w.value(Self.axes.1, y)
        w.value(Self.axes.2, z)
        w.flag(Self.validField, valid)
        w.flag(Self.saturatedField, saturated)
        w.byte(Self.counterField, counter)
    }
}
