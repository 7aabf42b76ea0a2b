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
    /// The emulators answer the flight side with time held still (`--hold`).
    func poll()
    /// Whether the flight side has sent anything yet.
    var heardFromFlight: Bool { get }
    /// When the run's natural end came (the lander's touchdown), simulated s; nil: not yet.
    var endedAt: Double? { get }
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
///
/// `timeScale` simulated seconds pass per wall second (the flight process must run its
/// executive at the same factor). With `hold` the world stays at its start, the emulators
/// answering, until the flight side is first heard: both then count time from about the same
/// instant. With `afterEnd` the run stops that many simulated seconds after the rig's natural
/// end (the lander's touchdown).
struct SimPacer {
    let dt: Double
    let duration: Double?
    var timeScale = 1.0
    var hold = false
    var afterEnd: Double?
    var wakePeriod: UInt64 = 2_000_000
    var maxStepsPerWake = 500

    func run(_ rig: any PacedRig, stop: SimStopSignal, status: (String) -> Void) -> (wallSeconds: Double, reason: String) {
        if hold {
            status("sim: holding at t = 0 until the flight software is heard")
            while !rig.heardFromFlight {
                if let sig = stop.received { return (0, (sig == SIGTERM ? "SIGTERM" : "SIGINT") + " while holding") }
                rig.poll()
                Self.sleep(untilMonotonic: Self.monotonic() + 500_000)
            }
            status("sim: flight software heard; time runs")
        }
        let stepNanoseconds = max(1, UInt64((dt * 1e9 / timeScale).rounded()))
        // Wake at least every 10 ms of simulated time (2 ms of wall time at most, 0.25 ms at
        // least): each wake delivers what fell due since the last as one burst, and at x40 a
        // 2 ms wake was 80 ms of IMU samples at once; with a tick's jitter that passed the
        // flight software's 0.1 s IMU timeout, and navigation failed over mid-slew.
        let wakePeriod = min(self.wakePeriod, max(250_000, UInt64(10_000_000 / timeScale)))
        let totalSteps = duration.map { Int(($0 / dt).rounded()) }
        let start = Self.monotonic()
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
            let now = Self.monotonic()
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
            if let afterEnd, let end = rig.endedAt, rig.time >= end + afterEnd {
                reason = "\(fixed(afterEnd, 1)) s after touchdown"
                break
            }
            if now >= nextStatus {
                let wall = Double(now - lastStatus.wall) / 1e9
                status(rig.statusLine(realTimeRatio: wall > 0 ? (rig.time - lastStatus.sim) / wall : 0))
                lastStatus = (now, rig.time)
                nextStatus += 1_000_000_000
                if nextStatus <= now { nextStatus = now + 1_000_000_000 }
            }
            Self.sleep(untilMonotonic: nextWake)
            nextWake += wakePeriod
            let after = Self.monotonic()
            if nextWake <= after { nextWake = after + wakePeriod }  // overran: do not spin to catch up wake-ups
        }
        return (Double(Self.monotonic() - start) / 1e9, reason)
    }

    static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func sleep(untilMonotonic deadline: UInt64) {
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

/// SIGINT and SIGTERM call `handler` (on a dispatch queue, not in a signal handler) instead of
/// ending the process, while the returned sources live: how the long-running commands stop
/// cleanly with their report. Cancel the sources when done.
func onStopSignals(_ handler: @escaping () -> Void) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { sig in
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
