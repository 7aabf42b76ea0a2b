public import ArgumentParser
public import FlightCore
public import FlightHAL
import FlightWire
import MissionHarness
import Sequencing

/// The flight topologies the CLI knows by name. Missions add theirs when they land.
public enum KnownTopology: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The core services (dispatcher, event log, telemetry, parameters, bus, scheduler), the
    /// core fault protection (system mode, health pings, the fault manager and its core
    /// table), the sequencer (`seq`, base id 0x0A00, every base tick) and the ground
    /// interface (its link unconnected unless one is given).
    case core

    /// The lander's flight software (`LanderFlightSoftware`: drivers, attitude, navigation,
    /// descent, the sequencer `seq` at 0x0A00), Chang'e-class, as the mission harness builds
    /// it, on in-process device links; no ground interface. The simulator is not stepped:
    /// this is for the dictionary (`dict export`, `seq check`), not for running a descent
    /// (the mission harness does that).
    case lander

    /// The rover's flight software (`RoverFlightSoftware`: wheel, IMU, hazard and power
    /// drivers, the drive `drive` at 0x0C00, the sequencer `seq` at 0x0A00, and the fault
    /// protection of `Boards/rover-faults.yaml`: system mode, health, fault manager), Yutu-2-class,
    /// as `regolith mission rover-drive` builds it, on in-process device links; no ground
    /// interface. For the dictionary (`dict export`, `seq check`); the mission harness runs the drive.
    case rover

    /// Base id of the ground interface component in every topology.
    public static let groundBaseID: UInt32 = TopologyBuilder.groundInterfaceBaseID
    public static let sequencerBaseID: UInt32 = 0x0A00

    /// Builds the topology. Its ground interface drives `groundLink` (none: a link that is
    /// never open); the data-link constants (`ComCfg.SpacecraftId`, `ComCfg.TmFrameFixedSize`)
    /// go into the dictionary so fprime-gds frames with the same ones.
    public func build(groundLink: (any ByteLink)? = nil, ground: GroundInterface.Configuration = .init()) throws -> Topology {
        switch self {
        case .core:
            var builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
            let modes = SystemMode(modes: ["STANDBY", "OPERATE", "SAFE"], initial: "STANDBY")
            builder.addFaultProtection(modes: modes, table: .core, divisor: 10, offset: 5)
            let sequencer = Sequencer()
            builder.add(sequencer, baseID: Self.sequencerBaseID)
            builder.add(RateGroup("sequencer", sequencer), divisor: 1)
            // 50 Hz, between the core group's ticks.
            try builder.addGroundInterface(link: groundLink, configuration: ground)
            let topology = try builder.build()
            sequencer.attach(to: topology)
            topology.constants = ground.dataLink.dictionaryConstants
            return topology
        case .lander:
            var options = LanderMission.Options()
            options.descent = .none
            options.faultTable = LanderMission.repositoryFaultTable
            options.ground = ground
            return try LanderMission(options: options).flight.topology
        case .rover:
            var options = RoverMission.Options()
            options.drive = .none
            options.faultTable = RoverMission.repositoryFaultTable
            options.ground = ground
            return try RoverMission(options: options).flight.topology
        }
    }
}

extension Topology {
    /// The topology's ground interface, if it has one.
    var groundInterface: GroundInterface? { members.lazy.compactMap { $0.component as? GroundInterface }.first }
}

/// Chooses which topology a subcommand works on.
struct TopologyOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The flight topology to use.")
    var topology: KnownTopology = .core
}

/// The ground link's data-link constants. They go into the dictionary (`ComCfg.SpacecraftId`,
/// `ComCfg.TmFrameFixedSize`), where fprime-gds reads them, so `dict export`, `run` and
/// `ground` must be given the same ones.
struct DataLinkOptions: ParsableArguments {
    @Option(help: "CCSDS spacecraft id of the ground link's frames (0...1023).")
    var spacecraftId: UInt16 = DataLinkConfiguration.fprimeDefault.spacecraftID

    @Option(help: "Length in bytes of every downlink TM frame.")
    var tmFrameSize: Int = DataLinkConfiguration.fprimeDefault.tmFrameSize

    var configuration: DataLinkConfiguration {
        var c = DataLinkConfiguration.fprimeDefault
        c.spacecraftID = spacecraftId
        c.tmFrameSize = tmFrameSize
        return c
    }

    func validate() throws {
        guard spacecraftId <= 0x3FF else { throw ValidationError("--spacecraft-id must be in 0...1023, not \(spacecraftId)") }
        let sizes = (TMFrame.overhead + SpacePacketHeader.size + 1)...TMFrame.maxSize
        guard sizes.contains(tmFrameSize) else {
            throw ValidationError("--tm-frame-size must be in \(sizes.lowerBound)...\(sizes.upperBound), not \(tmFrameSize)")
        }
    }
}
