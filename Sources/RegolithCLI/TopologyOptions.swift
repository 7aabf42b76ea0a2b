public import ArgumentParser
public import FlightCore
import Sequencing

/// The flight topologies the CLI knows by name. Missions add theirs when they land.
public enum KnownTopology: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The core services (dispatcher, event log, telemetry, parameters, bus, scheduler) and
    /// the sequencer (`seq`, base id 0x0700, ticking every base tick).
    case core

    public func build() throws -> Topology {
        switch self {
        case .core:
            var builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
            let sequencer = Sequencer()
            builder.add(sequencer, baseID: 0x0700)
            builder.add(RateGroup("sequencer", sequencer), divisor: 1)
            let topology = try builder.build()
            sequencer.attach(to: topology)
            return topology
        }
    }
}

/// Chooses which topology a subcommand works on.
struct TopologyOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The flight topology to use.")
    var topology: KnownTopology = .core
}
