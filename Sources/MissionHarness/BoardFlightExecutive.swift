import FlightCore
import Sequencing
import Foundation
import Synchronization

/// The real-time run the board flights share (``LanderBoardFlight``, ``RoverBoardFlight``): the
/// topology's real-time executive started at `timeScale`, a hook after each tick that says
/// whether to go on, a ``stop()`` that may come from another thread (a signal handler's
/// queue), and the executive's figures at the end.
final class BoardFlightExecutive: Sendable {
    /// What the executive measured of one run.
    struct Figures {
        /// Flight time at the end (s) and the wall time the run took (s).
        var flightSeconds: Double
        var wallSeconds: Double
        var ticks: UInt64
        var cycleSlips: UInt64
        var ticksMissed: UInt64
        /// Wake-up lateness p99 (µs).
        var latenessP99: Double
    }

    /// The executive, while ``run(_:timeScale:afterTick:)`` runs (for ``stop()``).
    private let running = Mutex<RealTimeExecutive?>(nil)

    /// Asks a running flight to stop after its current tick.
    func stop() { running.withLock { $0?.stop() } }

    /// Runs `topology` until `afterTick` (on the executive's thread) returns false or
    /// ``stop()`` is called.
    func run(_ topology: Topology, timeScale: Double, afterTick: @escaping @Sendable () -> Bool) -> Figures {
        let exec = topology.realTime(.init(timeScale: timeScale, epoch: .zero, afterTick: { _ in afterTick() }))
        running.withLock { $0 = exec }
        let wallStart = Date()
        exec.start()
        exec.join()
        running.withLock { $0 = nil }
        let s = topology.scheduler
        return Figures(
            flightSeconds: Double(topology.services.now.totalMicroseconds) / 1e6, wallSeconds: Date().timeIntervalSince(wallStart),
            ticks: exec.ticks, cycleSlips: s.cycleSlips, ticksMissed: s.ticksMissed, latenessP99: Double(s.lateness.percentile(0.99)) / 1e3)
    }
}

extension Sequencer {
    /// Every sequence run so far completed (at least one), none failed or was cancelled, and
    /// none is running: the operators' sequence ran to its end.
    var ranToCompletion: Bool { completed >= 1 && failed == 0 && cancelled == 0 && !isBusy }
}
