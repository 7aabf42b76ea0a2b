import Devices
public import FlightCore

/// What a device driver thinks of its device, worst last: the value of every driver's
/// `Health` channel, and of the `health` field of every sample it publishes. A fault
/// manager monitors the channel (`>= STALE` is a lost sensor; `INVALID` is a sensor that
/// talks but says its data is bad).
public enum DeviceHealth: UInt8, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// Fresh, valid samples within the stale timeout.
    case good = 0
    /// No sample yet, and the stale timeout since the driver's first tick has not passed.
    case waiting = 1
    /// Fresh samples, but the latest says its data is not valid (validity bits clear).
    case invalid = 2
    /// No fresh sample within the stale timeout (silent, stuck or repeating device).
    case stale = 3
    /// The link is not open (closed, lost, failed).
    case linkDown = 4

    public var description: String { Self.enumType.names[Int(rawValue)] }

    /// The dictionary's enumeration (`Regolith.DeviceHealth`).
    public static let enumType = EnumType(
        "Regolith.DeviceHealth", representation: .u8,
        constants: [("GOOD", 0), ("WAITING", 1), ("INVALID", 2), ("STALE", 3), ("LINK_DOWN", 4)],
        annotation: "A device driver's view of its device, worst last")

    var flightValue: FlightValue { .enumeration(Int32(rawValue)) }
}

/// What an unexpected counter was (the `SequenceAnomaly` event's `kind`).
enum SequenceAnomaly: Int32 {
    case repeated = 0, gap = 1, backwards = 2, incomplete = 3, duplicatePart = 4

    static let enumType = EnumType(
        "Regolith.SequenceAnomaly", representation: .u8,
        constants: [("REPEATED", 0), ("GAP", 1), ("BACKWARDS", 2), ("INCOMPLETE", 3), ("DUPLICATE_PART", 4)],
        annotation: "Why a device's counter was not the next one")
}

/// The dictionary's enumeration of ``Devices/DeviceRejection`` (`NONE` when nothing was
/// rejected yet).
enum RejectionReason {
    static let enumType = EnumType(
        "Regolith.DeviceRejection", representation: .u8,
        constants: [
            ("NONE", 0), ("OVERSIZE", 1), ("MALFORMED_ENCODING", 2), ("TOO_SHORT", 3), ("CRC_MISMATCH", 4),
            ("MISSING_ID", 5), ("UNKNOWN_ID", 6), ("WRONG_LENGTH", 7), ("OUT_OF_RANGE", 8), ("UNSUPPORTED_FRAME", 9),
        ],
        annotation: "Why a device endpoint threw a frame away")
}

/// Puts a device's sample back together from its messages: the IMU's two and the
/// altimeter's four share one counter; a one-message device is a sample of one part. Each new
/// counter goes through a ``Devices/SequenceCheck``; a counter repeating the last sample's is
/// stale data and refused; a sample whose parts did not all arrive before the next counter
/// is dropped (``Offer/droppedIncomplete``). Allocation-free.
struct SampleAssembler {
    /// Mask of every part (`1 << parts` - 1).
    let complete: UInt8
    var sequence = SequenceCheck()
    private(set) var counter: UInt8 = 0
    /// Parts of the pending sample received; 0 when none is pending.
    private(set) var pending: UInt8 = 0

    init(parts: Int) {
        precondition(parts >= 1 && parts <= 8, "a sample has 1...8 parts")
        complete = UInt8(truncatingIfNeeded: (1 << parts) - 1)
    }

    struct Offer {
        /// The part belongs to the sample being put together: use its values.
        var take = false
        /// It is the first part of a new sample (clear the staging sample first).
        var starts = false
        /// The sample is now complete: publish it.
        var completes = false
        /// The previous sample was left incomplete and is dropped.
        var droppedIncomplete = false
        /// The same part of the pending sample arrived twice.
        var duplicate = false
        /// The sequence check's verdict on a new counter (nil for a further part).
        var observation: SequenceCheck.Observation?
    }

    mutating func offer(part: Int, counter c: UInt8) -> Offer {
        var o = Offer()
        let bit = UInt8(truncatingIfNeeded: 1 << part) & complete
        guard bit != 0 else { return o }
        if pending != 0 && c == counter {
            if pending & bit != 0 {
                o.duplicate = true
                return o
            }
            pending |= bit
            o.take = true
        } else {
            if pending != 0 {
                o.droppedIncomplete = true
                pending = 0
            }
            let observation = sequence.observe(c)
            o.observation = observation
            if observation == .repeated { return o }
            counter = c
            pending = bit
            o.take = true
            o.starts = true
        }
        if pending == complete {
            o.completes = true
            pending = 0
        }
        return o
    }

    /// Forgets the counter and any pending sample (after a link loss, or by command).
    mutating func reset() {
        sequence.reset()
        pending = 0
    }
}
