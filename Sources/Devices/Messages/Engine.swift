import FlightWire

/// What the flight computer asks of the descent engine controller (ENGINE_CMD, 0x010).
///
/// The controller (see docs/devices.md) accepts a command only when its `counter` differs
/// from the last accepted one, refuses to open the valve unless an earlier command armed it,
/// and treats `shutdown` as overriding everything: valve closed, disarmed, latched until a
/// safe command (disarmed, valve closed) acknowledges it.
public struct EngineControllerCommand: Equatable, Sendable {
    public enum Valve: UInt8, Sendable, CaseIterable {
        case closed = 0, open = 1, purge = 2
        /// Keep the valve where it is (change only throttle or arming).
        case hold = 3
    }

    /// Throttle, percent of the engine's rated thrust, 0...100 in steps of 0.01 %.
    public var throttle: Double
    public var valve: Valve
    /// Arm the engine (true) or disarm it (false; the valve must then be closed).
    public var arm: Bool
    /// Emergency shutdown: closes the valve and disarms whatever the other fields say.
    public var shutdown: Bool
    /// Rolling command counter: must change with every command.
    public var counter: UInt8

    public init(throttle: Double = 0, valve: Valve = .closed, arm: Bool = false, shutdown: Bool = false, counter: UInt8) {
        self.throttle = throttle
        self.valve = valve
        self.arm = arm
        self.shutdown = shutdown
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.engineCmd
    static let throttleField = definition.field("ThrottleCmd")
    static let valveField = definition.field("ValveCmd")
    static let armField = definition.field("ArmCmd")
    static let shutdownField = definition.field("Shutdown")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        throttle = r.value(Self.throttleField)
        valve = Valve(rawValue: r.byte(Self.valveField)) ?? .hold
        arm = r.flag(Self.armField)
        shutdown = r.flag(Self.shutdownField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.throttleField, throttle)
        w.byte(Self.valveField, valve.rawValue)
        w.flag(Self.armField, arm)
        w.flag(Self.shutdownField, shutdown)
        w.byte(Self.counterField, counter)
    }
}

/// The descent engine controller's status (ENGINE_STATUS, 0x011), 50 Hz by default.
public struct EngineControllerStatus: Equatable, Sendable {
    public enum ValveState: UInt8, Sendable, CaseIterable {
        case closed = 0, open = 1, purge = 2, fault = 3
    }

    /// Fault bits (`FaultFlags`).
    public struct Faults: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Chamber pressure above its red line.
        public static let overpressure = Faults(rawValue: 1 << 0)
        /// Valve open but no combustion (thrust far below the command).
        public static let flameout = Faults(rawValue: 1 << 1)
        /// The valve does not reach the commanded position.
        public static let valveFault = Faults(rawValue: 1 << 2)
        /// A thrust or pressure sensor failed its self-check.
        public static let sensorFault = Faults(rawValue: 1 << 3)
        /// Ignition did not happen within its window after the valve opened.
        public static let ignitionFailure = Faults(rawValue: 1 << 4)
    }

    /// Measured thrust, newtons, 0...65,535 in steps of 1 N.
    public var thrust: Double
    /// Chamber pressure, MPa, 0...6.5535 in steps of 0.0001 MPa (0.1 kPa).
    public var chamberPressure: Double
    public var valve: ValveState
    public var armed: Bool
    /// A shutdown command was accepted and not yet acknowledged by a safe command.
    public var shutdown: Bool
    public var thrustValid: Bool
    public var pressureValid: Bool
    public var faults: Faults
    /// The counter of the last command the controller accepted.
    public var commandCounter: UInt8
    /// Rolling status counter, +1 per status message.
    public var counter: UInt8

    public init(
        thrust: Double = 0, chamberPressure: Double = 0, valve: ValveState = .closed, armed: Bool = false,
        shutdown: Bool = false, thrustValid: Bool = true, pressureValid: Bool = true, faults: Faults = [],
        commandCounter: UInt8 = 0, counter: UInt8
    ) {
        self.thrust = thrust
        self.chamberPressure = chamberPressure
        self.valve = valve
        self.armed = armed
        self.shutdown = shutdown
        self.thrustValid = thrustValid
        self.pressureValid = pressureValid
        self.faults = faults
        self.commandCounter = commandCounter
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.engineStatus
    static let thrustField = definition.field("Thrust")
    static let pressureField = definition.field("ChamberPressure")
    static let valveField = definition.field("ValveState")
    static let armedField = definition.field("Armed")
    static let shutdownField = definition.field("Shutdown")
    static let thrustValidField = definition.field("ThrustValid")
    static let pressureValidField = definition.field("PressureValid")
    static let faultsField = definition.field("FaultFlags")
    static let commandCounterField = definition.field("CmdCounter")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        thrust = r.value(Self.thrustField)
        chamberPressure = r.value(Self.pressureField)
        valve = ValveState(rawValue: r.byte(Self.valveField)) ?? .fault
        armed = r.flag(Self.armedField)
        shutdown = r.flag(Self.shutdownField)
        thrustValid = r.flag(Self.thrustValidField)
        pressureValid = r.flag(Self.pressureValidField)
        faults = Faults(rawValue: r.byte(Self.faultsField))
        commandCounter = r.byte(Self.commandCounterField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.thrustField, thrust)
        w.value(Self.pressureField, chamberPressure)
        w.byte(Self.valveField, valve.rawValue)
        w.flag(Self.armedField, armed)
        w.flag(Self.shutdownField, shutdown)
        w.flag(Self.thrustValidField, thrustValid)
        w.flag(Self.pressureValidField, pressureValid)
        w.byte(Self.faultsField, faults.rawValue)
        w.byte(Self.commandCounterField, commandCounter)
        w.byte(Self.counterField, counter)
    }
}
