import FlightCore

/// One power-system sample.
public struct PowerSample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    /// Bus voltage, V.
    public var busVoltage: Double
    /// Battery discharge current, A.
    public var current: Double
    /// Battery state of charge, 0...1.
    public var stateOfCharge: Double

    public static let none = PowerSample(sequence: 0, time: 0, valid: false, busVoltage: 0, current: 0, stateOfCharge: 0)
}

/// A battery-fed bus: the load draws a base current plus an extra current while the
/// engine valve is open (valve drivers, heaters); the state of charge falls by the charge
/// drawn; the bus voltage is the open-circuit voltage (linear in the state of charge)
/// less the internal resistance times the current. No solar input during descent.
public struct PowerModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        /// Battery capacity, A h.
        public var capacity: Double
        public var initialStateOfCharge: Double
        /// Open-circuit voltage when empty and when full, V.
        public var emptyVoltage: Double
        public var fullVoltage: Double
        /// Internal resistance, ohm.
        public var internalResistance: Double
        /// Base load, A, and the extra while the engine valve is open, A.
        public var baseCurrent: Double
        public var engineCurrent: Double
        public var voltage: SensorNoise
        public var currentNoise: SensorNoise
        public var stateOfChargeQuantum: Double

        public init(
            rate: Double = 1, capacity: Double = 60, initialStateOfCharge: Double = 0.95,
            emptyVoltage: Double = 24, fullVoltage: Double = 29.4, internalResistance: Double = 0.05,
            baseCurrent: Double = 15, engineCurrent: Double = 4,
            voltage: SensorNoise = SensorNoise(whiteNoise: 0.05, quantum: 0.01),
            currentNoise: SensorNoise = SensorNoise(turnOnBias: 0.05, whiteNoise: 0.05, quantum: 0.01),
            stateOfChargeQuantum: Double = 0.001
        ) {
            self.rate = rate
            self.capacity = capacity
            self.initialStateOfCharge = initialStateOfCharge
            self.emptyVoltage = emptyVoltage
            self.fullVoltage = fullVoltage
            self.internalResistance = internalResistance
            self.baseCurrent = baseCurrent
            self.engineCurrent = engineCurrent
            self.voltage = voltage
            self.currentNoise = currentNoise
            self.stateOfChargeQuantum = stateOfChargeQuantum
        }

        /// A 28 V bus on a 60 A h battery (assumptions; docs/simulator.md).
        public static let lander = Configuration()
    }

    public let configuration: Configuration
    /// Dropout, stuck; the bias step is added to the current (A).
    public var faults = SensorFaults.none
    public private(set) var latest = PowerSample.none
    /// True state of charge.
    public private(set) var stateOfCharge: Double
    /// True current, A.
    public private(set) var current: Double
    var random: SeededRandom
    var voltageChannel: NoiseChannel
    var currentChannel: NoiseChannel

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        stateOfCharge = configuration.initialStateOfCharge
        current = configuration.baseCurrent
        var r = SeededRandom(seed: seed, stream: stream)
        voltageChannel = NoiseChannel(configuration.voltage, random: &r)
        currentChannel = NoiseChannel(configuration.currentNoise, random: &r)
        random = r
    }

    /// True bus voltage, V.
    public var busVoltage: Double {
        let c = configuration
        return c.emptyVoltage + (c.fullVoltage - c.emptyVoltage) * stateOfCharge - c.internalResistance * current
    }

    /// Draws current for `dt` seconds.
    public mutating func drain(engineValveOpen: Bool, dt: Double) {
        current = configuration.baseCurrent + (engineValveOpen ? configuration.engineCurrent : 0)
        stateOfCharge = max(0, stateOfCharge - current * dt / (configuration.capacity * 3_600))
    }

    public mutating func sample(time: Double) {
        let dt = 1 / configuration.rate
        let v = voltageChannel.measure(busVoltage, dt: dt, random: &random)
        let i = currentChannel.measure(current, extraBias: faults.biasStep, dt: dt, random: &random)
        let q = configuration.stateOfChargeQuantum
        let soc = q > 0 ? (stateOfCharge / q).rounded() * q : stateOfCharge
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else if faults.dropout {
            latest = PowerSample(sequence: sequence, time: time, valid: false, busVoltage: 0, current: 0, stateOfCharge: 0)
        } else {
            latest = PowerSample(sequence: sequence, time: time, valid: true, busVoltage: v, current: i, stateOfCharge: soc)
        }
    }
}
