import FlightWire

/// The power unit's status (POWER_STATUS, 0x300), 2 Hz by default; on the lander's and the
/// rover's bus alike.
public struct PowerStatus: Equatable, Sendable {
    /// Fault bits (`Faults`).
    public struct Faults: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let busUndervoltage = Faults(rawValue: 1 << 0)
        public static let busOvercurrent = Faults(rawValue: 1 << 1)
        public static let batteryOvertemperature = Faults(rawValue: 1 << 2)
        public static let chargeFault = Faults(rawValue: 1 << 3)
    }

    /// Main bus voltage, volts, 0...65.535 in steps of 1 mV.
    public var busVoltage: Double
    /// Bus current, amperes (positive = discharge), ±32.767 in steps of 1 mA.
    public var busCurrent: Double
    /// Battery state of charge, percent, 0...100 in steps of 0.5 %.
    public var stateOfCharge: Double
    public var faults: Faults
    public var voltageValid: Bool
    public var currentValid: Bool
    public var chargeValid: Bool
    /// Rolling status counter, +1 per message.
    public var counter: UInt8

    public init(
        busVoltage: Double, busCurrent: Double, stateOfCharge: Double, faults: Faults = [], voltageValid: Bool = true,
        currentValid: Bool = true, chargeValid: Bool = true, counter: UInt8
    ) {
        self.busVoltage = busVoltage
        self.busCurrent = busCurrent
        self.stateOfCharge = stateOfCharge
        self.faults = faults
        self.voltageValid = voltageValid
        self.currentValid = currentValid
        self.chargeValid = chargeValid
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.powerStatus
    static let voltageField = definition.field("BusVoltage")
    static let currentField = definition.field("BusCurrent")
    static let chargeField = definition.field("StateOfCharge")
    static let faultsField = definition.field("Faults")
    static let voltageValidField = definition.field("VoltageValid")
    static let currentValidField = definition.field("CurrentValid")
    static let chargeValidField = definition.field("ChargeValid")
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        busVoltage = r.value(Self.voltageField)
        busCurrent = r.value(Self.currentField)
        stateOfCharge = r.value(Self.chargeField)
        faults = Faults(rawValue: r.byte(Self.faultsField))
        voltageValid = r.flag(Self.voltageValidField)
        currentValid = r.flag(Self.currentValidField)
        chargeValid = r.flag(Self.chargeValidField)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        w.value(Self.voltageField, busVoltage)
        w.value(Self.currentField, busCurrent)
        w.value(Self.chargeField, stateOfCharge)
        w.byte(Self.faultsField, faults.rawValue)
        w.flag(Self.voltageValidField, voltageValid)
        w.flag(Self.currentValidField, currentValid)
        w.flag(Self.chargeValidField, chargeValid)
        w.byte(Self.counterField, counter)
    }
}
