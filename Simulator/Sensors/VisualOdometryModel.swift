import Glibc
import FlightCore

/// One visual-odometry fix: the rover's motion between the previous fix and this one, in
/// the rover's horizontal frame at the previous fix (forward, left, m) and its heading
/// change (radians, clockwise positive).
public struct VisualOdometrySample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    public var forward: Double
    public var left: Double
    public var headingChange: Double

    public static let none = VisualOdometrySample(sequence: 0, time: 0, valid: false, forward: 0, left: 0, headingChange: 0)
}

/// A stand-in for visual odometry (MER/MSL track features between stereo image pairs and
/// measure the rover's true motion, slip included). No images are made: each fix is the
/// true horizontal displacement since the previous fix, with an error proportional to the
/// distance moved (`fractionalError`, 1 sigma, per axis) plus a floor (`floorError`, m),
/// and the heading change with `headingError` (rad, 1 sigma). Faults: dropout (no features
/// tracked: invalid fix; the next valid fix covers the whole interval), stuck (frozen),
/// bias step (m added to the forward displacement). Assumed figures; docs/simulator.md.
public struct VisualOdometryModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        public var fractionalError: Double
        public var floorError: Double
        public var headingError: Double

        public init(rate: Double = 1, fractionalError: Double = 0.01, floorError: Double = 0.001, headingError: Double = 0.001) {
            self.rate = rate
            self.fractionalError = fractionalError
            self.floorError = floorError
            self.headingError = headingError
        }

        /// 1 Hz, 1 % of the distance, 1 mm and 1 mrad (assumptions; MER's VO reached a
        /// few percent of the distance over whole drives).
        public static let rover = Configuration()
    }

    public let configuration: Configuration
    public var faults = SensorFaults.none
    public private(set) var latest = VisualOdometrySample.none
    var random: SeededRandom
    /// The true pose at the last valid fix (x, y, heading).
    var reference: (x: Double, y: Double, heading: Double)?

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        random = SeededRandom(seed: seed, stream: stream)
    }

    public mutating func sample(_ s: RoverState, time: Double) {
        // Always two Gaussian pairs, so the stream's position never depends on faults.
        let (n1, n2) = random.gaussianPair()
        let (n3, _) = random.gaussianPair()
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
            return
        }
        guard let ref = reference else {
            reference = (s.x, s.y, s.heading)
            latest = VisualOdometrySample(sequence: sequence, time: time, valid: false, forward: 0, left: 0, headingChange: 0)
            return
        }
        if faults.dropout {
            latest = VisualOdometrySample(sequence: sequence, time: time, valid: false, forward: 0, left: 0, headingChange: 0)
            return
        }
        let dx = s.x - ref.x, dy = s.y - ref.y
        let forward = dx * sin(ref.heading) + dy * cos(ref.heading)
        let left = -dx * cos(ref.heading) + dy * sin(ref.heading)
        let sigma = configuration.floorError + configuration.fractionalError * (dx * dx + dy * dy).squareRoot()
        latest = VisualOdometrySample(
            sequence: sequence, time: time, valid: true,
            forward: forward + sigma * n1 + faults.biasStep, left: left + sigma * n2,
            headingChange: s.heading - ref.heading + configuration.headingError * n3)
        reference = (s.x, s.y, s.heading)
    }
}
