import ArgumentParser
import FlightCore
import FlightHAL
import Foundation
import Ground

/// `regolith run`: runs a topology under one of the two executives and reports what happened.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a topology under the lockstep or the real-time executive and report on the run.",
        discussion: """
            lockstep steps simulated time as fast as the machine allows (bit-for-bit repeatable); \
            realtime runs a dedicated thread on absolute clock_nanosleep deadlines and reports its \
            wake-up lateness, cycle slips and per-rate-group execution times. --ground connects the \
            ground interface to fprime-gds or `regolith ground` (realtime only): tcp:HOST:PORT \
            connects (fprime-gds listens on tcp:127.0.0.1:50000 by default), listen:[HOST:]PORT \
            listens (on loopback unless HOST is given), serial:PATH[@BAUD] uses a serial port. With \
            --auth-key-file every command must be signed, which fprime-gds cannot do (see \
            docs/ground.md). SIGINT or SIGTERM ends a realtime run early, with its report.
            """)

    enum Executive: String, ExpressibleByArgument, CaseIterable { case lockstep, realtime }

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(name: .shortAndLong, help: "Executive: lockstep or realtime.")
    var executive: Executive = .lockstep

    @Option(name: .shortAndLong, help: "Flight seconds to run.")
    var seconds: Double = 5

    @Option(help: "Ask for SCHED_FIFO at this priority (1-99) with the real-time executive.")
    var fifo: Int32?

    @Option(help: "Ground link: tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD].")
    var ground: String?

    @OptionGroup var dataLink: DataLinkOptions

    @Option(help: "File holding the command authentication key in hex; commands must then be signed.")
    var authKeyFile: String?

    func validate() throws {
        if let g = ground {
            do { _ = try GroundLinkAddress(parsing: g) } catch { throw ValidationError("\(error)") }
            if executive != .realtime { throw ValidationError("--ground needs --executive realtime (a lockstep run does not keep wall-clock time)") }
        }
        if authKeyFile != nil && ground == nil { throw ValidationError("--auth-key-file applies to a run with --ground") }
        guard seconds > 0 && seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400], not \(seconds)") }
        if let f = fifo, !(1...99).contains(f) { throw ValidationError("--fifo must be a priority in 1...99, not \(f)") }
        if fifo != nil && executive != .realtime { throw ValidationError("--fifo applies to --executive realtime only") }
    }

    func run() throws {
        var groundConfiguration = GroundInterface.Configuration(dataLink: dataLink.configuration)
        if let path = authKeyFile { groundConfiguration.authenticationKey = try GroundStation.loadKey(path: path) }
        let link = try ground.map { try GroundLinkAddress(parsing: $0).open() }
        defer { link?.close() }
        let topology = try topologyOptions.topology.build(groundLink: link, ground: groundConfiguration)
        if let link { print("ground link: \(link.name) (\(link.state))\(authKeyFile != nil ? ", commands must be signed" : "")") }
        let ticks = UInt64((seconds * topology.scheduler.baseRate).rounded())
        let wallStart = Date()
        var ran = ticks
        switch executive {
        case .lockstep:
            topology.lockstep().step(Int(ticks))
        case .realtime:
            let exec = topology.realTime(.init(fifoPriority: fifo, tickLimit: ticks))
            let stopOnSignal = onStopSignals { exec.stop() }
            exec.start()
            exec.join()
            stopOnSignal.forEach { $0.cancel() }
            ran = exec.ticks
            if fifo != nil {
                print(exec.fifoError == 0 ? "SCHED_FIFO: granted" : "SCHED_FIFO: refused (\(String(cString: strerror(exec.fifoError)))); ran under the normal policy")
            }
        }
        let wall = Date().timeIntervalSince(wallStart)
        print(RunReport(topology: topology, ticks: ran, wallSeconds: wall, realTime: executive == .realtime).text)
    }
}

/// The end-of-run summary `regolith run` prints.
struct RunReport {
    let topology: Topology
    let ticks: UInt64
    let wallSeconds: Double
    let realTime: Bool

    var text: String {
        let s = topology.scheduler
        var lines: [String] = []
        // Tick numbers count deadlines: in real time a slip skips some, and flight time with them.
        let flight = Double(ticks + (realTime ? s.ticksMissed : 0)) / s.baseRate
        lines.append("\(topology.name): \(ticks) base ticks at \(fmt(s.baseRate, 0)) Hz = \(fmt(flight, 3)) s flight time in \(fmt(wallSeconds, 3)) s wall (\(fmt(flight / max(wallSeconds, 1e-9), 1))x real time)")
        for g in s.groups {
            var line = "  rate group \(g.name): every \(g.divisor) tick(s), offset \(g.offset): \(g.stats.cycles) runs"
            if realTime { line += ", last \(g.stats.lastNanoseconds / 1000) us, max \(g.stats.maxNanoseconds / 1000) us, \(g.stats.overruns) overruns" }
            lines.append(line)
        }
        if realTime {
            let h = s.lateness
            lines.append("  wake-up lateness (us): p50 \(fmt(Double(h.percentile(0.5)) / 1e3, 1)), p99 \(fmt(Double(h.percentile(0.99)) / 1e3, 1)), p99.9 \(fmt(Double(h.percentile(0.999)) / 1e3, 1)), max \(fmt(Double(h.max) / 1e3, 1)) over \(h.total) wake-ups")
            lines.append("  cycle slips: \(s.cycleSlips), ticks missed: \(s.ticksMissed)")
        }
        let ev = topology.events
        lines.append("  telemetry samples: \(topology.telemetry.samplesAccepted); events logged: \(ev.logged), throttled: \(ev.throttled), overwritten: \(ev.overwritten)")
        lines.append("  commands dispatched: \(topology.dispatcher.dispatchedCount), errors: \(topology.dispatcher.errorCount); bus messages lost: \(topology.bus.topics.reduce(UInt64(0)) { t, topic in t + topic.subscriptionStats.reduce(0) { $0 + $1.dropped + $1.rejected } })")
        if let g = topology.groundInterface, !(g.link is UnconnectedByteLink) {
            let u = g.uplinkCounts, c = g.counts, st = g.link.statistics
            lines.append("  ground link \(g.link.name): \(st.bytesReceived) bytes up, \(u.frames) frames, \(u.keepAlives) keep-alives, \(u.bytesSkipped) bytes skipped, \(u.crcMismatches) CRC errors, \(c.packetsRejected) packets rejected")
            lines.append("  ground commands: \(c.commandsUplinked) uplinked, \(c.commandsCompleted) completed, \(c.commandsFailed) failed; auth refused \(c.authRefused) (unauthenticated \(c.refused(.unauthenticated)), truncated \(c.refused(.truncated)), bad MAC \(c.refused(.badMAC)), replayed \(c.refused(.replayed)), other \(c.refused(.unknownVersion) + c.refused(.noKey)))")
            lines.append("  ground downlink: \(c.downlinkPackets) packets, \(c.framesSent) frames sent, \(g.queuedFrames) queued, \(c.eventsLost) events lost, \(c.channelsDeferred) channel deferrals, \(c.framesAbandoned) frames abandoned, \(st.sendRefused) sends refused")
        }
        return lines.joined(separator: "\n")
    }

    func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
