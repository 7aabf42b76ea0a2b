import Glibc
import FlightCore

/// One beam's measurement.
public struct BeamMeasurement: Equatable, Sendable, BitwiseCopyable {
    /// Slant range along the beam to the terrain, m (0 when invalid).
    public var range: Double
    /// Velocity along the beam, m/s, positive when closing on the ground (0 when invalid).
    public var velocity: Double
    /// False when the beam has no return: beyond maximum range, grazing incidence, failed
    /// beam, or a dropout.
    public var valid: Bool

    public static let invalid = BeamMeasurement(range: 0, velocity: 0, valid: false)
}

/// One sample of every beam (up to four).
public struct AltimeterSample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    /// Number of beams in use (the rest read `.invalid`).
    public var beamCount: Int
    public var beam0: BeamMeasurement
    public var beam1: BeamMeasurement
    public var beam2: BeamMeasurement
    public var beam3: BeamMeasurement

    public subscript(beam: Int) -> BeamMeasurement {
        get {
            switch beam {
            case 0: return beam0
            case 1: return beam1
            case 2: return beam2
            case 3: return beam3
            default: return .invalid
            }
        }
        set {
            switch beam {
            case 0: beam0 = newValue
            case 1: beam1 = newValue
            case 2: beam2 = newValue
            case 3: beam3 = newValue
            default: break
            }
        }
    }

    public static let none = AltimeterSample(
        sequence: 0, time: 0, beamCount: 0, beam0: .invalid, beam1: .invalid, beam2: .invalid, beam3: .invalid)
}

/// Fault hooks of the altimeter/velocimeter.
public struct AltimeterFaults: Equatable, Sendable, BitwiseCopyable {
    /// Every beam invalid.
    public var dropout: Bool
    /// Output frozen at the last sample.
    public var stuck: Bool
    /// Added to every valid range, m (an artificial altitude jump; the natural one, over a
    /// terrain edge, needs no fault).
    public var rangeStep: Double
    /// Added to every valid beam velocity, m/s.
    public var velocityBiasStep: Double
    /// Beams that return nothing.
    public var failedBeams: IndexMask

    public init(dropout: Bool = false, stuck: Bool = false, rangeStep: Double = 0, velocityBiasStep: Double = 0, failedBeams: IndexMask = []) {
        self.dropout = dropout
        self.stuck = stuck
        self.rangeStep = rangeStep
        self.velocityBiasStep = velocityBiasStep
        self.failedBeams = failedBeams
    }

    public static let none = AltimeterFaults()
}

