import ArgumentParser
import FlightCore
import FlightHAL
import Foundation

struct DictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dict",
        abstract: "Work with a topology's dictionary of commands, telemetry, events and parameters.",
        subcommands: [DictExport.self])
}

/// `regolith dict export`: writes the dictionary as Regolith JSON, F Prime v4 JSON, or both.
struct DictExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a topology's dictionary as JSON.",
        discussion: """
            --format regolith writes Regolith's own form; --format fprime writes F Prime's v4 JSON \
            dictionary, which fprime-gds loads (--dictionary). With --format both, --output names a \
            directory that receives <Deployment>Dictionary.json and <Deployment>TopologyDictionary.json.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case regolith, fprime, both
    }

    @OptionGroup var topologyOptions: TopologyOptions

    @OptionGroup var dataLink: DataLinkOptions

    @Option(name: .shortAndLong, help: "Output format: regolith, fprime or both.")
    var format: Format = .regolith

    @Option(name: .shortAndLong, help: "Output file (a directory with --format both); standard output when absent.")
    var output: String?

    @Flag(help: "Print a one-line summary of the dictionary instead of the JSON.")
    var summary = false

    func validate() throws {
        if format == .both && output == nil && !summary {
            throw ValidationError("--format both writes two files: give a directory with --output.")
        }
    }

    func run() throws {
        let topology = try topologyOptions.topology.build(ground: .init(dataLink: dataLink.configuration))
        let dictionary = topology.dictionary()
        if summary {
            print("\(dictionary.deploymentName): \(dictionary.components.count) components, \(dictionary.commands.count) commands, \(dictionary.channels.count) telemetry channels, \(dictionary.events.count) events, \(dictionary.parameters.count) parameters, \(dictionary.rateGroups.count) rate groups at a \(dictionary.baseRate) Hz base tick")
            return
        }
        switch format {
        case .regolith: try emit(dictionary.regolithJSON(), to: output)
        case .fprime: try emit(dictionary.fprimeJSON(), to: output)
        case .both:
            let dir = URL(fileURLWithPath: output!, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try emit(dictionary.regolithJSON(), to: dir.appendingPathComponent("\(dictionary.deploymentName)Dictionary.json").path)
            try emit(dictionary.fprimeJSON(), to: dir.appendingPathComponent("\(dictionary.deploymentName)TopologyDictionary.json").path)
        }
    }

    private func emit(_ text: String, to path: String?) throws {
        guard let path else {
            print(text, terminator: "")
            return
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
