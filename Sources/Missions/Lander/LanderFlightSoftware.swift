public import Devices
public import FlightCore
public import FlightHAL
public import Sequencing

/// The lander's flight software as one topology: the core services, the device drivers
/// (including the attitude control unit), navigation and descent, on the links a board gives.
///
/// Rate groups (base rate 100 Hz): `landerDevices` (the five drivers), `landerApps`
/// (attitude driver, navigation, descent) and `sequencer` (the on-board sequencer, `seq`)
/// every tick, in that order, so a sample read this tick is in this tick's solution and
/// demand, and a sequence's `wait until` sees this tick's telemetry.
///
/// The ground interface (`groundIf`, 0x0900, its `ground` group at 50 Hz) is always there,
/// on the link given or on one that never opens, so the dictionary is the same either way.
///
/// Fixed base ids (automatic ids start at 0x1000): the descent manager at
/// ``descentBaseID`` (so `descent.START_DESCENT`'s opcode, which a sequence ARMs by number,
/// does not move when drivers are added) and the sequencer at ``sequencerBaseID``, the core
/// topology's convention.
public final class LanderFlightSoftware {
    public struct Configuration: Sendable {
        public var vehicle: DescentController.Vehicle
        public var plan: DescentPlan
        /// The landing site, Moon-centred (m), and a point up-range the approach comes from.
        public var site: SIMD3<Double>
        public var approachFrom: SIMD3<Double>
        public var navigation: LanderNavigation.Configuration
        public var exhaustVelocity: Double
        /// Centre of mass to foot pads (m).
        public var legHeight: Double
        /// 100 % throttle (N).
        public var ratedThrust: Double
        public var baseRate: Double
        /// Execution budget of a run of the guidance group (`landerApps`: attitude,
        /// navigation, descent) and its low-priority `landerDisplay` tier. Over it, the
        /// display is shed (the Apollo 1202 case), and comes back after `displayRestoreAfter`
        /// runs within it (5 s at 100 Hz).
        public var appsBudget = FlightDuration.milliseconds(8)
        public var displayRestoreAfter = 500

        public init(
            vehicle: DescentController.Vehicle, plan: DescentPlan, site: SIMD3<Double>, approachFrom: SIMD3<Double>,
            navigation: LanderNavigation.Configuration, exhaustVelocity: Double, legHeight: Double, ratedThrust: Double,
            baseRate: Double = 100
        ) {
            self.vehicle = vehicle
            self.plan = plan
            self.site = site
            self.approachFrom = approachFrom
            self.navigation = navigation
            self.exhaustVelocity = exhaustVelocity
            self.legHeight = legHeight
            self.ratedThrust = ratedThrust
            self.baseRate = baseRate
        }

        /// The altimeter's beams as the lander carries them: one along body -z (the thrust
        /// axis is +z), three 20 degrees off it, 120 degrees apart.
        public static let landerBeams: [SIMD3<Double>] = {
            let c = cosine(20 * Double.pi / 180), s = sine(20 * Double.pi / 180)
            return [SIMD3(0, 0, -1)] + (0..<3).map { k in
                let a = Double(k) * 2 * Double.pi / 3
                return SIMD3(s * cosine(a), s * sine(a), -c)
            }
        }()
    }

    public static let devices = LanderDrivers.devices + ["attitude"]
    /// Base id of the descent manager: `descent.START_DESCENT` is opcode 0x0B00.
    public static let descentBaseID: UInt32 = 0x0B00
    /// Base id of the sequencer, as in the core topology.
    public static let sequencerBaseID: UInt32 = 0x0A00

