import ArgumentParser
import Foundation
import Ground

/// `regolith archive`: reads back what `regolith ground --archive` stored.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Query, export and plot a ground archive.",
        subcommands: [ArchiveQuery.self, ArchiveExport.self, ArchivePlot.self])
}

/// Filters shared by the archive subcommands.
struct ArchiveFilter: ParsableArguments {
    @Argument(help: "The archive file.")
    var file: String

    @Option(name: .long, help: "Only packets of this channel or event name (repeatable).")
    var name: [String] = []

    @Option(help: "Only packets at or after this flight time (s).")
    var from: Double?

    @Option(help: "Only packets at or before this flight time (s).")
    var to: Double?

    @Option(help: "At most this many packets.")
    var limit: Int?

    func query(kind: DecodedPacket.Kind? = nil) -> PacketArchive.Query {
        PacketArchive.Query(names: name, kind: kind, fromFlightTime: from, toFlightTime: to, limit: limit)
    }

    func open() throws -> PacketArchive { try PacketArchive(path: file, create: false) }
}

struct ArchiveQuery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Print archived packets (or, with --summary, what the archive holds).")

    @OptionGroup var filter: ArchiveFilter

    @Flag(help: "Events only.")
    var events = false

    @Flag(help: "Telemetry only.")
    var telemetry = false

    @Flag(help: "Print the packet count and each channel's sample count instead.")
    var summary = false

    func validate() throws {
        if events && telemetry { throw ValidationError("--events and --telemetry exclude each other") }
    }

    func run() throws {
        let archive = try filter.open()
        if summary {
            print("\(archive.path): \(archive.committedCount) packets")
            for (n, c) in try archive.channelNames() { print("  \(n): \(c) samples") }
            return
        }
        for row in try archive.rows(filter.query(kind: events ? .event : telemetry ? .telemetry : nil)) {
            print(row.packet.line)
        }
    }
}

struct ArchiveExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export archived packets as CSV (one packet per row, its bytes in hex).")

    @OptionGroup var filter: ArchiveFilter

    @Option(name: .shortAndLong, help: "The CSV file to write (standard output when absent).")
    var output: String?

    func run() throws {
        let text = PacketArchive.csv(try filter.open().rows(filter.query()))
        guard let output else {
            print(text, terminator: "")
            return
        }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
    }
}

struct ArchivePlot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot", abstract: "Plot channels over flight time as an SVG file.")

    @OptionGroup var filter: ArchiveFilter

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    @Option(help: "The plot's title (default: the channel names).")
    var title: String?

    func validate() throws {
        if filter.name.isEmpty { throw ValidationError("name at least one channel with --name") }
    }

    func run() throws {
        let archive = try filter.open()
        let rows = try archive.rows(filter.query(kind: .telemetry))
        let known = Set(try archive.channelNames().map(\.name))
        for n in filter.name where !known.contains(n) {
            throw ValidationError("no samples of channel '\(n)' in \(filter.file); `regolith archive query --summary \(filter.file)` lists them")
        }
        let series = filter.name.map { n in
            TelemetryPlot.Series(name: n, points: rows.filter { $0.packet.name == n }.compactMap { r in
                guard let t = r.packet.flightTime, let v = r.packet.value else { return nil }
                return (t, v)
            })
        }
        let svg = TelemetryPlot(title: title ?? filter.name.joined(separator: ", "), series: series).svg
        do { try svg.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
    }
}
