import FlightCore

/// One IMU sample: specific force and body rate in body axes.
public struct IMUSample: Equatable, Sendable, BitwiseCopyable {
    /// Counts samples taken (1 for the first); 0 before the first sample.
    public var sequence: Int
    /// Simulation time of the sample, s.
    public var time: Double
    /// False on dropout.
    public var valid: Bool
    /// Specific force (non-gravitational acceleration), m/s^2, body axes.
    public var specificForce: Vector3
    /// Body angular rate, rad/s, body axes.
    public var bodyRate: Vector3

    public static let none = IMUSample(sequence: 0, time: 0, valid: false, specificForce: .zero, bodyRate: .zero)
}

/// Fault hooks of an IMU (see `SensorFaults` for dropout and stuck).
public struct IMUFaults: Equatable, Sendable, BitwiseCopyable {
    public var dropout: Bool
    public var stuck: Bool
    /// Added to the accelerometers, m/s^2 per body axis.
    public var accelerometerBiasStep: Vector3
    /// Added to the gyros, rad/s per body axis.
    public var gyroBiasStep: Vector3

    public init(dropout: Bool = false, stuck: Bool = false, accelerometerBiasStep: Vector3 = .zero, gyroBiasStep: Vector3 = .zero) {
        self.dropout = dropout
        self.stuck = stuck
        self.accelerometerBiasStep = accelerometerBiasStep
        self.gyroBiasStep = gyroBiasStep
    }

    public static let none = IMUFaults()
}

/// A strapdown IMU: three accelerometers (specific force) and three gyros (body rates),
/// sampled at `rate`, with a seeded error model per axis.
public struct IMUModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        /// Sample rate, Hz.
        public var rate: Double
        public var accelerometer: SensorNoise
        public var gyro: SensorNoise

        public init(rate: Double, accelerometer: SensorNoise, gyro: SensorNoise) {
            self.rate = rate
            self.accelerometer = accelerometer
            self.gyro = gyro
        }

        /// A navigation-grade IMU at 100 Hz (assumption: the order of an LN-200-class unit;
        /// values in docs/simulator.md).
        public static let lander = Configuration(
            rate: 100,
            accelerometer: SensorNoise(turnOnBias: 3e-3, biasDrift: 1e-5, whiteNoise: 5e-3, quantum: 1e-4),
            gyro: SensorNoise(turnOnBias: 5e-6, biasDrift: 1e-7, whiteNoise: 2e-4, quantum: 1e-6))

        /// A rover-grade MEMS IMU at 10 Hz (assumption).
        public static let rover = Configuration(
            rate: 10,
            accelerometer: SensorNoise(turnOnBias: 0.02, biasDrift: 1e-4, whiteNoise: 0.01, quantum: 1e-3),
            gyro: SensorNoise(turnOnBias: 5e-5, biasDrift: 1e-6, whiteNoise: 5e-4, quantum: 1e-5))
    }

    public let configuration: Configuration
    public var faults = IMUFaults.none
    public private(set) var latest = IMUSample.none
    var random: SeededRandom
    var accelerometer: VectorNoiseChannel
    var gyro: VectorNoiseChannel

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        var random = SeededRandom(seed: seed, stream: stream)
        accelerometer = VectorNoiseChannel(configuration.accelerometer, random: &random)
        gyro = VectorNoiseChannel(configuration.gyro, random: &random)
        self.random = random
    }

    /// Takes a sample of the true specific force and body rate (body axes).
    public mutating func sample(specificForce: Vector3, bodyRate: Vector3, time: Double) {
        let dt = 1 / configuration.rate
        let f = accelerometer.measure(specificForce, extraBias: faults.accelerometerBiasStep, dt: dt, random: &random)
        let w = gyro.measure(bodyRate, extraBias: faults.gyroBiasStep, dt: dt, random: &random)
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else if faults.dropout {
            latest = IMUSample(sequence: sequence, time: time, valid: false, specificForce: .zero, bodyRate: .zero)
        } else {
            latest = IMUSample(sequence: sequence, time: time, valid: true, specificForce: f, bodyRate: w)
        }
    }
}
