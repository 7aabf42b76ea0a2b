public import ArgumentParser

/// `regolith`: the one command-line entry point. One struct per subcommand.
public struct RegolithCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "regolith",
        abstract: "Regolith: hardware-in-the-loop flight software — run, inspect and command flight builds.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self, DictCommand.self, PortsCommand.self, CANCommand.self, SimbusCommand.self,
            FaultsCommand.self, SeqCommand.self, SimCommand.self, GroundCommand.self, ArchiveCommand.self,
        ])

    public init() {}
}
