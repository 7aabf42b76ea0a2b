public import FlightCore

/// The lander's device topics on the software bus: what its drivers publish and the engine
/// demand its engine driver follows. Ids 0x0100-0x011F are the lander's device range;
/// the ids and names are part of the dictionary, so they do not change.
///
/// ```swift
/// var builder = TopologyBuilder(name: "Lander", baseRate: 100)
/// let topics = try LanderTopics(on: builder.bus)
/// let imu = try topics.imu.subscribe("navigation", capacity: 4)
/// ```
public struct LanderTopics {
    public enum ID {
        public static let imu = TopicID(0x0100)
        public static let altimeter = TopicID(0x0101)
        public static let legContact = TopicID(0x0102)
        public static let engineStatus = TopicID(0x0103)
        public static let power = TopicID(0x0104)
        public static let engineDemand = TopicID(0x0110)
    }

    public let imu: Topic<IMUSample>
    public let altimeter: Topic<AltimeterSample>
    public let legContact: Topic<LegContactSample>
    public let engineStatus: Topic<EngineStatusSample>
    public let power: Topic<PowerSample>
    /// Published by descent guidance (or a sequence); the engine driver subscribes.
    public let engineDemand: Topic<EngineThrustDemand>

    /// Creates the topics on `bus` (while the topology is being built).
    public init(on bus: SoftwareBus) throws(TopologyError) {
        imu = try bus.topic(ID.imu, "LanderIMU")
        altimeter = try bus.topic(ID.altimeter, "Altimeter")
        legContact = try bus.topic(ID.legContact, "LegContact")
        engineStatus = try bus.topic(ID.engineStatus, "EngineStatus")
        power = try bus.topic(ID.power, "LanderPower")
        engineDemand = try bus.topic(ID.engineDemand, "EngineThrustDemand")
    }
}

/// The rover's device topics: ids 0x0200-0x021F.
public struct RoverTopics {
    public enum ID {
        public static let wheelStatus = TopicID(0x0200)
        public static let attitude = TopicID(0x0201)
        public static let hazard = TopicID(0x0202)
        public static let power = TopicID(0x0203)
        public static let wheelDemand = TopicID(0x0210)
    }

    public let wheelStatus: Topic<WheelStatusSample>
    public let attitude: Topic<RoverAttitudeSample>
    public let hazard: Topic<HazardSample>
    public let power: Topic<PowerSample>
    /// Published by rover drive; the wheel driver subscribes.
    public let wheelDemand: Topic<WheelSpeedDemand>

    public init(on bus: SoftwareBus) throws(TopologyError) {
        wheelStatus = try bus.topic(ID.wheelStatus, "WheelStatus")
        attitude = try bus.topic(ID.attitude, "RoverAttitude")
        hazard = try bus.topic(ID.hazard, "Hazard")
        power = try bus.topic(ID.power, "RoverPower")
        wheelDemand = try bus.topic(ID.wheelDemand, "WheelDemand")
    }
}
