import Foundation
import Simulator
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What `regolith sim` needs of a rig: step it, and describe it.
protocol PacedRig: AnyObject {
    /// Physics step, s.
    var dt: Double { get }
    var time: Double { get }
    func step()
    /// One status line (printed each wall second).
    func statusLine(realTimeRatio: Double) -> String
    /// The end-of-run summary.
    func summaryLines() -> [String]
    var scenario: ScenarioRunner? { get }
    var ignoredFaults: [InjectedFault] { get }
}

extension PacedRig {
    func summary(wallSeconds: Double, reason: String) -> [String] {
        let ratio = wallSeconds > 0 ? time / wallSeconds : 0
        var lines = [
            "sim: stopped (\(reason)) after \(fixed(time, 2)) s simulated in \(fixed(wallSeconds, 2)) s wall (x\(fixed(ratio, 2)) real time)"
        ]
        lines += summaryLines()
        if let s = scenario {
            lines.append("sim: scenario '\(s.scenario.name)': \(s.transitions.count) transitions")
            for t in s.transitions {
                lines.append("sim:   \(fixed(t.time, 3)) s \(t.kind.rawValue) \(t.fault) (line \(t.line))")
            }
        }
        for f in ignoredFaults { lines.append("sim: ignored fault (does not apply to this rig): \(f)") }
        return lines
    }
}

/// Runs a rig paced to the wall clock: it wakes every `wakePeriod` on absolute
/// `CLOCK_MONOTONIC` deadlines (`clock_nanosleep`) and runs the fixed physics steps that have
/// fallen due since the start, at most `maxStepsPerWake` at a time (so a slow machine lags
/// behind real time, reported as the ratio, rather than stalling the status and the signals).
struct SimPacer {
    let dt: Double
    let duration: Double?
    var wakePeriod: UInt64 = 2_000_000
    var maxStepsPerWake = 500

    func run(_ rig: any PacedRig, stop: SimStopSignal, status: (String) -> Void) -> (wallSeconds: Double, reason: String) {
        let stepNanoseconds = UInt64((dt * 1e9).rounded())
        let totalSteps = duration.map { Int(($0 / dt).rounded()) }
        let start = monotonicNanoseconds()
        var done = 0
        var nextWake = start + wakePeriod
        var nextStatus = start + 1_000_000_000
        var lastStatus = (wall: start, sim: rig.time)
        var reason = "interrupted"
        while true {
            if let sig = stop.received {
                reason = sig == SIGTERM ? "SIGTERM" : "SIGINT"
                break
            }
            let now = monotonicNanoseconds()
            var due = Int((now - start) / stepNanoseconds)
            if let totalSteps { due = min(due, totalSteps) }
            for _ in 0..<min(max(due - done, 0), maxStepsPerWake) {
                rig.step()
                done += 1
            }
            if let totalSteps, done >= totalSteps {
                reason = "duration reached"
                break
            }
            if now >= nextStatus {
                let wall = Double(now - lastStatus.wall) / 1e9
                status(rig.statusLine(realTimeRatio: wall > 0 ? (rig.time - lastStatus.sim) / wall : 0))
                lastStatus = (now, rig.time)
                nextStatus += 1_000_000_000
                if nextStatus <= now { nextStatus = now + 1_000_000_000 }
            }
            sleep(untilMonotonic: nextWake)
            nextWake += wakePeriod
            let after = monotonicNanoseconds()
            if nextWake <= after { nextWake = after + wakePeriod }  // overran: do not spin to catch up wake-ups
        }
        return (Double(monotonicNanoseconds() - start) / 1e9, reason)
    }

    func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    func sleep(untilMonotonic deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        // A signal interrupts the sleep (EINTR): return, so the loop sees the stop at once.
        _ = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil)
    }
}

/// The last SIGINT or SIGTERM received (0: none). A global because a signal handler can
/// capture nothing; only ever stored by the handler and loaded by the pacing loop.
private let receivedStopSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM ask the run to stop (the loop then closes the links, which removes the
/// PTY links); SIGPIPE is ignored (a peer that goes away is a link state, not a crash).
struct SimStopSignal {
    static func install() -> SimStopSignal {
        signal(SIGINT) { receivedStopSignal.store($0, ordering: .relaxed) }
        signal(SIGTERM) { receivedStopSignal.store($0, ordering: .relaxed) }
        signal(SIGPIPE, SIG_IGN)
        return SimStopSignal()
    }

    var received: Int32? {
        let s = receivedStopSignal.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