    public let topology: Topology
    public let drivers: LanderDrivers
    public let attitude: AttitudeControlDriver
    public let navigator: LanderNavigator
    /// The descent display: low-priority, shed first under overload.
    public let display: DescentDisplay
    public let descent: DescentManager
    /// The on-board sequencer: `install(_:)` a compiled sequence, start it with `seq.SEQ_RUN`.
    public let sequencer: Sequencer
    public let appTopics: LanderAppTopics
    /// The system mode, health monitor and fault manager, when a fault table was given.
    public let faultProtection: FaultProtection?
    /// Uplink and downlink over `groundLink` (fprime-gds's framing, docs/ground.md).
    public let groundInterface: GroundInterface
    /// The lander's modes: STANDBY before the descent, DESCENT in powered descent (set by the
    /// descent manager at START_DESCENT), LANDED at touchdown, SAFE (on abort, or by a fault
    /// response).
    public static let modes = ["STANDBY", "DESCENT", "LANDED", "SAFE"]

    /// `faults`: the lander's fault table (`Boards/lander-faults.yaml`, docs/faults.md); with
    /// it the topology gets the system mode, health pings and the fault manager, in a `faults`
    /// rate group at 10 Hz after the lander's own groups, and the table's command lock-outs.
    /// `groundLink`: the ground's byte link (TCP, serial); none: a link that never opens.
    public init(
        links: [String: DeviceEndpoint.Link], configuration c: Configuration, name: String = "Lander", faults: FaultTable? = nil,
        groundLink: (any ByteLink)? = nil, ground: GroundInterface.Configuration = .init()
    ) throws {
        var builder = TopologyBuilder(name: name, baseRate: c.baseRate, coreRate: 10)
        let drivers = try LanderDrivers(links: links, into: &builder, options: .init(ratedThrust: c.ratedThrust))
        let appTopics = try LanderAppTopics(on: builder.bus)
        guard let attitudeLink = links["attitude"] else {
            throw DriverSetError.missingDevice("attitude", vehicle: "lander", available: Array(links.keys))
        }
        let attitude = try AttitudeControlDriver(
            name: "attitude", link: attitudeLink, publishing: appTopics.attitudeStatus, following: appTopics.attitudeDemand)
        let navigator = try LanderNavigator(
            configuration: c.navigation, exhaustVelocity: c.exhaustVelocity, landerTopics: drivers.topics, appTopics: appTopics)
        let controller = DescentController(plan: c.plan, site: SiteFrame(site: c.site, approachFrom: c.approachFrom), vehicle: c.vehicle)
        let armed: [DescentManager.ArmedDevice] = [
            .init(name: "imu") { drivers.imu.health.rawValue },
            .init(name: "altimeter") { drivers.altimeter.health.rawValue },
            .init(name: "engine") { drivers.engine.health.rawValue },
            .init(name: "legs") { drivers.legs.health.rawValue },
            .init(name: "attitude") { attitude.health.rawValue },
        ]
        let descent = try DescentManager(
            controller: controller, legHeight: c.legHeight, landerTopics: drivers.topics, appTopics: appTopics, armedDevices: armed)
        builder.add(attitude)
        builder.add(navigator)
        builder.add(descent, baseID: Self.descentBaseID)
        let sequencer = Sequencer()
        builder.add(sequencer, baseID: Self.sequencerBaseID)
        builder.add(drivers.rateGroup(), divisor: 1)
        let display = try DescentDisplay(site: SiteFrame(site: c.site, approachFrom: c.approachFrom), appTopics: appTopics)
        builder.add(display)
        builder.add(
            RateGroup("landerApps", attitude, navigator, descent), divisor: 1, budget: c.appsBudget,
            shedding: [RateGroup("landerDisplay", display)], restoreAfter: c.displayRestoreAfter)
        builder.add(RateGroup("sequencer", sequencer), divisor: 1)
        groundInterface = try builder.addGroundInterface(link: groundLink, configuration: ground)
        faultProtection = builder.addMissionFaultProtection(modes: Self.modes, table: faults)
        descent.modes = faultProtection?.modes
        topology = try builder.build()
        topology.constants = ground.dataLink.dictionaryConstants
        sequencer.attach(to: topology)
        self.sequencer = sequencer
        self.drivers = drivers
        self.attitude = attitude
        self.navigator = navigator
        self.display = display
        self.descent = descent
        self.appTopics = appTopics
    }
}
