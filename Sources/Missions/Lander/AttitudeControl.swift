public import Devices
public import FlightCore

/// What the thrust axis should do: published by descent guidance, followed by the attitude
/// control unit's driver.
public struct AttitudeDemand: BitwiseCopyable, Sendable, Equatable {
    /// Thrust axis target, unit vector, Moon-centred inertial frame.
    public var axis: SIMD3<Double>
    /// Hold the present attitude (ignore `axis`).
    public var hold: Bool

    public init(axis: SIMD3<Double>, hold: Bool = false) {
        self.axis = axis
        self.hold = hold
    }

    public static let holdAttitude = AttitudeDemand(axis: .zero, hold: true)
}

/// One ATTITUDE_STATUS, in SI units.
public struct AttitudeStatusSample: BitwiseCopyable, Sendable, Equatable {
    public var time: UInt64 = 0
    /// Angle between the thrust axis and its target, rad.
    public var pointingError: Double = 0
    /// Body rate magnitude, rad/s.
    public var bodyRate: Double = 0
    public var settled = false
    public var holding = false
    public var valid = false
    public var commandCounter: UInt8 = 0
    public var sequence: UInt32 = 0
    public var deviceCounter: UInt8 = 0

    public init() {}
}

/// The attitude control unit as a ``SensorDevice``: its status half.
public enum AttitudeControlDevice: SensorDevice {
    public static let kind = "AttitudeControlDriver"
    public static let summary = "Attitude control unit driver: AttitudeDemand into ATTITUDE_CMD; ATTITUDE_STATUS into AttitudeStatusSample"
    public static var ids: [UInt16] { [AttitudeStatus.id] }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(400) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        if case .attitudeStatus(let s) = m { return (0, s.counter) }
        return nil
    }

    public static func emptySample() -> AttitudeStatusSample { AttitudeStatusSample() }

    public static func apply(_ m: DeviceMessage, to s: inout AttitudeStatusSample) {
        guard case .attitudeStatus(let a) = m else { return }
        s.pointingError = a.pointingError * Double.pi / 180
        s.bodyRate = a.bodyRate * Double.pi / 180
        s.settled = a.settled
        s.holding = a.holding
        s.valid = a.valid
        s.commandCounter = a.commandCounter
    }

    public static func stamp(_ s: inout AttitudeStatusSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    public static func isValid(_ s: AttitudeStatusSample) -> Bool { s.valid }

    public static var channels: [ChannelDefinition] {
        [
            ChannelDefinition(DriverMonitor.firstOwnID, "PointingError", .f64, units: "deg", summary: "Angle between the thrust axis and its target"),
            ChannelDefinition(DriverMonitor.firstOwnID + 1, "Settled", .bool, update: .onChange),
        ]
    }

    public static func write(_ s: AttitudeStatusSample, to ports: ComponentPorts) {
        ports.write(DriverMonitor.firstOwnID, .f64(s.pointingError * 180 / Double.pi))
        ports.write(DriverMonitor.firstOwnID + 1, .bool(s.settled))
    }
}

/// The attitude control unit's flight driver: the status side is a ``SensorDriver`` (health,
/// staleness, counters, rejections, as every sensor); the command side follows an
/// ``AttitudeDemand`` topic and sends ATTITUDE_CMD when the demand changes by more than
/// 0.01 degree or every COMMAND_PERIOD (0.1 s), each with a new counter.
public final class AttitudeControlDriver: Component {
    enum Channel: UInt32 { case commandsSent = 0x40, holding, invalidDemands }
    enum Event: UInt32 { case invalidDemand = 0x40 }

    let status: SensorDriver<AttitudeControlDevice>
    private let demands: Subscription<AttitudeDemand>
    private var demand = AttitudeDemand.holdAttitude
    private var lastSent: (demand: AttitudeDemand, at: FlightTime)?
    private var counter: UInt8 = 0
    private var commandsSent: UInt32 = 0
    private var invalidDemands: UInt32 = 0
    public let commandPeriod = FlightDuration.milliseconds(100)

    public init(
        name: String = "attitude", link: DeviceEndpoint.Link, publishing topic: Topic<AttitudeStatusSample>,
        following demand: Topic<AttitudeDemand>
    ) throws(TopologyError) {
        status = SensorDriver(name: name, link: link, publishing: topic)
        demands = try demand.subscribe(name, capacity: 1, policy: .keepLatest)
    }

    public var name: String { status.name }
    public var ports: ComponentPorts {
        get { status.ports }
        set { status.ports = newValue }
    }
    public var health: DeviceHealth { status.health }
    /// The attitude unit's link counts (status messages taken, frames refused).
    public var endpointCounts: DeviceEndpoint.Counts { status.endpoint.counts }
    public var latest: AttitudeStatusSample? { status.latest }

    public var definition: ComponentDefinition {
        var d = status.definition
        d.kind = AttitudeControlDevice.kind
        d.channels += [
            ChannelDefinition(Channel.commandsSent.rawValue, "CommandsSent", .u32, update: .onChange),
            ChannelDefinition(Channel.holding.rawValue, "HoldCommanded", .bool, update: .onChange, summary: "The last command said hold"),
            ChannelDefinition(Channel.invalidDemands.rawValue, "InvalidDemands", .u32, update: .onChange, summary: "Demands whose axis was not a usable direction (hold sent instead)"),
        ]
        d.events += [
            EventDefinition(Event.invalidDemand.rawValue, "InvalidAttitudeDemand", .warningLow, format: "Attitude demand with no usable axis; holding", throttle: EventThrottle(count: 10, window: .seconds(60))),
        ]
        return d
    }

    public func tick(_ context: TickContext) {
        status.tick(context)
        while let d = demands.receive() { demand = d }
        var wanted = demand
        if !wanted.hold {
            let n = (wanted.axis * wanted.axis).sum().squareRoot()
            if !(n > 1e-6) || !n.isFinite {
                invalidDemands &+= 1
                ports.log(Event.invalidDemand)
                wanted = .holdAttitude
            } else {
                wanted.axis /= n
            }
        }
        let changed: Bool
        if let last = lastSent {
            if last.demand.hold != wanted.hold {
                changed = true
            } else {
                changed = !wanted.hold && (last.demand.axis * wanted.axis).sum() < 0.999_999_98  // ~0.01 deg
            }
        } else {
            changed = true
        }
        let due = lastSent.map { context.time.since($0.at) >= commandPeriod } ?? true
        if changed || due {
            counter &+= 1
            let a = wanted.axis
            _ = status.endpoint.send(.attitudeCommand(AttitudeCommand(axis: (a.x, a.y, a.z), hold: wanted.hold, counter: counter)))
            commandsSent &+= 1
            lastSent = (wanted, context.time)
        }
        ports.write(Channel.commandsSent, .u32(commandsSent))
        ports.write(Channel.holding, .bool(wanted.hold))
        ports.write(Channel.invalidDemands, .u32(invalidDemands))
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse { status.handle(command) }
    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) { status.parameterUpdated(localID, to: value) }
}
