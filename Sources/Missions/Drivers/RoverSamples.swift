public import FlightCore

// What the rover's device drivers publish on the software bus, and the wheel speed demand its
// wheel driver follows. BitwiseCopyable, SI units. Topic ids: ``RoverTopics``. See
// docs/services/device-drivers.md.

/// Six values, one per wheel: 0-2 the left side front to rear, 3-5 the right side front to
/// rear (the simulator's rover model numbers them the same way).
public struct WheelSet<Value: BitwiseCopyable & Equatable & Sendable>: BitwiseCopyable, Equatable, Sendable {
    public static var count: Int { 6 }
    public var w0, w1, w2, w3, w4, w5: Value

    public init(repeating v: Value) {
        (w0, w1, w2, w3, w4, w5) = (v, v, v, v, v, v)
    }

    public init(_ w0: Value, _ w1: Value, _ w2: Value, _ w3: Value, _ w4: Value, _ w5: Value) {
        (self.w0, self.w1, self.w2, self.w3, self.w4, self.w5) = (w0, w1, w2, w3, w4, w5)
    }

    /// Left wheels (0-2) at `left`, right wheels (3-5) at `right`.
    public init(left: Value, right: Value) {
        self.init(left, left, left, right, right, right)
    }

    /// Wheel `i` (0...5); an index outside reads wheel 5 and writes nothing (never traps).
    public subscript(i: Int) -> Value {
        get {
            switch i {
            case 0: w0
            case 1: w1
            case 2: w2
            case 3: w3
            case 4: w4
            default: w5
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            case 3: w3 = newValue
            case 4: w4 = newValue
            case 5: w5 = newValue
            default: break
            }
        }
    }
}

/// The six wheel motor controllers' latest statuses, published once per driver tick in which
/// at least one wheel sent a fresh status. Flags are bit n = wheel n.
public struct WheelStatusSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Wheel speed, rad/s (positive drives the rover forward).
    public var speed = WheelSet<Double>(repeating: 0)
    /// Motor current, A.
    public var current = WheelSet<Double>(repeating: 0)
    /// Encoder counts since the driver's first status of each wheel, unwrapped from the
    /// controller's 24-bit count (odometry: counts x metres per count).
    public var encoderTicks = WheelSet<Int64>(repeating: 0)
    /// Bit n: wheel n's speed and encoder are good.
    public var valid: UInt8 = 0
    /// Bit n: wheel n is enabled (commanded and not timed out).
    public var enabled: UInt8 = 0
    public var stall: UInt8 = 0
    public var overCurrent: UInt8 = 0
    /// Bit n: wheel n's controller saw no command within its timeout and stopped.
    public var commandTimeout: UInt8 = 0
    /// Bit n: wheel n sent a fresh status within the driver's STALE_TIMEOUT (a stale wheel's
    /// values are its last known ones).
    public var fresh: UInt8 = 0
    public var sequence: UInt32 = 0

    public init() {}

    public static let allWheels: UInt8 = 0x3F
    public func bit(_ flags: UInt8, wheel: Int) -> Bool { wheel >= 0 && wheel < 6 && flags & (1 << UInt8(wheel)) != 0 }
    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// What the wheels should do: published by rover drive, followed by the wheel driver.
public struct WheelSpeedDemand: BitwiseCopyable, Sendable, Equatable {
    /// Wheel speeds, rad/s (positive forward). The driver clamps each to its MAX_SPEED.
    public var speeds: WheelSet<Double>
    /// Motors enabled; false stops every wheel whatever `speeds` says.
    public var enable: Bool

    public init(speeds: WheelSet<Double>, enable: Bool = true) {
        self.speeds = speeds
        self.enable = enable
    }

    /// Left side at `left`, right side at `right`, rad/s.
    public static func sides(left: Double, right: Double) -> WheelSpeedDemand {
        WheelSpeedDemand(speeds: WheelSet(left: left, right: right))
    }

    /// Every wheel stopped and disabled.
    public static let stop = WheelSpeedDemand(speeds: WheelSet(repeating: 0), enable: false)
}

/// One ROVER_ATTITUDE: inclinometer roll and pitch, gyro heading rate.
public struct RoverAttitudeSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// rad.
    public var roll: Double = 0
    /// rad.
    public var pitch: Double = 0
    /// rad/s.
    public var headingRate: Double = 0
    public var inclinometerValid = false
    public var gyroValid = false
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// One HAZARD_RANGE: three forward ranges. Beams: 0 left, 1 centre, 2 right; bit n of each
/// mask is beam n.
public struct HazardSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Range along each beam, m (x left, y centre, z right).
    public var range = SIMD3<Double>()
    /// Bit n: beam n works (an invalid beam tells nothing).
    public var valid: UInt8 = 0
    /// Bit n: beam n saw nothing within its reach (clear ground ahead, if valid).
    public var noReturn: UInt8 = 0
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    /// What beam `beam` says: nil when it does not work, `.infinity` when it saw nothing
    /// within its reach, else the range in m.
    public func clearance(_ beam: Int) -> Double? {
        guard beam >= 0 && beam < 3, valid & (1 << UInt8(beam)) != 0 else { return nil }
        return noReturn & (1 << UInt8(beam)) != 0 ? .infinity : range[beam]
    }

    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}
