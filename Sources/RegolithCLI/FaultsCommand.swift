import ArgumentParser
import Configuration
import FlightCore
import Foundation

/// `regolith faults`: work with fault tables.
struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Check fault tables against a topology's dictionary.",
        subcommands: [FaultsCheck.self])
}

/// `regolith faults check`: loads a YAML fault table and checks it against a topology, printing
/// every problem as `file:line:col: error: message`.
struct FaultsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a YAML fault table against a topology's channels, events, commands and modes.",
        discussion: """
            Every problem is printed as file:line:col: error: message, in file order, and the exit \
            status is 1 when there is any. Sequences named by the table are checked against the \
            --sequence names when any are given.
            """)

    @OptionGroup var topologyOptions: TopologyOptions

    @Argument(help: "The fault table (YAML).")
    var file: String

    @Option(name: .customLong("sequence"), help: "A sequence the table may start (repeatable).")
    var sequences: [String] = []

    func run() throws {
        let (ok, lines) = try check()
        for line in lines { print(line) }
        if !ok { throw ExitCode(1) }
    }

    /// Whether the table is good, and what to print.
    func check() throws -> (ok: Bool, lines: [String]) {
        let topology = try topologyOptions.topology.build()
        let dictionary = topology.dictionary()
        let context = FaultTableContext(dictionary: dictionary, sequences: sequences.isEmpty ? nil : sequences)
        let table = FaultTableFile(contentsOf: file)
        let errors = table.errors(in: context)
        guard errors.isEmpty else { return (false, errors.map(\.description)) }
        let t = table.table
        return (true, ["\(file): \(t.monitors.count) monitors, \(t.responses.count) responses, \(t.lockouts.count) lock-outs: no problems against \(dictionary.deploymentName)"])
    }
}
