import ArgumentParser
import FlightCore
import Foundation

/// `regolith run`: runs a topology under one of the two executives and reports what happened.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a topology under the lockstep or the real-time executive and report on the run.",
        discussion: """
            lockstep steps simulated time as fast as the machine allows (bit-for-bit repeatable); \
            realtime runs a dedicated thread on absolute clock_nanosleep deadlines and reports its \
            wake-up lateness, cycle slips and per-rate-group execution times.
            """)

    enum Executive: String, ExpressibleByArgument, CaseIterable { case lockstep, realtime }

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(name: .shortAndLong, help: "Executive: lockstep or realtime.")
    var executive: Executive = .lockstep

    @Option(name: .shortAndLong, help: "Flight seconds to run.")
    var seconds: Double = 5

    @Option(help: "Ask for SCHED_FIFO at this priority (1-99) with the real-time executive.")
    var fifo: Int32?

    func validate() throws {
        guard seconds > 0 && seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400], not \(seconds)") }
        if let f = fifo, !(1...99).contains(f) { throw ValidationError("--fifo must be a priority in 1...99, not \(f)") }
        if fifo != nil && executive != .realtime { throw ValidationError("--fifo applies to --executive realtime only") }
    }

    func run() throws {
        let topology = try topologyOptions.topology.build()
        let ticks = UInt64((seconds * topology.scheduler.baseRate).rounded())
        let wallStart = Date()
        switch executive {
        case .lockstep:
            topology.lockstep().step(Int(ticks))
        case .realtime:
            let exec = topology.realTime(.init(fifoPriority: fifo, tickLimit: ticks))
            exec.start()
            exec.join()
            if fifo != nil {
                print(exec.fifoError == 0 ? "SCHED_FIFO: granted" : "SCHED_FIFO: refused (\(String(cString: strerror(exec.fifoError)))); ran under the normal policy")
            }
        }
        let wall = Date().timeIntervalSince(wallStart)
        print(RunReport(topology: topology, ticks: ticks, wallSeconds: wall, realTime: executive == .realtime).text)
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
        return lines.joined(separator: "\n")
    }

    func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
