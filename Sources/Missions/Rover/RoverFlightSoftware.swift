public import Devices
public import FlightCore
public import FlightHAL
public import Sequencing

/// The rover's flight software as one topology: the core services, the device drivers
/// (``RoverDrivers``: wheels, rover IMU, hazard sensor, and power when the board has one),
/// the drive (``RoverDrive``, instance `drive`) and the on-board sequencer (`seq`), on the
/// links a board gives.
///
/// Rate groups (base rate 100 Hz): `roverDevices` (wheel, IMU and hazard drivers),
/// `roverPower` (when there is a power unit), `roverApps` (the drive) and `sequencer`, every
/// tick, in that order, so a sample read this tick is in this tick's drive cycle and a
/// sequence's `wait until` sees this tick's telemetry.
///
/// The ground interface (`groundIf`, 0x0900, its `ground` group at 50 Hz) is always there,
/// on the link given or on one that never opens, so the dictionary is the same either way.
///
/// Fixed base ids (automatic ids start at 0x1000): the drive at ``driveBaseID`` (so
/// `drive.DRIVE_GOTO_WAYPOINT`'s opcode, which a sequence may ARM by number, does not move
/// when drivers are added) and the sequencer at ``sequencerBaseID``, the core topology's
/// convention.
public final class RoverFlightSoftware {
    public struct Configuration: Sendable {
        public var drive: DriveController.Configuration
        /// Where the rover stands when the software starts (site map, m; heading rad from north).
        public var east: Double
        public var north: Double
        public var heading: Double
        public var drivers: RoverDrivers.Options
        public var baseRate: Double

        public init(
            drive: DriveController.Configuration, east: Double = 0, north: Double = 0, heading: Double = 0,
            drivers: RoverDrivers.Options = .init(), baseRate: Double = 100
        ) {
            self.drive = drive
            self.east = east
            self.north = north
            self.heading = heading
            self.drivers = drivers
            self.baseRate = baseRate
        }
    }

    public static let devices = RoverDrivers.devices + ["power"]
    /// Base id of the drive: `drive.DRIVE_ARC` is opcode 0x0C00.
    public static let driveBaseID: UInt32 = 0x0C00
    /// Base id of the sequencer, as in the core topology.
    public static let sequencerBaseID: UInt32 = 0x0A00

    public let topology: Topology
    public let drivers: RoverDrivers
    public let drive: RoverDrive
    /// The on-board sequencer: `install(_:)` a compiled sequence, start it with `seq.SEQ_RUN`.
    public let sequencer: Sequencer
    /// Uplink and downlink over `groundLink` (fprime-gds's framing, docs/ground.md).
    public let groundInterface: GroundInterface
    /// The system mode, health monitor and fault manager, when a fault table was given.
    public let faultProtection: FaultProtection?
    /// The rover's modes: STANDBY (parked: idle, or stopped and waiting for the ground),
    /// DRIVING (the drive moving: turning, driving or assessing a step; set by the drive),
    /// SAFE (by a fault response; only the hazardous EXIT_SAFE leaves it).
    public static let modes = ["STANDBY", "DRIVING", "SAFE"]

    /// `faults`: the rover's fault table (`Boards/rover-faults.yaml`, docs/faults.md); with it
    /// the topology gets the system mode, health pings and the fault manager, in a `faults`
    /// rate group at 10 Hz after the rover's own groups, and the table's command lock-outs.
    /// `groundLink`: the ground's byte link (TCP, serial); none: a link that never opens.
    public init(
        links: [String: DeviceEndpoint.Link], configuration c: Configuration, name: String = "Rover", faults: FaultTable? = nil,
        groundLink: (any ByteLink)? = nil, ground: GroundInterface.Configuration = .init()
    ) throws {
        var builder = TopologyBuilder(name: name, baseRate: c.baseRate, coreRate: 10)
        let drivers = try RoverDrivers(links: links, into: &builder, options: c.drivers)
        let controller = DriveController(east: c.east, north: c.north, heading: c.heading, configuration: c.drive)
        let drive = try RoverDrive(name: "drive", controller: controller, topics: drivers.topics)
        builder.add(drive, baseID: Self.driveBaseID)
        let sequencer = Sequencer()
        builder.add(sequencer, baseID: Self.sequencerBaseID)
        builder.add(drivers.rateGroup(), divisor: 1)
        if let power = drivers.powerRateGroup() { builder.add(power, divisor: 1) }
        builder.add(RateGroup("roverApps", drive), divisor: 1)
        builder.add(RateGroup("sequencer", sequencer), divisor: 1)
        groundInterface = try builder.addGroundInterface(link: groundLink, configuration: ground)
        faultProtection = builder.addMissionFaultProtection(modes: Self.modes, table: faults)
        drive.modes = faultProtection?.modes
        topology = try builder.build()
        topology.constants = ground.dataLink.dictionaryConstants
        sequencer.attach(to: topology)
        self.sequencer = sequencer
        self.drivers = drivers
        self.drive = drive
    }
}
