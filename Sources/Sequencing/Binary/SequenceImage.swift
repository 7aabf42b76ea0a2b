import FlightCore

/// The compiled form of a sequence: what is uplinked and what the on-board sequencer runs.
///
/// Byte layout (big-endian, F Prime style; the full table is in docs/sequences.md):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `RSEQ` |
/// | 4 | 2 | format version (1) |
/// | 6 | 1 | routine count (the sequence, then the sequences it calls) |
/// | 7 | 1 | reserved, 0 |
/// | 8 | 4 | dictionary hash (``SequenceDictionary/hash``) |
/// | 12 | 4 | total length in bytes, header included |
/// | 16 | 4 | CRC-32C of bytes 24 to the end |
/// | 20 | 4 | reserved, 0 |
/// | 24 | … | routines |
public enum SequenceImage {
    public static let magic: [UInt8] = Array("RSEQ".utf8)
    public static let version: UInt16 = 1
    public static let headerSize = 24
    /// The largest compiled sequence accepted.
    public static let maxSize = 4 << 20
    /// Values the on-board expression evaluator holds at once.
    public static let maxStackDepth = 16
    /// Longest routine or variable name, in bytes.
    public static let maxNameLength = 64

    /// Instruction codes. Every instruction is its code, its source line (U32), then operands.
    enum Op: UInt8 {
        case command = 0x01, after = 0x02, atMissionElapsed = 0x03, atUTC = 0x04, wait = 0x05
        case waitUntil = 0x06, set = 0x07, ifBranch = 0x08, elseIf = 0x09, elseJump = 0x0A, endIf = 0x0B
        case repeatLoop = 0x0C, endRepeat = 0x0D, whileLoop = 0x0E, endWhile = 0x0F
        case call = 0x10, abort = 0x11, ret = 0x12
    }

    /// Expression codes (postfix).
    enum ExprOp: UInt8 {
        case integer = 0x01, float = 0x02, boolean = 0x03, enumeration = 0x04, variable = 0x05, channel = 0x06
        case add = 0x10, subtract, multiply, divide, less, lessOrEqual, greater, greaterOrEqual, equal, notEqual, and, or
        case negate = 0x20, not = 0x21

        init(_ op: BinaryOperator) {
            switch op {
            case .add: self = .add
            case .subtract: self = .subtract
            case .multiply: self = .multiply
            case .divide: self = .divide
            case .less: self = .less
            case .lessOrEqual: self = .lessOrEqual
            case .greater: self = .greater
            case .greaterOrEqual: self = .greaterOrEqual
            case .equal: self = .equal
            case .notEqual: self = .notEqual
            case .and: self = .and
            case .or: self = .or
            }
        }

        var binary: BinaryOperator? {
            switch self {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            case .less: .less
            case .lessOrEqual: .lessOrEqual
            case .greater: .greater
            case .greaterOrEqual: .greaterOrEqual
            case .equal: .equal
            case .notEqual: .notEqual
            case .and: .and
            case .or: .or
            default: nil
            }
        }
    }

    /// Variable flags.
    static let flagParameter: UInt8 = 1, flagHasDefault: UInt8 = 2, flagHidden: UInt8 = 4
    static let noAbortBlock = UInt32.max
}

