import ArgumentParser
import FlightHAL
import Foundation

/// `regolith simbus serve <path>`: runs the cross-process simulated CAN bus, so that flight
/// software and simulator (or `regolith can dump|send simbus:<path>`) can run as separate
/// processes.
struct SimbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simbus",
        abstract: "Run the cross-process simulated CAN bus.",
        subcommands: [SimbusServe.self])
}

struct SimbusServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a simulated CAN bus on a Unix socket until interrupted (or --seconds).",
        discussion: "Every frame a client sends reaches every other client, in order; see docs/hardware-simulated.md.")

    @Argument(help: "The socket path, e.g. /tmp/regolith.bus.")
    var path: String

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var seconds: Double?

    func validate() throws {
        if let s = seconds, !(s > 0) { throw ValidationError("--seconds must be positive, not \(s)") }
    }

    func run() throws {
        let server = try SimulatedBusServer(path: path)
        defer { server.close() }
        // Written straight to the descriptor so a parent reading a pipe sees it at once.
        FileHandle.standardOutput.write(Data("simbus: serving \(path)\n".utf8))
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        while deadline.map({ Date() < $0 }) ?? true {
            Syscall.sleep(milliseconds: 50)
        }
        let s = server.statistics
        print("simbus: \(s.clientsAccepted) clients, \(s.recordsReceived) frames received, \(s.recordsForwarded) forwarded, \(s.malformed) malformed, \(s.clientsEvicted) evicted")
    }
}
