public import FlightCore

/// The navigation component: runs ``LanderNavigation`` on the IMU and altimeter samples the
/// drivers publish, keeps the mass estimate from the engine's measured thrust, and publishes
/// a ``NavigationSolution`` every tick.
///
/// IMU fail-over (the Beresheet lesson): when no valid IMU sample has come for
/// IMU_TIMEOUT, navigation propagates on the thrust the engine reports along the commanded
/// thrust axis instead, says so (event and telemetry), and goes back to the IMU when valid
/// samples return. The engine is never cut for an IMU fault.
public final class LanderNavigator: Component {
    public enum Channel: UInt32 {
        case altitude = 0, verticalSpeed, horizontalSpeed, mass, imuValid, altimeterAccepted, altimeterRejected
        case reacquisitions, velocityAccepted, groundSlope, initialized, terrainOffset, terrainSteps
    }
    public enum Event: UInt32 { case altimeterRejected = 0, altimeterReacquired, imuFailover, imuRecovered, initialized, terrainStep }
    public enum Parameter: UInt32 { case imuTimeout = 0, exhaustVelocity }

    public let name: String
    public var ports = ComponentPorts.unwired
    private let imu: Subscription<IMUSample>
    private let altimeter: Subscription<AltimeterSample>
    private let engine: Subscription<EngineStatusSample>
    private let attitudeDemand: Subscription<AttitudeDemand>
    private let output: Topic<NavigationSolution>
    public private(set) var navigation: LanderNavigation
    public private(set) var mass: Double
    public private(set) var initialized = false
    private var lastIMU: UInt64?
    private var lastIMUCounter: UInt8?
    /// The IMU's sample period (s): 100 Hz.
    public var imuPeriod = 0.01
    private var lastValidIMU: FlightTime?
    private var lastTick: FlightTime?
    private var imuFailover = false
    private var thrust = 0.0
    private var commandedAxis = SIMD3<Double>(0, 0, 1)
    private var specificForce = Double.nan
    private var bodyRate = 0.0
    /// The velocimeter is used only while the body turns slower than this (rad/s), or than
    /// what keeps the skew's velocity error under 0.1 m/s at the present speed, whichever is
    /// more: a beam measured 50 ms before the tick, during a 10 deg/s slew at orbital speed,
    /// is pointed wrong by half a degree, which is 15 m/s of velocity (seen in the closed
    /// loop); at the terminal descent's few m/s the same skew is millimetres per second.
    public var beamRateLimit = 1.0 * Double.pi / 180
    /// The altimeter's ranges are used while the body turns slower than this (rad/s): half a
    /// degree of pointing error moves a 20 deg beam's height by 0.3 % of the range, inside
    /// the gate at any height. Tying them to the velocimeter's 1 deg/s left the terminal
    /// descent's small attitude corrections without the altimeter for most samples, and
    /// navigation ~9 m high at the close look over a slope (seed 4): the lander held its
    /// "12 m" close look 2 m above the ground.
    public var altimeterRateLimit = 10.0 * Double.pi / 180
    /// The velocimeter is used below this speed (m/s): Doppler velocimeters lock at
    /// approach speeds, and the time skew above grows with speed.
    public var velocimeterMaxSpeed = 400.0
    private var groundSlope = Double.nan
    private var groundDownhill = SIMD3<Double>()
    private var altimeterUsed = false
    private var imuTimeout = FlightDuration.milliseconds(100)
    private var exhaustVelocity: Double
    public private(set) var latest = NavigationSolution()

    public init(
        name: String = "navigation", configuration: LanderNavigation.Configuration, exhaustVelocity: Double,
        landerTopics: LanderTopics, appTopics: LanderAppTopics
    ) throws(TopologyError) {
        self.name = name
        imu = try landerTopics.imu.subscribe(name, capacity: 16)
        altimeter = try landerTopics.altimeter.subscribe(name, capacity: 4)
        engine = try landerTopics.engineStatus.subscribe(name, capacity: 1, policy: .keepLatest)
        attitudeDemand = try appTopics.attitudeDemand.subscribe(name, capacity: 1, policy: .keepLatest)
        output = appTopics.navigation
        navigation = LanderNavigation(position: .zero, velocity: .zero, attitude: .identity, configuration: configuration)
        mass = 0
        self.exhaustVelocity = exhaustVelocity
    }