/// Turns a checked ``Program`` into a compiled sequence.
public enum SequenceCompiler {
    /// Why a checked program could not be compiled (sizes past the format's fields).
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func compile(_ program: Program) throws(Failure) -> [UInt8] {
        var out = Emitter()
        out.bytes += SequenceImage.magic
        out.u16(SequenceImage.version)
        guard program.routines.count <= SequenceChecker.maxRoutines else { throw Failure(message: "too many routines") }
        out.u8(UInt8(program.routines.count))
        out.u8(0)
        out.u32(program.dictionaryHash)
        out.u32(0)  // length, patched
        out.u32(0)  // CRC, patched
        out.u32(0)
        for r in program.routines { try routine(r, into: &out) }
        guard out.bytes.count <= SequenceImage.maxSize else {
            throw Failure(message: "compiled sequence is \(out.bytes.count) bytes; at most \(SequenceImage.maxSize) are allowed")
        }
        out.patch32(UInt32(out.bytes.count), at: 12)
        let crc = out.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[SequenceImage.headerSize...])) }
        out.patch32(crc, at: 16)
        return out.bytes
    }

    static func routine(_ r: Routine, into out: inout Emitter) throws(Failure) {
        try out.name(r.name)
        out.u32(UInt32(r.nameLine))
        guard r.variables.count <= SequenceChecker.maxVariables else { throw Failure(message: "too many variables in \(r.name)") }
        out.u8(UInt8(r.variables.count))
        for v in r.variables {
            try out.name(v.name)
            out.u8(v.type.rawValue)
            var flags: UInt8 = 0
            if v.isParameter { flags |= SequenceImage.flagParameter }
            if v.hasDefault { flags |= SequenceImage.flagHasDefault }
            if v.hidden { flags |= SequenceImage.flagHidden }
            out.u8(flags)
            out.f64(v.initial)
            out.u32(UInt32(v.line))
        }
        out.u32(UInt32(r.abortLine))
        out.u32(UInt32(r.abortEndLine))
        var code = Emitter()
        try block(r.body, into: &code)
        code.instruction(.ret, line: 0)
        var abortOffset = SequenceImage.noAbortBlock
        if let a = r.abortBlock {
            abortOffset = UInt32(code.bytes.count)
            try block(a, into: &code)
            code.instruction(.ret, line: 0)
        }
        out.u32(UInt32(code.bytes.count))
        out.u32(abortOffset)
        out.bytes += code.bytes
    }

    static func block(_ nodes: [Node], into c: inout Emitter) throws(Failure) {
        for n in nodes { try node(n, into: &c) }
    }

    static func node(_ n: Node, into c: inout Emitter) throws(Failure) {
        switch n {
        case .timeTag(let kind, let line):
            switch kind {
            case .after(let ns):
                c.instruction(.after, line: line)
                c.i64(ns)
            case .missionElapsed(let ns):
                c.instruction(.atMissionElapsed, line: line)
                c.i64(ns)
            case .utc(let us):
                c.instruction(.atUTC, line: line)
                c.i64(us)
            }
        case .command(let opcode, let args, let patches, let line):
            guard args.count <= Int(UInt16.max), patches.count <= 255 else { throw Failure(message: "command arguments too long at line \(line)") }
            c.instruction(.command, line: line)
            c.u32(opcode.rawValue)
            c.u16(UInt16(args.count))
            c.bytes += args
            c.u8(UInt8(patches.count))
            for p in patches {
                c.u16(UInt16(p.offset))
                c.u8(UInt8(p.variable))
                c.u8(Self.typeCode(p.type))
            }
        case .wait(let ns, let line):
            c.instruction(.wait, line: line)
            c.i64(ns)
        case .waitUntil(let e, let timeout, let action, let line):
            c.instruction(.waitUntil, line: line)
            c.i64(timeout)
            c.u8(action.rawValue)
            try expression(e, into: &c)
        case .set(let v, let e, let line):
            c.instruction(.set, line: line)
            c.u8(UInt8(v))
            try expression(e, into: &c)
        case .conditional(let branches, let elseBody, let elseLine, let endLine):
            // IF c0 →f0; body0; ELSE →end; f0: ELSEIF c1 →f1; body1; [ELSE →end; f1: else body]; end: ENDIF
            var endJumps: [Int] = []
            var pendingFalse: Int?
            for (k, b) in branches.enumerated() {
                if k > 0 {
                    c.instruction(.elseJump, line: b.line)
                    endJumps.append(c.placeholder32())
                }
                if let p = pendingFalse { c.fill(p) }
                c.instruction(k == 0 ? .ifBranch : .elseIf, line: b.line)
                pendingFalse = c.placeholder32()
                try expression(b.condition, into: &c)
                try block(b.body, into: &c)
            }
            if let elseBody {
                c.instruction(.elseJump, line: elseLine)
                endJumps.append(c.placeholder32())
                if let p = pendingFalse { c.fill(p) }
                try block(elseBody, into: &c)
            } else if let p = pendingFalse {
                c.fill(p)
            }
            let endOffset = UInt32(c.bytes.count)
            c.instruction(.endIf, line: endLine)
            for j in endJumps { c.patch32(endOffset, at: j) }
        case .repeatLoop(let count, let counter, let body, let line, let endLine):
            let start = c.bytes.count
            c.instruction(.repeatLoop, line: line)
            c.u32(count)
            c.u8(UInt8(counter))
            let exit = c.placeholder32()
            try block(body, into: &c)
            c.instruction(.endRepeat, line: endLine)
            c.u32(UInt32(start))
            c.u8(UInt8(counter))
            c.fill(exit)
        case .whileLoop(let e, let max, let counter, let body, let line, let endLine):
            let start = c.bytes.count
            c.instruction(.whileLoop, line: line)
            c.u32(max)
            c.u8(UInt8(counter))
            let exit = c.placeholder32()
            try expression(e, into: &c)
            try block(body, into: &c)
            c.instruction(.endWhile, line: endLine)
            c.u32(UInt32(start))
            c.u8(UInt8(counter))
            c.fill(exit)
        case .call(let routine, let args, let line):
            c.instruction(.call, line: line)
            c.u8(UInt8(routine))
            c.u8(UInt8(args.count))
            for a in args {
                c.u8(UInt8(a.parameter))
                try expression(a.value, into: &c)
            }
        case .abort(let line):
            c.instruction(.abort, line: line)
        }
    }

    static func typeCode(_ t: FlightType) -> UInt8 {
        switch t {
        case .u8: ScalarType.u8.rawValue
        case .u16: ScalarType.u16.rawValue
        case .u32: ScalarType.u32.rawValue
        case .u64: ScalarType.u64.rawValue
        case .i8: ScalarType.i8.rawValue
        case .i16: ScalarType.i16.rawValue
        case .i32: ScalarType.i32.rawValue
        case .i64: ScalarType.i64.rawValue
        case .f32: ScalarType.f32.rawValue
        case .f64: ScalarType.f64.rawValue
        default: ScalarType.bool.rawValue
        }
    }

    static func expression(_ e: ResolvedExpression, into c: inout Emitter) throws(Failure) {
        var body = Emitter()
        postfix(e, into: &body)
        guard body.bytes.count <= Int(UInt16.max) else { throw Failure(message: "expression too long") }
        c.u16(UInt16(body.bytes.count))
        c.bytes += body.bytes
    }

    static func postfix(_ e: ResolvedExpression, into c: inout Emitter) {
        switch e {
        case .constant(let v, let kind):
            switch kind {
            case .integer: c.u8(SequenceImage.ExprOp.integer.rawValue)
            case .float: c.u8(SequenceImage.ExprOp.float.rawValue)
            case .boolean: c.u8(SequenceImage.ExprOp.boolean.rawValue)
            case .enumeration: c.u8(SequenceImage.ExprOp.enumeration.rawValue)
            }
            c.f64(v)
        case .variable(let i):
            c.u8(SequenceImage.ExprOp.variable.rawValue)
            c.u8(UInt8(i))
        case .channel(let id):
            c.u8(SequenceImage.ExprOp.channel.rawValue)
            c.u32(id.rawValue)
        case .unary(let op, let inner):
            postfix(inner, into: &c)
            c.u8(op == .not ? SequenceImage.ExprOp.not.rawValue : SequenceImage.ExprOp.negate.rawValue)
        case .binary(let op, let a, let b):
            postfix(a, into: &c)
            postfix(b, into: &c)
            c.u8(SequenceImage.ExprOp(op).rawValue)
        }
    }
}

