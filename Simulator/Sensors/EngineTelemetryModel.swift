import FlightCore

/// Fault hooks of the main engine itself (not its sensors).
public struct EngineFaults: Equatable, Sendable, BitwiseCopyable {
    /// Fraction of thrust lost, 0...1 (0.5: the engine gives half of what it should).
    public var thrustLoss: Double
    /// Thrust dispersion as a scale factor (1.1: +10 %, 0.9: -10 %).
    public var dispersion: Double
    /// The engine fails: no thrust, valve closed, whatever is commanded.
    public var failed: Bool

    public init(thrustLoss: Double = 0, dispersion: Double = 1, failed: Bool = false) {
        self.thrustLoss = thrustLoss
        self.dispersion = dispersion
        self.failed = failed
    }

    public static let none = EngineFaults()

    /// Actual over nominal thrust.
    public var thrustScale: Double { failed ? 0 : max(0, 1 - thrustLoss) * dispersion }
}

/// One engine telemetry sample.
public struct EngineTelemetrySample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    /// Measured thrust, N.
    public var thrust: Double
    /// Chamber pressure, Pa.
    public var chamberPressure: Double
    /// Main propellant valve open.
    public var valveOpen: Bool

    public static let none = EngineTelemetrySample(sequence: 0, time: 0, valid: false, thrust: 0, chamberPressure: 0, valveOpen: false)
}

/// Engine telemetry: thrust, chamber pressure (proportional to thrust: Pc = Pc_rated * T /
/// T_max), and the valve state (open while the engine is commanded on, has propellant and
/// has not failed).
public struct EngineTelemetryModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        /// Chamber pressure at the engine's maximum thrust, Pa.
        public var ratedChamberPressure: Double
        public var thrust: SensorNoise
        public var chamberPressure: SensorNoise

        public init(rate: Double, ratedChamberPressure: Double, thrust: SensorNoise, chamberPressure: SensorNoise) {
            self.rate = rate
            self.ratedChamberPressure = ratedChamberPressure
            self.thrust = thrust
            self.chamberPressure = chamberPressure
        }

        /// 10 Hz; 1 MPa at full thrust; 0.5 % thrust and pressure noise (assumptions).
        public static let lander = Configuration(
            rate: 10, ratedChamberPressure: 1.0e6,
            thrust: SensorNoise(whiteNoise: 20, quantum: 1),
            chamberPressure: SensorNoise(turnOnBias: 2_000, whiteNoise: 3_000, quantum: 100))
    }

    public let configuration: Configuration
    /// Faults of the telemetry sensors (dropout, stuck, bias step in N on thrust; the
    /// pressure gets the bias step scaled to Pa).
    public var faults = SensorFaults.none
    public private(set) var latest = EngineTelemetrySample.none
    var random: SeededRandom
    var thrustChannel: NoiseChannel
    var pressureChannel: NoiseChannel

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        var r = SeededRandom(seed: seed, stream: stream)
        thrustChannel = NoiseChannel(configuration.thrust, random: &r)
        pressureChannel = NoiseChannel(configuration.chamberPressure, random: &r)
        random = r
    }

    public mutating func sample(thrust: Double, maxThrust: Double, valveOpen: Bool, time: Double) {
        let dt = 1 / configuration.rate
        let pcPerNewton = configuration.ratedChamberPressure / maxThrust
        let t = thrustChannel.measure(thrust, extraBias: faults.biasStep, dt: dt, random: &random)
        let pc = pressureChannel.measure(thrust * pcPerNewton, extraBias: faults.biasStep * pcPerNewton, dt: dt, random: &random)
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else if faults.dropout {
            latest = EngineTelemetrySample(sequence: sequence, time: time, valid: false, thrust: 0, chamberPressure: 0, valveOpen: false)
        } else {
            latest = EngineTelemetrySample(sequence: sequence, time: time, valid: true, thrust: t, chamberPressure: pc, valveOpen: valveOpen)
        }
    }
}
