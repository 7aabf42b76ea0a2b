import FlightCore

/// The error model of one sensor channel, in the channel's units. A measurement is
///
///     quantize(truth + bias + biasStep + whiteNoise * N(0, 1))
///
/// where the bias starts at `turnOnBias * N(0, 1)` (drawn once, from the seed) and then
/// walks: each sample adds `biasDrift * sqrt(dt) * N(0, 1)` (dt: time since the last
/// sample). `whiteNoise` is the standard deviation of one sample at the sensor's rate
/// (a noise density n per sqrt(Hz) sampled at f Hz gives about n * sqrt(f)). Quantisation
/// rounds to the nearest multiple of `quantum` (0: none). The values of each sensor and
/// their sources are in docs/simulator.md ("Sensors").
public struct SensorNoise: Equatable, Sendable, BitwiseCopyable {
    /// Standard deviation of the bias at switch-on.
    public var turnOnBias: Double
    /// Random-walk rate of the bias, units per sqrt(s).
    public var biasDrift: Double
    /// Standard deviation of one sample's white noise.
    public var whiteNoise: Double
    /// Resolution (least significant bit); 0 for none.
    public var quantum: Double

    public init(turnOnBias: Double = 0, biasDrift: Double = 0, whiteNoise: Double = 0, quantum: Double = 0) {
        self.turnOnBias = turnOnBias
        self.biasDrift = biasDrift
        self.whiteNoise = whiteNoise
        self.quantum = quantum
    }

    /// A perfect channel: no bias, no noise, no quantisation.
    public static let perfect = SensorNoise()

    @inline(__always) func quantize(_ v: Double) -> Double {
        quantum > 0 ? (v / quantum).rounded() * quantum : v
    }
}

/// One scalar channel's running error state (its current bias).
struct NoiseChannel: Sendable, BitwiseCopyable {
    var noise: SensorNoise
    var bias: Double

    init(_ noise: SensorNoise, random: inout SeededRandom) {
        self.noise = noise
        bias = noise.turnOnBias * random.gaussian()
    }

    /// A measurement of `truth`. Always one Gaussian pair (two uniform draws), whatever
    /// the noise values, so a stream's position never depends on its configuration.
    mutating func measure(_ truth: Double, extraBias: Double = 0, dt: Double, random: inout SeededRandom) -> Double {
        let (walk, white) = random.gaussianPair()
        bias += noise.biasDrift * dt.squareRoot() * walk
        return noise.quantize(truth + bias + extraBias + noise.whiteNoise * white)
    }
}

/// Three channels with the same error model (x, y, z).
struct VectorNoiseChannel: Sendable, BitwiseCopyable {
    var x: NoiseChannel
    var y: NoiseChannel
    var z: NoiseChannel

    init(_ noise: SensorNoise, random: inout SeededRandom) {
        x = NoiseChannel(noise, random: &random)
        y = NoiseChannel(noise, random: &random)
        z = NoiseChannel(noise, random: &random)
    }

    var bias: Vector3 { Vector3(x.bias, y.bias, z.bias) }

    mutating func measure(_ truth: Vector3, extraBias: Vector3, dt: Double, random: inout SeededRandom) -> Vector3 {
        Vector3(
            x.measure(truth.x, extraBias: extraBias.x, dt: dt, random: &random),
            y.measure(truth.y, extraBias: extraBias.y, dt: dt, random: &random),
            z.measure(truth.z, extraBias: extraBias.z, dt: dt, random: &random))
    }
}
