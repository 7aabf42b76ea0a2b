public import ArgumentParser
public import FlightCore

/// The flight topologies the CLI knows by name. Missions add theirs when they land.
public enum KnownTopology: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The core services (dispatcher, event log, telemetry, parameters, bus, scheduler) with
    /// the core fault protection: system mode, health pings, the fault manager and its core table.
    case core

    public func build() throws -> Topology {
        switch self {
        case .core:
            var builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
            let modes = SystemMode(modes: ["STANDBY", "OPERATE", "SAFE"], initial: "STANDBY")
            builder.addFaultProtection(modes: modes, table: .core, divisor: 10, offset: 5)
            return try builder.build()
        }
    }
}

/// Chooses which topology a subcommand works on.
struct TopologyOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The flight topology to use.")
    var topology: KnownTopology = .core
}
