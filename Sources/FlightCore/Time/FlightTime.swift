/// A point in flight time, laid out as F Prime's `Fw::Time`: a time base, a context byte,
/// whole seconds and microseconds. On the wire it is 11 bytes (U16, U8, U32, U32).
///
/// Equality, hashing and ordering use the instant alone (seconds and microseconds); the time
/// base and context are labels carried to the ground, as in F Prime's packets. (A command
/// stamped before the executive's first tick, in base `none`, still compares correctly with
/// the simulated times that follow.)
public struct FlightTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var base: TimeBase
    public var context: UInt8
    public var seconds: UInt32
    public var microseconds: UInt32

    public init(base: TimeBase = .none, context: UInt8 = 0, seconds: UInt32, microseconds: UInt32) {
        self.base = base
        self.context = context
        self.seconds = seconds &+ microseconds / 1_000_000
        self.microseconds = microseconds % 1_000_000
    }

    /// A time `nanoseconds` after the epoch of `base` (sub-microsecond part truncated).
    public init(base: TimeBase = .none, context: UInt8 = 0, nanoseconds: UInt64) {
        self.base = base
        self.context = context
        self.seconds = UInt32(truncatingIfNeeded: nanoseconds / 1_000_000_000)
        self.microseconds = UInt32((nanoseconds % 1_000_000_000) / 1_000)
    }

    public static let zero = FlightTime(seconds: 0, microseconds: 0)

    /// Microseconds since the epoch of the time base.
    public var totalMicroseconds: UInt64 { UInt64(seconds) * 1_000_000 + UInt64(microseconds) }

    public static func < (a: Self, b: Self) -> Bool { a.totalMicroseconds < b.totalMicroseconds }
    public static func == (a: Self, b: Self) -> Bool { a.totalMicroseconds == b.totalMicroseconds }
    public func hash(into h: inout Hasher) { h.combine(totalMicroseconds) }

    /// This time moved by a duration (clamped at the epoch).
    public func advanced(by d: FlightDuration) -> FlightTime {
        let us = Int64(totalMicroseconds) + d.nanoseconds / 1_000
        return FlightTime(base: base, context: context, nanoseconds: UInt64(max(0, us)) * 1_000)
    }

    /// The duration from `other` to this time.
    public func since(_ other: FlightTime) -> FlightDuration {
        .microseconds(Int64(totalMicroseconds) - Int64(other.totalMicroseconds))
    }

    /// Mission-elapsed form, `DDD:HH:MM:SS.ffffff`.
    public var description: String {
        let d = seconds / 86_400, h = (seconds / 3_600) % 24, m = (seconds / 60) % 60, s = seconds % 60
        return pad(d, 3) + ":" + pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(microseconds, 6)
    }
}

/// F Prime's time bases, plus the simulated one Regolith's lockstep executive uses.
public struct TimeBase: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// No time base (F Prime `TB_NONE`).
    public static let none = TimeBase(rawValue: 0)
    /// Processor (monotonic) time since boot (F Prime `TB_PROC_TIME`).
    public static let processor = TimeBase(rawValue: 1)
    /// Workstation (wall-clock) time (F Prime `TB_WORKSTATION_TIME`).
    public static let workstation = TimeBase(rawValue: 2)
    /// Simulated time, advanced only by the lockstep loop.
    public static let simulated = TimeBase(rawValue: 0x10)
}

/// A signed span of time with nanosecond resolution; what the scheduler and clocks count in.
public struct FlightDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ s: Double) -> Self { .init(nanoseconds: Int64((s * 1e9).rounded())) }
    public static func milliseconds(_ ms: Int64) -> Self { .init(nanoseconds: ms * 1_000_000) }
    public static func microseconds(_ us: Int64) -> Self { .init(nanoseconds: us * 1_000) }
    public static func nanoseconds(_ ns: Int64) -> Self { .init(nanoseconds: ns) }
    public static let zero = FlightDuration(nanoseconds: 0)

    public var seconds: Double { Double(nanoseconds) / 1e9 }
    public var microseconds: Int64 { nanoseconds / 1_000 }

    public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: Self, b: Self) -> Self { .init(nanoseconds: a.nanoseconds + b.nanoseconds) }
    public static func - (a: Self, b: Self) -> Self { .init(nanoseconds: a.nanoseconds - b.nanoseconds) }
    public static func * (a: Self, k: Int64) -> Self { .init(nanoseconds: a.nanoseconds * k) }

    public var description: String { "\(seconds) s" }
}

func pad(_ v: UInt32, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
