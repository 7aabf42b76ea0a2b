import ArgumentParser
import FlightCore
import FlightHAL
import Foundation
import Ground

/// `regolith ground`: Regolith's own ground tool on a running flight software's ground link.
struct GroundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ground",
        abstract: "Command a running flight software and watch, archive its telemetry and events.",
        discussion: """
            Connects over the ground link (the other end of `regolith run --ground`): \
            tcp:HOST:PORT connects, listen:[HOST:]PORT listens (loopback unless HOST is given), \
            serial:PATH[@BAUD] opens a serial port. Commands (`NAME arg ...`, e.g. \
            `cmdDisp.CMD_NO_OP`) come from --command and from standard input, one per line, and are \
            checked against the dictionary before they are sent. Every downlinked packet is shown \
            and, with --archive, committed to an SQLite archive at least every 100 ms (WAL mode: a \
            killed ground loses nothing committed; read it back with `regolith archive`).
            """)

    @OptionGroup var topologyOptions: TopologyOptions

    @OptionGroup var dataLink: DataLinkOptions

    @Option(help: "The ground link: tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD].")
    var link: String

    @Option(help: "The flight build's Regolith JSON dictionary (`regolith dict export`), instead of --topology's.")
    var dictionary: String?

    @Option(help: "Archive every packet into this SQLite file (created if absent, appended to otherwise).")
    var archive: String?

    @Option(help: "File holding the command authentication key in hex: sign every command.")
    var keyFile: String?

    @Option(help: "A command line to send once the link is open (repeatable).")
    var command: [String] = []

    @Option(help: "Stop after this many seconds (default: run until SIGINT or SIGTERM).")
    var seconds: Double?

    @Flag(help: "Show events and command results only, not every telemetry sample.")
    var quiet = false

    @Flag(help: "Do not read commands from standard input.")
    var noStdin = false

    func validate() throws {
        do { _ = try GroundLinkAddress(parsing: link) } catch { throw ValidationError("\(error)") }
        if let s = seconds, !(s > 0) { throw ValidationError("--seconds must be positive, not \(s)") }
    }

    func run() throws {
        let dictionary: GroundDictionary
        if let path = self.dictionary {
            guard let data = FileManager.default.contents(atPath: path) else { throw GroundError.dictionary("cannot read \(path)") }
            dictionary = try GroundDictionary(regolithJSON: data)
        } else {
            dictionary = GroundDictionary(try topologyOptions.topology.build(ground: .init(dataLink: dataLink.configuration)).dictionary())
        }
        for line in command { _ = try dictionary.parseCommand(line) }  // refuse bad commands before connecting
        let key = try keyFile.map { try GroundStation.loadKey(path: $0) }
        let store = try archive.map { try PacketArchive(path: $0) }
        let byteLink = try GroundLinkAddress(parsing: link).open()
        defer { byteLink.close() }
        let station = GroundStation(
            dictionary: dictionary, link: byteLink, archive: store, key: key, dataLink: dataLink.configuration,
            output: { print($0) }, status: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        station.showTelemetry = !quiet
        for line in command { station.enqueue(line) }
        let control = station.control
        let signals = onStopSignals { control.stop() }
        if !noStdin {
            Thread.detachNewThread {
                while let line = readLine() { control.enqueue(line) }
            }
        }
        try station.run(for: seconds)
        signals.forEach { $0.cancel() }
        FileHandle.standardError.write(Data("ground: \(station.packetsReceived) packets received, \(station.commandsSent) commands sent, \(station.commandErrors) refused\(store.map { ", \($0.committedCount) packets in \($0.path)" } ?? "")\n".utf8))
    }
}
