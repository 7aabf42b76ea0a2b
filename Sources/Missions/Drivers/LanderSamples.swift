public import FlightCore

// What the lander's device drivers publish on the software bus, and the engine demand its
// engine driver follows. Every type is BitwiseCopyable (bus messages are copied as bytes),
// in SI units, and stamped with the flight time of the tick that completed it. Subscribers:
// navigation, descent, the fault manager. Topic ids: ``LanderTopics``. See
// docs/services/device-drivers.md.

/// One IMU sample: both messages (IMU_ACCEL and IMU_RATE) of one device counter.
public struct IMUSample: BitwiseCopyable, Sendable, Equatable {
    /// Flight time of the tick that completed the sample, ns since the time base's epoch.
    public var time: UInt64 = 0
    /// Specific force (non-gravitational acceleration) in body axes, m/s^2.
    public var specificForce = SIMD3<Double>()
    /// Body rates, rad/s.
    public var angularRate = SIMD3<Double>()
    /// Both messages say built-in test passes and the unit is aligned.
    public var valid = false
    /// An axis hit the sensor's range in either message (the value is clipped).
    public var saturated = false
    /// The driver's sample number (1, 2, ...): a subscriber sees a gap if it missed some.
    public var sequence: UInt32 = 0
    /// The device's 8-bit counter of this sample.
    public var deviceCounter: UInt8 = 0

    public init() {}

    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// One altimeter/velocimeter sample: the four beams of one device counter. A beam whose
/// bit is clear in `rangeValid` (`rateValid`) has no usable range (range rate), whatever it reads.
public struct AltimeterSample: BitwiseCopyable, Sendable, Equatable {
    public static let beamCount = 4
    public var time: UInt64 = 0
    /// Slant range along each beam, m (index = beam).
    public var range = SIMD4<Double>()
    /// Line-of-sight velocity along each beam, m/s; negative = closing.
    public var rangeRate = SIMD4<Double>()
    /// Bit n: beam n has range lock.
    public var rangeValid: UInt8 = 0
    /// Bit n: beam n has Doppler lock.
    public var rateValid: UInt8 = 0
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    public func isRangeValid(_ beam: Int) -> Bool { beam >= 0 && beam < 4 && rangeValid & (1 << UInt8(beam)) != 0 }
    public func isRateValid(_ beam: Int) -> Bool { beam >= 0 && beam < 4 && rateValid & (1 << UInt8(beam)) != 0 }
    /// At least one beam has a range or a range rate.
    public var anyValid: Bool { rangeValid | rateValid != 0 }
    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// The four touchdown switches. Bit n (0...3) is leg n+1.
public struct LegContactSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Bit n: leg n+1's switch reads contact.
    public var contact: UInt8 = 0
    /// Bit n: leg n+1's switch is healthy (a contact bit of an unhealthy switch means nothing).
    public var valid: UInt8 = 0
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    /// Legs whose healthy switch reads contact.
    public var validContacts: Int { (contact & valid & 0x0F).nonzeroBitCount }
    public func isInContact(leg: Int) -> Bool { leg >= 1 && leg <= 4 && contact & valid & (1 << UInt8(leg - 1)) != 0 }
    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// The descent engine controller's valve, as ENGINE_STATUS reports it.
public enum EngineValve: UInt8, BitwiseCopyable, Sendable, CaseIterable {
    case closed = 0, open = 1, purge = 2, fault = 3

    static let enumType = EnumType(
        "Regolith.EngineValve", representation: .u8,
        constants: [("CLOSED", 0), ("OPEN", 1), ("PURGE", 2), ("FAULT", 3)])
}

/// One ENGINE_STATUS.
public struct EngineStatusSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Measured thrust, N.
    public var thrust: Double = 0
    /// Chamber pressure, Pa.
    public var chamberPressure: Double = 0
    public var valve = EngineValve.closed
    public var armed = false
    /// A shutdown was accepted and not yet cleared by a safe command.
    public var shutdownLatched = false
    public var thrustValid = false
    public var pressureValid = false
    /// ENGINE_STATUS `FaultFlags`: bit 0 overpressure, 1 flameout, 2 valve fault, 3 sensor
    /// fault, 4 ignition failure (``Devices/EngineControllerStatus/Faults``).
    public var faults: UInt8 = 0
    /// Counter of the last command the controller accepted.
    public var commandCounter: UInt8 = 0
    /// The controller has accepted the driver's latest command.
    public var commandAcknowledged = false
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    /// Whether propellant flows (valve open).
    public var isFiring: Bool { valve == .open }
    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}

/// What the engine should do: published by descent guidance (or a sequence), followed by the
/// engine driver. Direction is not the engine's business (attitude control points it); only
/// arming, thrust and shutdown are.
public struct EngineThrustDemand: BitwiseCopyable, Sendable, Equatable {
    /// Keep the controller armed (a burn needs the controller armed by an earlier command:
    /// the driver arms first, then opens the valve once the status shows armed).
    public var arm: Bool
    /// Open the valve (propellant flows); needs `arm`.
    public var fire: Bool
    /// Thrust wanted, N; the driver converts it to throttle with its RATED_THRUST parameter
    /// and clamps it to 0...100 %.
    public var thrust: Double
    /// Emergency shutdown: overrides everything else.
    public var shutdown: Bool

    public init(arm: Bool = false, fire: Bool = false, thrust: Double = 0, shutdown: Bool = false) {
        self.arm = arm
        self.fire = fire
        self.thrust = thrust
        self.shutdown = shutdown
    }

    /// Disarmed, valve closed.
    public static let safe = EngineThrustDemand()
    /// Armed, firing at `thrust` N.
    public static func burn(thrust: Double) -> EngineThrustDemand { EngineThrustDemand(arm: true, fire: true, thrust: thrust) }
    public static let shutdownNow = EngineThrustDemand(shutdown: true)
}

/// One POWER_STATUS.
public struct PowerSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Bus voltage, V.
    public var busVoltage: Double = 0
    /// Bus current, A; positive = discharge.
    public var busCurrent: Double = 0
    /// Battery state of charge, 0...1.
    public var stateOfCharge: Double = 0
    /// POWER_STATUS `Faults`: bit 0 bus undervoltage, 1 bus overcurrent, 2 battery
    /// overtemperature, 3 charge fault (``Devices/PowerStatus/Faults``).
    public var faults: UInt8 = 0
    public var voltageValid = false
    public var currentValid = false
    public var chargeValid = false
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}

    public var flightTime: FlightTime { FlightTime(nanoseconds: time) }
}