    /// The state vector (as uplinked from the ground before the descent, or measured on the
    /// bench): position and velocity (Moon-centred), attitude, mass, and the flight time it
    /// holds for.
    public func initialize(position: SIMD3<Double>, velocity: SIMD3<Double>, attitude: Quaternion, mass: Double, at time: FlightTime) {
        navigation.reset(position: position, velocity: velocity, attitude: attitude)
        self.mass = mass
        lastIMU = time.nanoseconds
        lastTick = time
        lastValidIMU = time
        initialized = true
        ports.log(Event.initialized, .f64(navigation.altitude))
    }

    public var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "LanderNavigator",
            summary: "Strapdown navigation on the IMU, corrected by the altimeter/velocimeter with outlier rejection that does not latch; IMU fail-over on the commanded thrust",
            channels: [
                ChannelDefinition(Channel.altitude.rawValue, "Altitude", .f64, units: "m"),
                ChannelDefinition(Channel.verticalSpeed.rawValue, "VerticalSpeed", .f64, units: "m/s"),
                ChannelDefinition(Channel.horizontalSpeed.rawValue, "HorizontalSpeed", .f64, units: "m/s"),
                ChannelDefinition(Channel.mass.rawValue, "Mass", .f64, units: "kg"),
                ChannelDefinition(Channel.imuValid.rawValue, "ImuInUse", .bool, update: .onChange, summary: "false: IMU fail-over (propagating on the commanded thrust)"),
                ChannelDefinition(Channel.altimeterAccepted.rawValue, "AltimeterAccepted", .u32, update: .onChange),
                ChannelDefinition(Channel.altimeterRejected.rawValue, "AltimeterRejected", .u32, update: .onChange),
                ChannelDefinition(Channel.reacquisitions.rawValue, "AltimeterReacquisitions", .u32, update: .onChange),
                ChannelDefinition(Channel.velocityAccepted.rawValue, "VelocimeterAccepted", .u32, update: .onChange),
                ChannelDefinition(Channel.groundSlope.rawValue, "GroundSlope", .f64, units: "deg"),
                ChannelDefinition(Channel.initialized.rawValue, "Initialized", .bool, update: .onChange),
                ChannelDefinition(Channel.terrainOffset.rawValue, "TerrainOffset", .f64, update: .onChange, units: "m", summary: "Height of the ground under the beams above the site's reference surface, learnt from abrupt range steps (a crater floor: negative)"),
                ChannelDefinition(Channel.terrainSteps.rawValue, "TerrainSteps", .u32, update: .onChange),
            ],
            events: [
                EventDefinition(Event.altimeterRejected.rawValue, "AltimeterRejected", .warningLow, arguments: [.init("innovation", .f64, units: "m")], format: "Altimeter measurement {} m from the estimate; rejected", throttle: EventThrottle(count: 5, window: .seconds(10))),
                EventDefinition(Event.altimeterReacquired.rawValue, "AltimeterReacquired", .warningHigh, arguments: [.init("jump", .f64, units: "m")], format: "Consistent altimeter measurements believed: the estimate moved {} m"),
                EventDefinition(Event.imuFailover.rawValue, "ImuFailover", .warningHigh, format: "No valid IMU data: navigating on the commanded thrust"),
                EventDefinition(Event.imuRecovered.rawValue, "ImuRecovered", .activityHigh, format: "Valid IMU data again: navigating on the IMU"),
                EventDefinition(Event.terrainStep.rawValue, "AltimeterTerrainStep", .warningLow, arguments: [.init("step", .f64, units: "m"), .init("offset", .f64, units: "m")], format: "The ground under the altimeter stepped {} m (an abrupt, lasting change: terrain, not the estimate); terrain offset now {} m"),
                EventDefinition(Event.initialized.rawValue, "NavigationInitialized", .activityHigh, arguments: [.init("altitude", .f64, units: "m")], format: "Navigation initialised at {} m"),
            ],
            parameters: [
                ParameterDefinition(Parameter.imuTimeout.rawValue, "IMU_TIMEOUT", .f64, default: .f64(0.1), range: 0.01...5, units: "s", summary: "No valid IMU sample for this long: fail over to the commanded thrust"),
                ParameterDefinition(Parameter.exhaustVelocity.rawValue, "EXHAUST_VELOCITY", .f64, default: .f64(exhaustVelocity), range: 100...10_000, units: "m/s", summary: "For the mass flow from the measured thrust"),
            ])
    }

    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        switch Parameter(rawValue: localID) {
        case .imuTimeout: imuTimeout = .seconds(value.doubleValue)
        case .exhaustVelocity: exhaustVelocity = value.doubleValue
        case nil: break
        }
    }

    /// How fast the thrust axis is taken to turn towards the commanded one while the IMU is
    /// out: the attitude unit's slew limit (10 deg/s, docs/devices.md).
    public static let failoverSlewRate = 10 * Double.pi / 180

    /// `attitude` with its thrust axis (body +z) turned towards `target` (a unit vector) by at
    /// most `angle` radians, about the axis perpendicular to both.
    static func turned(_ attitude: Quaternion, towards target: SIMD3<Double>, by angle: Double) -> Quaternion {
        let axis = attitude.rotate([0, 0, 1])
        let off = arcCosine(max(-1, min(1, Missions.dot(axis, target))))
        guard off > 1e-9 else { return attitude }
        if off <= angle { return (Quaternion(from: axis, to: target) * attitude).normalized }
        let turn = Missions.cross(axis, target)
        let n = Missions.length(turn)
        // Opposite axes: any perpendicular turns it (Quaternion(from:to:) picks one).
        let about = n > 1e-12 ? turn / n : Quaternion(from: axis, to: target).v / max(Missions.length(Quaternion(from: axis, to: target).v), 1e-12)
        return (Quaternion(axis: about, angle: angle) * attitude).normalized
    }

    public func tick(_ context: TickContext) {
        let now = context.time
        if let s = engine.receive() { thrust = s.thrustValid ? max(0, s.thrust) : thrust }
        if let d = attitudeDemand.receive(), !d.hold { commandedAxis = Missions.normalized(d.axis) }
        guard initialized else {
            while imu.receive() != nil {}
            while altimeter.receive() != nil {}
            return
        }
        let tickDt = lastTick.map { min(max(now.since($0).seconds, 0), 1) } ?? 0
        lastTick = now
        if mass > 0, thrust > 0, exhaustVelocity > 0 { mass = max(1, mass - thrust / exhaustVelocity * tickDt) }

        var usedIMU = false
        while let s = imu.receive() {
            // Each sample stands for one IMU period, and a gap in the device's counter for the
            // periods missed (capped): arrival times jitter by a tick, the device's clock does not.
            let missed = lastIMUCounter.map { Int(s.deviceCounter &- $0) } ?? 1
            lastIMUCounter = s.deviceCounter
            lastIMU = s.time
            let dt = imuPeriod * Double(min(max(missed, 1), 10))
            guard s.valid else { continue }
            navigation.propagate(specificForce: s.specificForce, rate: s.angularRate, dt: dt)
            bodyRate = Missions.length(s.angularRate)
            specificForce = Missions.length(s.specificForce)
            lastValidIMU = now
            usedIMU = true
        }
        let imuOK = lastValidIMU.map { now.since($0) <= imuTimeout } ?? false
        if !imuOK {
            if !imuFailover {
                imuFailover = true
                ports.log(Event.imuFailover)
            }
            specificForce = .nan
            // Propagate over the tick on the thrust the engine reports, along the thrust axis the
            // attitude unit is turning towards the commanded one at its slew limit: taking the
            // commanded axis at once was tens of degrees wrong when the IMU dropped out in the
            // middle of a turn, and navigation went on from there when it came back.
            let attitude = Self.turned(navigation.attitude, towards: commandedAxis, by: Self.failoverSlewRate * tickDt)
            let a = mass > 0 ? thrust / mass * attitude.rotate([0, 0, 1]) : .zero
            navigation.propagate(thrustAcceleration: a, attitude: attitude, dt: tickDt)
            lastIMU = now.nanoseconds
        } else if imuFailover && usedIMU {
            imuFailover = false
            ports.log(Event.imuRecovered)
        }

        while let a = altimeter.receive() {
            var ranges: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)
            var rates: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)
            func r(_ i: Int) -> Double? { a.isRangeValid(i) ? a.range[i] : nil }
            func v(_ i: Int) -> Double? { a.isRateValid(i) ? a.rangeRate[i] : nil }
            ranges = (r(0), r(1), r(2), r(3))
            rates = (v(0), v(1), v(2), v(3))
            let rangeList = CollectionOfFour(ranges)
            guard bodyRate <= altimeterRateLimit else {
                altimeterUsed = false
                continue
            }
            let verdict = navigation.correctAltitude(ranges: rangeList)
            switch verdict {
            case .accepted: altimeterUsed = true
            case .rejected(let innovation):
                altimeterUsed = false
                ports.log(Event.altimeterRejected, .f64(innovation))
            case .reacquired(let jump):
                altimeterUsed = true
                ports.log(Event.altimeterReacquired, .f64(jump))
            case .terrainStep(let step):
                altimeterUsed = true
                ports.log(Event.terrainStep, .f64(step), .f64(navigation.terrainOffset))
            case .noData: altimeterUsed = false
            }
            let speed = Missions.length(navigation.velocity)
            if speed <= velocimeterMaxSpeed, bodyRate <= max(beamRateLimit, 0.1 / (max(speed, 1) * 0.05)) {
                _ = navigation.correctVelocity(rangeRates: CollectionOfFour(rates))
            }
            let ground = GroundSlope.plane(
                ranges: rangeList, beams: navigation.configuration.beams, attitude: navigation.attitude, up: navigation.up)
            groundSlope = ground?.slope ?? .nan
            groundDownhill = ground?.downhill ?? .zero
        }

        var s = NavigationSolution()
        s.time = now.nanoseconds
        s.position = navigation.position
        s.velocity = navigation.velocity
        let q = navigation.attitude
        s.attitude = SIMD4(q.w, q.v.x, q.v.y, q.v.z)
        s.altitude = navigation.altitude
        s.verticalSpeed = navigation.verticalSpeed
        s.horizontalSpeed = navigation.horizontalSpeed
        s.mass = mass
        s.specificForce = specificForce
        s.groundSlope = groundSlope
        s.groundDownhill = groundDownhill
        s.imuValid = !imuFailover
        s.altimeterUsed = altimeterUsed
        s.initialized = true
        latest = s
        output.publish(s)
        ports.write(Channel.altitude, .f64(s.altitude))
        ports.write(Channel.verticalSpeed, .f64(s.verticalSpeed))
        ports.write(Channel.horizontalSpeed, .f64(s.horizontalSpeed))
        ports.write(Channel.mass, .f64(mass))
        ports.write(Channel.imuValid, .bool(!imuFailover))
        ports.write(Channel.altimeterAccepted, .u32(UInt32(clamping: navigation.altitudeAccepted)))
        ports.write(Channel.altimeterRejected, .u32(UInt32(clamping: navigation.altitudeRejected)))
        ports.write(Channel.reacquisitions, .u32(UInt32(clamping: navigation.reacquisitions)))
        ports.write(Channel.velocityAccepted, .u32(UInt32(clamping: navigation.velocityAccepted)))
        ports.write(Channel.groundSlope, .f64(groundSlope * 180 / Double.pi))
        ports.write(Channel.initialized, .bool(true))
        ports.write(Channel.terrainOffset, .f64(navigation.terrainOffset))
        ports.write(Channel.terrainSteps, .u32(UInt32(clamping: navigation.terrainSteps)))
    }
}

/// Four optional values as a collection, without allocating.
struct CollectionOfFour: RandomAccessCollection {
    let values: (Double?, Double?, Double?, Double?)
    init(_ v: (Double?, Double?, Double?, Double?)) { values = v }
    var startIndex: Int { 0 }
    var endIndex: Int { 4 }
    subscript(i: Int) -> Double? {
        switch i {
        case 0: values.0
        case 1: values.1
        case 2: values.2
        default: values.3
        }
    }
}
