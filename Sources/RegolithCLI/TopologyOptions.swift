public import ArgumentParser
public import FlightCore

/// The flight topologies the CLI knows by name. Missions add theirs when they land.
public enum KnownTopology: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The core services alone: dispatcher, event log, telemetry, parameters, bus, scheduler.
    case core

    public func build() throws -> Topology {
        switch self {
        case .core:
            let builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
            return try builder.build()
        }
    }
}

/// Chooses which topology a subcommand works on.
struct TopologyOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The flight topology to use.")
    var topology: KnownTopology = .core
}
