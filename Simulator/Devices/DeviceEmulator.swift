public import Devices
public import FlightCore

/// A device's emulator: it speaks the device's side of its protocol (docs/devices.md) through
/// a ``Devices/DeviceEndpoint`` on any link, stepping on simulated time only. It owns no thread:
/// the lockstep loop calls ``step(to:)`` after each physics step, after giving it the latest
/// measurement (sensors) or before reading the latest accepted command (engine, wheels).
///
/// Emulators model no physics and no sensor error: their measurement is whatever the caller
/// (the simulator's sensor models) last gave them, in engineering units.
public protocol DeviceEmulator: AnyObject {
    /// The device's end of its link.
    var endpoint: DeviceEndpoint { get }
    /// Handles every command that arrived and publishes every status due up to `time`
    /// (simulated time since the start of the run). Times must not go backwards; a time
    /// earlier than the last is ignored.
    func step(to time: FlightDuration)
}

/// When a periodic status is due: every `period` of simulated time, the first at `phase`.
/// A step that jumps over several periods publishes once and counts the others `skipped`
/// (a real device would have sent them; the caller's step is too coarse for the rate).
public struct PublicationSchedule: Sendable, Equatable {
    public let period: FlightDuration
    public private(set) var nextDue: FlightDuration
    /// Periods passed over without a publication.
    public private(set) var skipped = 0

    public init(period: FlightDuration, phase: FlightDuration = .zero) {
        precondition(period > .zero, "a publication period must be positive")
        self.period = period
        nextDue = phase
    }

    /// A rate in hertz (rounded to whole nanoseconds).
    public init(hertz: Double, phase: FlightDuration = .zero) {
        precondition(hertz.isFinite && hertz > 0.001, "a publication rate must be a positive number of hertz")
        self.init(period: .nanoseconds(Int64((1e9 / hertz).rounded())), phase: phase)
    }

    /// Whether a publication is due at `time`; if so, moves to the next one.
    public mutating func isDue(at time: FlightDuration) -> Bool {
        guard time >= nextDue else { return false }
        let late = (time - nextDue).nanoseconds / period.nanoseconds
        skipped += Int(late)
        nextDue = nextDue + .nanoseconds((late + 1) * period.nanoseconds)
        return true
    }
}

/// Failures of a device's output the caller can switch on to exercise a driver's stale and
/// repeated-data checks (the data's own validity bits belong in the measurement).
public struct OutputFaults: Sendable, Equatable {
    /// The device's messages are lost (link cut at the device): it keeps counting, so when it
    /// returns a driver sees the gap.
    public var muted = false
    /// The device keeps sending the same counter (a stuck processor repeating its last frame).
    public var frozenCounter = false

    public init(muted: Bool = false, frozenCounter: Bool = false) {
        self.muted = muted
        self.frozenCounter = frozenCounter
    }
}

/// Publication bookkeeping every emulator shares: the schedule, the rolling counter, the
/// output faults and what happened to each send.
public struct PublicationState: Sendable, Equatable {
    public var schedule: PublicationSchedule
    public var faults = OutputFaults()
    /// The counter the next publication carries.
    public private(set) var counter: UInt8 = 0
    /// Publications made (each may be several messages, e.g. the IMU's two).
    public private(set) var published = 0
    /// Messages the link refused (back-pressure or closed): the device's data was lost.
    public private(set) var sendFailures = 0
    /// Publications suppressed by ``OutputFaults/muted``.
    public private(set) var muted = 0
    var lastTime: FlightDuration?

    init(schedule: PublicationSchedule) { self.schedule = schedule }

    /// Whether `time` moves forward (and records it).
    mutating func advance(to time: FlightDuration) -> Bool {
        if let t = lastTime, time < t { return false }
        lastTime = time
        return true
    }

    /// Whether to publish at `time`; returns the counter to use.
    mutating func due(at time: FlightDuration) -> UInt8? {
        guard schedule.isDue(at: time) else { return nil }
        let c = counter
        if !faults.frozenCounter { counter &+= 1 }
        guard !faults.muted else {
            muted += 1
            return nil
        }
        published += 1
        return c
    }

    /// Counts a send the link refused. The caller sends (`endpoint.send(m) == .sent`) before
    /// this mutation begins, so the link's code never runs inside an access to the state.
    mutating func record(sent: Bool) {
        if !sent { sendFailures += 1 }
    }
}
