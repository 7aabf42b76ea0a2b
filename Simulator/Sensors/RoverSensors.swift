import FlightCore
import Glibc

/// Six wheel values (encoder ticks or motor currents), 0-2 left front to rear, 3-5 right.
public struct WheelValues<Value: Equatable & Sendable & BitwiseCopyable>: Equatable, Sendable, BitwiseCopyable {
    public var w0, w1, w2, w3, w4, w5: Value

    public init(repeating v: Value) { (w0, w1, w2, w3, w4, w5) = (v, v, v, v, v, v) }

    public subscript(i: Int) -> Value {
        get {
            switch i {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            case 3: return w3
            case 4: return w4
            default: return w5
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            case 3: w3 = newValue
            case 4: w4 = newValue
            default: w5 = newValue
            }
        }
    }
}

/// A sample of six wheel values.
public struct WheelSample<Value: Equatable & Sendable & BitwiseCopyable>: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    public var values: WheelValues<Value>
}

/// Wheel encoders: each wheel's rotation in whole ticks (exact counts; the quantisation is
/// the tick). Faults: dropout, stuck (the bias step adds whole ticks, rounded).
public struct WheelEncoderModel: Sendable {
    public var rate: Double
    public var faults = SensorFaults.none
    public private(set) var latest = WheelSample<Int>(sequence: 0, time: 0, valid: false, values: WheelValues(repeating: 0))

    public init(rate: Double = 10) { self.rate = rate }

    public mutating func sample(ticks: WheelValues<Int>, time: Double) {
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
            return
        }
        var v = ticks
        let offset = Int(faults.biasStep.rounded())
        for i in 0..<6 { v[i] += offset }
        latest = WheelSample(sequence: sequence, time: time, valid: !faults.dropout, values: faults.dropout ? WheelValues(repeating: 0) : v)
    }
}

/// Wheel motor current sensors (noise per wheel; bias step in A added to all).
public struct MotorCurrentModel: Sendable {
    public var rate: Double
    public let noise: SensorNoise
    public var faults = SensorFaults.none
    public private(set) var latest = WheelSample<Double>(sequence: 0, time: 0, valid: false, values: WheelValues(repeating: 0))
    var random: SeededRandom
    var channels: WheelValues<NoiseChannelBox>

    /// 10 Hz, 10 mA noise, 1 mA resolution, 5 mA turn-on bias (assumptions).
    public init(rate: Double = 10, noise: SensorNoise = SensorNoise(turnOnBias: 0.005, whiteNoise: 0.01, quantum: 0.001), seed: UInt64, stream: UInt64) {
        self.rate = rate
        self.noise = noise
        var r = SeededRandom(seed: seed, stream: stream)
        var c = WheelValues(repeating: NoiseChannelBox(channel: NoiseChannel(noise, random: &r)))
        for i in 1..<6 { c[i] = NoiseChannelBox(channel: NoiseChannel(noise, random: &r)) }
        channels = c
        random = r
    }

    public mutating func sample(currents: WheelValues<Double>, time: Double) {
        var v = currents
        for i in 0..<6 {
            var c = channels[i]
            v[i] = max(0, c.channel.measure(currents[i], extraBias: faults.biasStep, dt: 1 / rate, random: &random))
            channels[i] = c
        }
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else {
            latest = WheelSample(sequence: sequence, time: time, valid: !faults.dropout, values: faults.dropout ? WheelValues(repeating: 0) : v)
        }
    }
}

/// `NoiseChannel` made Equatable for `WheelValues` (compares the bias only).
struct NoiseChannelBox: Equatable, Sendable, BitwiseCopyable {
    var channel: NoiseChannel
    static func == (a: Self, b: Self) -> Bool { a.channel.bias == b.channel.bias }
}

/// One rover IMU/inclinometer sample.
public struct RoverIMUSample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    /// Roll (right side down positive) and pitch (nose up positive), radians.
    public var roll: Double
    public var pitch: Double
    /// Heading rate, rad/s, clockwise positive.
    public var headingRate: Double

    public static let none = RoverIMUSample(sequence: 0, time: 0, valid: false, roll: 0, pitch: 0, headingRate: 0)
}

/// Rover IMU with inclinometers: roll and pitch (from the terrain under the wheels) and
/// the heading rate. Bias step (radians or rad/s) is added to all three.
public struct RoverIMUModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        public var inclination: SensorNoise
        public var headingRate: SensorNoise

        public init(rate: Double, inclination: SensorNoise, headingRate: SensorNoise) {
            self.rate = rate
            self.inclination = inclination
            self.headingRate = headingRate
        }

        /// 10 Hz; inclinometers 0.05 deg noise, 0.1 deg turn-on bias, 0.01 deg resolution;
        /// heading rate as `IMUModel.Configuration.rover`'s gyro (assumptions).
        public static let rover = Configuration(
            rate: 10,
            inclination: SensorNoise(turnOnBias: 0.1 * .pi / 180, whiteNoise: 0.05 * .pi / 180, quantum: 0.01 * .pi / 180),
            headingRate: IMUModel.Configuration.rover.gyro)
    }

    public let configuration: Configuration
    public var faults = SensorFaults.none
    public private(set) var latest = RoverIMUSample.none
    var random: SeededRandom
    var roll: NoiseChannel
    var pitch: NoiseChannel
    var rate: NoiseChannel

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        var r = SeededRandom(seed: seed, stream: stream)
        roll = NoiseChannel(configuration.inclination, random: &r)
        pitch = NoiseChannel(configuration.inclination, random: &r)
        rate = NoiseChannel(configuration.headingRate, random: &r)
        random = r
    }

    public mutating func sample(roll trueRoll: Double, pitch truePitch: Double, headingRate: Double, time: Double) {
        let dt = 1 / configuration.rate
        let r = roll.measure(trueRoll, extraBias: faults.biasStep, dt: dt, random: &random)
        let p = pitch.measure(truePitch, extraBias: faults.biasStep, dt: dt, random: &random)
        let w = rate.measure(headingRate, extraBias: faults.biasStep, dt: dt, random: &random)
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else if faults.dropout {
            latest = RoverIMUSample(sequence: sequence, time: time, valid: false, roll: 0, pitch: 0, headingRate: 0)
        } else {
            latest = RoverIMUSample(sequence: sequence, time: time, valid: true, roll: r, pitch: p, headingRate: w)
        }
    }
}

