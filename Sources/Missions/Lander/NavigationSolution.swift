public import FlightCore

/// The lander's navigation estimate, published every tick by ``LanderNavigator``.
public struct NavigationSolution: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Moon-centred inertial position (m) and velocity (m/s).
    public var position = SIMD3<Double>()
    public var velocity = SIMD3<Double>()
    /// Attitude, body to inertial: (w, x, y, z).
    public var attitude = SIMD4<Double>(1, 0, 0, 0)
    /// Height above the reference surface (m), vertical speed (up positive), horizontal speed.
    public var altitude: Double = 0
    public var verticalSpeed: Double = 0
    public var horizontalSpeed: Double = 0
    /// Estimated mass (kg), from the initial mass less the measured thrust's mass flow.
    public var mass: Double = 0
    /// Magnitude of the latest valid specific force (m/s^2); NaN without a valid IMU.
    public var specificForce: Double = .nan
    /// The ground slope under the lander from the altimeter beams (rad); NaN when unknown.
    public var groundSlope: Double = .nan
    /// Which way the ground under the lander falls: a horizontal unit vector (Moon-centred
    /// inertial frame) from the same plane fit as `groundSlope`; zero when unknown or level.
    public var groundDownhill = SIMD3<Double>()
    /// Propagating on the IMU (true) or on the commanded thrust (IMU fail-over).
    public var imuValid = false
    /// The altimeter's latest sample was used (true), or rejected / absent.
    public var altimeterUsed = false
    /// Initialised by a state vector.
    public var initialized = false

    public init() {}

    public var quaternion: Quaternion { Quaternion(w: attitude.x, v: SIMD3(attitude.y, attitude.z, attitude.w)) }
}

/// Topics of the lander's flight applications (ids 0x0120-0x013F).
public struct LanderAppTopics {
    public enum ID {
        public static let navigation = TopicID(0x0120)
        public static let attitudeDemand = TopicID(0x0121)
        public static let attitudeStatus = TopicID(0x0122)
    }

    public let navigation: Topic<NavigationSolution>
    /// Published by descent; the attitude control driver follows it.
    public let attitudeDemand: Topic<AttitudeDemand>
    public let attitudeStatus: Topic<AttitudeStatusSample>

    public init(on bus: SoftwareBus) throws(TopologyError) {
        navigation = try bus.topic(ID.navigation, "Navigation")
        attitudeDemand = try bus.topic(ID.attitudeDemand, "AttitudeDemand")
        attitudeStatus = try bus.topic(ID.attitudeStatus, "AttitudeStatus")
    }
}
