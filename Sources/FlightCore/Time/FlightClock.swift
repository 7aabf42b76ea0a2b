/// The one time abstraction flight code sees. The lockstep executive drives a
/// ``SimulatedClock``; the real-time executive reads a ``MonotonicClock``.
public protocol FlightClock: AnyObject {
    /// Flight time now.
    func now() -> FlightTime
    /// Nanoseconds on this clock's own monotonic scale (for measuring intervals).
    func monotonicNanoseconds() -> UInt64
}

/// A clock that moves only when told to: by the lockstep loop, or by a test.
/// Its readings are exactly reproducible from run to run.
public final class SimulatedClock: FlightClock {
    public private(set) var nanoseconds: UInt64
    public let base: TimeBase

    public init(start: FlightDuration = .zero, base: TimeBase = .simulated) {
        self.nanoseconds = UInt64(max(0, start.nanoseconds))
        self.base = base
    }

    /// Moves time forward; a negative duration is refused (time never runs backwards).
    public func advance(by d: FlightDuration) {
        precondition(d.nanoseconds >= 0, "simulated time cannot run backwards")
        nanoseconds += UInt64(d.nanoseconds)
    }

    public func now() -> FlightTime { FlightTime(base: base, nanoseconds: nanoseconds) }
    public func monotonicNanoseconds() -> UInt64 { nanoseconds }
}

/// The host's monotonic clock (`CLOCK_MONOTONIC`), as processor time since boot.
public final class MonotonicClock: FlightClock {
    public init() {}
    public func now() -> FlightTime { FlightTime(base: .processor, nanoseconds: Platform.monotonicNanoseconds()) }
    public func monotonicNanoseconds() -> UInt64 { Platform.monotonicNanoseconds() }
}