/// One forward hazard range sample: three beams (left, centre, right).
public struct HazardRangeSample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var left: BeamMeasurement
    public var centre: BeamMeasurement
    public var right: BeamMeasurement

    public static let none = HazardRangeSample(sequence: 0, time: 0, left: .invalid, centre: .invalid, right: .invalid)
}

/// A forward-looking range sensor on the rover's mast: three beams, depressed so that on
/// level ground they meet the surface `lookAhead` metres in front of the rover centre,
/// the side beams turned `spread` left and right. A rock in the way gives a shorter range;
/// a slope up, shorter; a drop (crater), longer or no return.
public struct HazardRangeModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        /// Sensor position in body axes (forward, left, up from the body reference point), m.
        public var mount: Vector3
        public var lookAhead: Double
        /// Azimuth of the side beams, radians.
        public var spread: Double
        public var maxRange: Double
        public var range: SensorNoise

        public init(rate: Double = 5, mount: Vector3 = Vector3(0.5, 0, 0.6), lookAhead: Double = 3,
                    spread: Double = 15 * .pi / 180, maxRange: Double = 8,
                    range: SensorNoise = SensorNoise(whiteNoise: 0.01, quantum: 0.005)) {
            self.rate = rate
            self.mount = mount
            self.lookAhead = lookAhead
            self.spread = spread
            self.maxRange = maxRange
            self.range = range
        }

        public static let rover = Configuration()
    }

    public let configuration: Configuration
    public var faults = SensorFaults.none
    public private(set) var latest = HazardRangeSample.none
    var random: SeededRandom
    var channels: (NoiseChannel, NoiseChannel, NoiseChannel)

    public init(_ configuration: Configuration, seed: UInt64, stream: UInt64) {
        self.configuration = configuration
        var r = SeededRandom(seed: seed, stream: stream)
        channels = (NoiseChannel(configuration.range, random: &r), NoiseChannel(configuration.range, random: &r), NoiseChannel(configuration.range, random: &r))
        random = r
    }

    /// Beam directions in body axes (forward, left, up) for a body reference point at
    /// `height` above level ground.
    public func beams(height: Double) -> (left: Vector3, centre: Vector3, right: Vector3) {
        let c = configuration
        let drop = height + c.mount.z
        let run = c.lookAhead - c.mount.x
        let depression = atan2(drop, run)
        func beam(_ azimuth: Double) -> Vector3 {
            Vector3(cos(depression) * cos(azimuth), cos(depression) * sin(azimuth), -sin(depression))
        }
        return (beam(c.spread), beam(0), beam(-c.spread))
    }

    /// The true ranges for a rover state on a terrain (nil: no return).
    public func trueRanges(_ s: RoverState, vehicle: RoverVehicle, terrain: Terrain) -> (Double?, Double?, Double?) {
        let axes = s.bodyAxes()
        let b = beams(height: vehicle.wheelRadius + vehicle.bodyHeight)
        let m = configuration.mount
        let originMap = Vector3(s.x, s.y, s.z) + m.x * axes.forward + m.y * axes.left + m.z * axes.up
        let origin = terrain.frame.position(of: MapPoint(x: originMap.x, y: originMap.y, altitude: originMap.z))
        func cast(_ body: Vector3) -> Double? {
            let dMap = body.x * axes.forward + body.y * axes.left + body.z * axes.up
            let d = terrain.frame.fromLocal(dMap, at: origin)
            return terrain.castRay(from: origin, direction: d, maxRange: configuration.maxRange)
        }
        return (cast(b.left), cast(b.centre), cast(b.right))
    }

    public mutating func sample(_ s: RoverState, vehicle: RoverVehicle, terrain: Terrain, time: Double) {
        let dt = 1 / configuration.rate
        let truth = trueRanges(s, vehicle: vehicle, terrain: terrain)
        func measure(_ t: Double?, _ c: inout NoiseChannel) -> BeamMeasurement {
            let r = c.measure(t ?? 0, extraBias: faults.biasStep, dt: dt, random: &random)
            guard t != nil, !faults.dropout else { return .invalid }
            return BeamMeasurement(range: max(0, r), velocity: 0, valid: true)
        }
        let l = measure(truth.0, &channels.0)
        let c = measure(truth.1, &channels.1)
        let r = measure(truth.2, &channels.2)
        let sequence = latest.sequence + 1
        if faults.stuck {
            latest.sequence = sequence
            latest.time = time
        } else {
            latest = HazardRangeSample(sequence: sequence, time: time, left: l, centre: c, right: r)
        }
    }
}
