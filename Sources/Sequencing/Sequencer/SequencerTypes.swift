public import FlightCore

/// What a run slot is doing, as the `Run<n>_State` channels report it.
public enum SequenceRunState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case idle = 0
    case running = 1
    /// Waiting for a time tag, a `wait`, a `wait until` or a command's response.
    case waiting = 2
    case paused = 3
    /// Running `on abort` blocks after a failure.
    case aborting = 4

    public var description: String {
        switch self {
        case .idle: "IDLE"
        case .running: "RUNNING"
        case .waiting: "WAITING"
        case .paused: "PAUSED"
        case .aborting: "ABORTING"
        }
    }

    public static let enumType = EnumType(
        "Regolith.SequenceState", representation: .u8,
        constants: allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "What a sequencer run slot is doing")
}

/// Why a running sequence failed (the `SequenceFailed` event's reason).
public enum SequenceFailure: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case commandFailed = 1
    case waitTimedOut = 2
    case abortStatement = 3
    case loopBound = 4
    case valueOutOfRange = 5
    case divisionByZero = 6
    case channelNotWritten = 7
    case corrupt = 8

    public var description: String {
        switch self {
        case .commandFailed: "COMMAND_FAILED"
        case .waitTimedOut: "WAIT_TIMED_OUT"
        case .abortStatement: "ABORT_STATEMENT"
        case .loopBound: "LOOP_BOUND"
        case .valueOutOfRange: "VALUE_OUT_OF_RANGE"
        case .divisionByZero: "DIVISION_BY_ZERO"
        case .channelNotWritten: "CHANNEL_NOT_WRITTEN"
        case .corrupt: "CORRUPT"
        }
    }

    public static let enumType = EnumType(
        "Regolith.SequenceFailure", representation: .u8,
        constants: allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "Why a sequence failed")
}

/// Why the sequencer refused a command or a compiled sequence.
public enum SequenceRefusal: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case tooShort = 1, tooLarge, badMagic, unsupportedVersion, lengthMismatch, crcMismatch, dictionaryMismatch, malformed
    case unknownSequence = 20, noFreeRunSlot, alreadyRunning, notRunning, notPaused, alreadyPaused, catalogueFull, notAttached

    init(_ e: SequenceImageError) { self = SequenceRefusal(rawValue: UInt8(e.code)) ?? .malformed }

    public var description: String {
        switch self {
        case .tooShort: "TOO_SHORT"
        case .tooLarge: "TOO_LARGE"
        case .badMagic: "BAD_MAGIC"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .lengthMismatch: "LENGTH_MISMATCH"
        case .crcMismatch: "CRC_MISMATCH"
        case .dictionaryMismatch: "DICTIONARY_MISMATCH"
        case .malformed: "MALFORMED"
        case .unknownSequence: "UNKNOWN_SEQUENCE"
        case .noFreeRunSlot: "NO_FREE_RUN_SLOT"
        case .alreadyRunning: "ALREADY_RUNNING"
        case .notRunning: "NOT_RUNNING"
        case .notPaused: "NOT_PAUSED"
        case .alreadyPaused: "ALREADY_PAUSED"
        case .catalogueFull: "CATALOGUE_FULL"
        case .notAttached: "NOT_ATTACHED"
        }
    }

    public static let enumType = EnumType(
        "Regolith.SequenceRefusal", representation: .u8,
        constants: allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "Why the sequencer refused a sequence or a command")
}

/// Why ``Sequencer/install(_:)`` refused a compiled sequence.
public struct SequenceInstallError: Error, Hashable, Sendable, CustomStringConvertible {
    public var refusal: SequenceRefusal
    public var detail: String
    public var description: String { "\(refusal): \(detail)" }
}

/// One sequence in the catalogue: its compiled bytes (owned here, never moved) and what the
/// interpreter needs to know of each routine.
final class CatalogueEntry {
    let name: String
    let nameBytes: [UInt8]
    let image: [UInt8]
    let code: UnsafeMutableRawBufferPointer
    let crc: UInt32
    let routines: ContiguousArray<RoutineInfo>

    struct RoutineInfo {
        var codeStart: Int
        var abortOffset: Int
        var abortLine: UInt32
        var variableCount: Int
        var types: ContiguousArray<ScalarType>
        var initial: ContiguousArray<Double>
    }

    init(_ bytes: [UInt8], _ decoded: DecodedSequence) {
        name = decoded.routines[0].name
        nameBytes = Array(name.utf8)
        image = bytes
        crc = decoded.crc
        code = .allocate(byteCount: bytes.count, alignment: 8)
        code.copyBytes(from: bytes)
        routines = ContiguousArray(decoded.routines.map { r in
            RoutineInfo(
                codeStart: r.codeStart, abortOffset: r.abortOffset ?? -1, abortLine: UInt32(clamping: r.abortLine),
                variableCount: r.variables.count, types: ContiguousArray(r.variables.map(\.type)),
                initial: ContiguousArray(r.variables.map(\.initial)))
        })
    }

    deinit { code.deallocate() }
}

/// One run slot's state: preallocated when the sequencer is made, reused by every run.
final class RunSlot {
    struct Frame {
        var routine = 0
        var pc = 0
        var variableBase = 0
        var aborting = false
    }

    enum Waiting { case none, time, condition, response }

    var entry: CatalogueEntry?
    var sequenceID: UInt16 = 0
    var state: SequenceRunState = .idle
    var frames = ContiguousArray(repeating: Frame(), count: SequenceChecker.maxCallDepth)
    var depth = 0
    let variables: UnsafeMutablePointer<Double>
    var waiting = Waiting.none
    var due = FlightTime.zero
    /// When the previous statement finished (what `after` counts from).
    var mark = FlightTime.zero
    /// Offset of the `wait until` instruction being waited on.
    var waitInstruction = 0
    var token: UInt32 = 0
    var commandCounter: UInt32 = 0
    var generation: UInt32 = 0
    var response: CommandResponse?
    var lastOpcode: UInt32 = 0
    var line: UInt32 = 0
    var paused = false
    var stepping = false
    var stepped = false
    var failed = false
    var started = FlightTime.zero
    var arguments: [UInt8]

    init() {
        variables = .allocate(capacity: SequenceChecker.maxVariables * SequenceChecker.maxCallDepth)
        variables.initialize(repeating: 0, count: SequenceChecker.maxVariables * SequenceChecker.maxCallDepth)
        arguments = []
        arguments.reserveCapacity(Sequencer.argumentCapacity)
    }

    deinit { variables.deallocate() }
}