/// A multi-beam altimeter and velocimeter (laser or radar ranging plus Doppler velocity
/// along each beam). Each beam has a fixed body-frame direction; its range is a ray cast
/// on the terrain from the lander's centre of mass, its velocity the lander's velocity
/// along the beam (the Moon does not rotate). A beam has no return beyond `maxRange` or
/// when it meets the surface more than `maxIncidence` from the surface normal.
public struct AltimeterModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        /// Beam directions in body axes (1 to 4; normalized). Body +z is the thrust axis, so
        /// a level lander looks down along body -z.
        public var beams: [Vector3]
        public var maxRange: Double
        /// Largest angle between the beam and the surface normal that still returns, radians.
        public var maxIncidence: Double
        /// Range error: `range.whiteNoise` plus `rangeNoiseFraction` of the range (1 sigma).
        public var range: SensorNoise
        public var rangeNoiseFraction: Double
        public var velocity: SensorNoise

        public init(
            rate: Double, beams: [Vector3], maxRange: Double, maxIncidence: Double,
            range: SensorNoise, rangeNoiseFraction: Double, velocity: SensorNoise
        ) {
            precondition((1...4).contains(beams.count), "1 to 4 beams")
            self.rate = rate
            self.beams = beams.map(\.normalized)
            self.maxRange = maxRange
            self.maxIncidence = maxIncidence
            self.range = range
            self.rangeNoiseFraction = rangeNoiseFraction
            self.velocity = velocity
        }

        /// Four beams at 20 Hz: one along body -z, three 20 deg off it at 120 deg apart;
        /// 30 km range, 70 deg incidence limit, 0.1 m + 0.1 % range noise, 0.05 m/s velocity
        /// noise (assumptions; docs/simulator.md).
        public static let lander: Configuration = {
            let c = cos(20.0 * .pi / 180), s = sin(20.0 * .pi / 180)
            var beams = [Vector3(0, 0, -1)]
            for k in 0..<3 {
                let a = Double(k) * 2 * .pi / 3
                beams.append(Vector3(s * cos(a), s * sin(a), -c))
            }
            return Configuration(
                rate: 20, beams: beams, maxRange: 30_000, maxIncidence: 70 * .pi / 180,
                range: SensorNoise(whiteNoise: 0.1, quantum: 0.05), rangeNoiseFraction: 0.001,
                velocity: SensorNoise(turnOnBias: 0.01, biasDrift: 1e-4, whiteNoise: 0.05, quantum: 0.01))
        }()
    }

    public let configuration: Configuration
    public var faults = AltimeterFaults.none
    public private(set) var latest = AltimeterSample.none
    var random: SeededRandom
    var rangeChannels: (NoiseChannel, NoiseChannel, NoiseChannel, NoiseChannel)
    var velocityChannels: (NoiseChannel, NoiseChannel, NoiseChannel, NoiseChannel)
    /// The true ranges of the last sample (nil: no return), for tests and truth logs.
    public private(set) var trueRanges: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        var r = SeededRandom(seed: seed, stream: stream)
        let rn = configuration.range, vn = configuration.velocity
        rangeChannels = (NoiseChannel(rn, random: &r), NoiseChannel(rn, random: &r), NoiseChannel(rn, random: &r), NoiseChannel(rn, random: &r))
        velocityChannels = (NoiseChannel(vn, random: &r), NoiseChannel(vn, random: &r), NoiseChannel(vn, random: &r), NoiseChannel(vn, random: &r))
        random = r
    }

    /// The true range along a beam (simulator-frame direction) or nil for no return.
    public func trueRange(terrain: Terrain, from p: Vector3, direction d: Vector3) -> Double? {
        guard let range = terrain.castRay(from: p, direction: d, maxRange: configuration.maxRange) else { return nil }
        let hit = p + range * d
        let n = terrain.normal(below: hit)
        let cosIncidence = -d.dot(n)
        guard cosIncidence >= cos(configuration.maxIncidence) else { return nil }
        return range
    }

    /// Takes a sample from the lander's position, velocity and attitude.
    public mutating func sample(
        terrain: Terrain, position: Vector3, velocity: Vector3, attitude: Quaternion, time: Double
    ) {
        let dt = 1 / configuration.rate
        var next = AltimeterSample.none
        next.sequence = latest.sequence + 1
        next.time = time
        next.beamCount = configuration.beams.count
        var truths: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)
        for i in 0..<4 {
            let inUse = i < configuration.beams.count
            let d = inUse ? attitude.rotate(configuration.beams[i]) : .zero
            let truth = inUse ? trueRange(terrain: terrain, from: position, direction: d) : nil
            let closing = velocity.dot(d)
            // Always draw, so the stream does not depend on which beams return.
            var rc = channel(rangeChannels, i)
            var vc = channel(velocityChannels, i)
            let rangeFraction = configuration.rangeNoiseFraction * random.gaussian()
            let range = rc.measure(truth ?? 0, extraBias: faults.rangeStep + (truth ?? 0) * rangeFraction, dt: dt, random: &random)
            let speed = vc.measure(closing, extraBias: faults.velocityBiasStep, dt: dt, random: &random)
            setChannel(&rangeChannels, i, rc)
            setChannel(&velocityChannels, i, vc)
            switch i {
            case 0: truths.0 = truth
            case 1: truths.1 = truth
            case 2: truths.2 = truth
            default: truths.3 = truth
            }
            if let _ = truth, !faults.failedBeams.contains(index: i), !faults.dropout {
                next[i] = BeamMeasurement(range: max(0, range), velocity: speed, valid: true)
            }
        }
        trueRanges = truths
        if faults.stuck {
            latest.sequence = next.sequence
            latest.time = time
        } else {
            latest = next
        }
    }

    private func channel(_ t: (NoiseChannel, NoiseChannel, NoiseChannel, NoiseChannel), _ i: Int) -> NoiseChannel {
        switch i {
        case 0: return t.0
        case 1: return t.1
        case 2: return t.2
        default: return t.3
        }
    }

    private func setChannel(_ t: inout (NoiseChannel, NoiseChannel, NoiseChannel, NoiseChannel), _ i: Int, _ c: NoiseChannel) {
        switch i {
        case 0: t.0 = c
        case 1: t.1 = c
        case 2: t.2 = c
        default: t.3 = c
        }
    }
}