/// Appends big-endian fields to a growing byte array (ground side; allocates).
struct Emitter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(v >> 8))
        bytes.append(UInt8(v & 0xFF))
    }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    mutating func name(_ s: String) throws(SequenceCompiler.Failure) {
        let b = Array(s.utf8)
        guard b.count <= SequenceImage.maxNameLength else { throw .init(message: "name '\(s)' is longer than \(SequenceImage.maxNameLength) bytes") }
        u8(UInt8(b.count))
        bytes += b
    }

    mutating func instruction(_ op: SequenceImage.Op, line: Int) {
        u8(op.rawValue)
        u32(UInt32(clamping: line))
    }

    /// Reserves a U32 jump target; returns where it is.
    mutating func placeholder32() -> Int {
        let at = bytes.count
        u32(0)
        return at
    }

    /// Points a reserved target at the current end (the next instruction).
    mutating func fill(_ at: Int) { patch32(UInt32(bytes.count), at: at) }

    mutating func patch32(_ v: UInt32, at: Int) {
        bytes[at] = UInt8(v >> 24)
        bytes[at + 1] = UInt8((v >> 16) & 0xFF)
        bytes[at + 2] = UInt8((v >> 8) & 0xFF)
        bytes[at + 3] = UInt8(v & 0xFF)
    }
}
