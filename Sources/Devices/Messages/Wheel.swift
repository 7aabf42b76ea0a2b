import FlightWire

/// A speed command to one of the rover's six wheel motor controllers (WHEEL0...5_CMD,
/// 0x100-0x105). The controller accepts it only when `counter` differs from the last
/// accepted one and `speed` is within its limit; without an accepted command for its
/// timeout it stops the wheel and reports `commandTimeout` (docs/devices.md).
public struct WheelCommand: Equatable, Sendable {
    public static let wheelCount = 6

    /// Wheel number, 0...5 (the message id is 0x100 + wheel).
    public var wheel: Int
    /// Wheel speed, rad/s (positive drives the rover forward), ±32.767 in steps of 0.001 rad/s.
    public var speed: Double
    /// Drive enabled; false lets the wheel coast to a stop and reports disabled.
    public var enable: Bool
    /// Rolling command counter: must change with every command.
    public var counter: UInt8

    public init(wheel: Int, speed: Double, enable: Bool = true, counter: UInt8) {
        self.wheel = wheel
        self.speed = speed
        self.enable = enable
        self.counter = counter
    }

    public static func id(wheel: Int) -> UInt16 { RegolithCAN.wheel0Cmd.id &+ UInt16(truncatingIfNeeded: wheel) }

    static let definition = RegolithCAN.wheel0Cmd
    static let speedField = definition.field("SpeedCmd")
    static let enableField = definition.field("Enable")
    static let counterField = definition.field("Counter")

    init(wheel: Int, _ r: PayloadReader) {
        self.wheel = wheel
        speed = r.value(Self.speedField)
        enable = r.flag(Self.enableField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.speedField, speed)
        w.flag(Self.enableField, enable)
        w.byte(Self.counterField, counter)
    }
}

/// One wheel motor controller's status (WHEEL0...5_STATUS, 0x110-0x115), 20 Hz by default.
public struct WheelStatus: Equatable, Sendable {
    /// Encoder counts wrap within 24 bits (two's complement): a driver differences
    /// consecutive counts with ``encoderDelta(from:to:)``.
    public static let encoderModulus: Int64 = 1 << 24

    public var wheel: Int
    /// Measured wheel speed, rad/s, ±32.767 in steps of 0.001 rad/s.
    public var speed: Double
    /// Motor current, amperes, 0...8.188 in steps of 0.004 A.
    public var current: Double
    /// Encoder count, -8,388,608...8,388,607, wrapping (see ``encoderModulus``).
    public var encoderCount: Int32
    /// Speed and encoder readings are good.
    public var valid: Bool
    /// The drive is enabled (commanded and not timed out).
    public var enabled: Bool
    /// Current flows but the wheel does not turn.
    public var stall: Bool
    /// Current above the controller's limit (the controller may have cut the drive).
    public var overCurrent: Bool
    /// No accepted command within the controller's timeout: the wheel is being stopped.
    public var commandTimeout: Bool
    /// Rolling status counter, +1 per message.
    public var counter: UInt8

    public init(
        wheel: Int, speed: Double, current: Double, encoderCount: Int32, valid: Bool = true, enabled: Bool = true,
        stall: Bool = false, overCurrent: Bool = false, commandTimeout: Bool = false, counter: UInt8
    ) {
        self.wheel = wheel
        self.speed = speed
        self.current = current
        self.encoderCount = encoderCount
        self.valid = valid
        self.enabled = enabled
        self.stall = stall
        self.overCurrent = overCurrent
        self.commandTimeout = commandTimeout
        self.counter = counter
    }

    public static func id(wheel: Int) -> UInt16 { RegolithCAN.wheel0Status.id &+ UInt16(truncatingIfNeeded: wheel) }

    /// A cumulative tick count as the 24-bit wrapping count the controller reports.
    public static func wrappedEncoderCount(_ ticks: Int64) -> Int32 {
        Int32(truncatingIfNeeded: (ticks << 40) >> 40)
    }

    /// Ticks turned from one reported count to the next (assumes fewer than 2^23 ticks between
    /// the two reports).
    public static func encoderDelta(from a: Int32, to b: Int32) -> Int64 {
        let d = (Int64(b) - Int64(a)) & (encoderModulus - 1)
        return d >= encoderModulus / 2 ? d - encoderModulus : d
    }

    static let definition = RegolithCAN.wheel0Status
    static let speedField = definition.field("Speed")
    static let currentField = definition.field("Current")
    static let validField = definition.field("Valid")
    static let enabledField = definition.field("Enabled")
    static let stallField = definition.field("Stall")
    static let overCurrentField = definition.field("OverCurrent")
    static let timeoutField = definition.field("CmdTimeout")
    static let encoderField = definition.field("EncoderCount")
    static let counterField = definition.field("Counter")

    init(wheel: Int, _ r: PayloadReader) {
        self.wheel = wheel
        speed = r.value(Self.speedField)
        current = r.value(Self.currentField)
        encoderCount = Int32(truncatingIfNeeded: r.signedRaw(Self.encoderField))
        valid = r.flag(Self.validField)
        enabled = r.flag(Self.enabledField)
        stall = r.flag(Self.stallField)
        overCurrent = r.flag(Self.overCurrentField)
        commandTimeout = r.flag(Self.timeoutField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.speedField, speed)
        w.value(Self.currentField, current)
        w.signedRaw(Self.encoderField, Int64(encoderCount))
        w.flag(Self.validField, valid)
        w.flag(Self.enabledField, enabled)
        w.flag(Self.stallField, stall)
        w.flag(Self.overCurrentField, overCurrent)
        w.flag(Self.timeoutField, commandTimeout)
        w.byte(Self.counterField, counter)
    }
}
