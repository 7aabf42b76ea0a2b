public import FlightCore

/// Why a compiled sequence was refused. Each case is one reason an operator can act on; the
/// on-board sequencer reports ``code`` in its `SequenceRefused` event.
public enum SequenceImageError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooShort(length: Int)
    case tooLarge(length: Int)
    case badMagic
    case unsupportedVersion(UInt16)
    case lengthMismatch(header: Int, actual: Int)
    case crcMismatch(expected: UInt32, actual: UInt32)
    case dictionaryMismatch(sequence: UInt32, flight: UInt32)
    case malformed(offset: Int, reason: String)

    /// The refusal reason as the `Regolith.SequenceRefusal` enum's value.
    public var code: Int32 {
        switch self {
        case .tooShort: 1
        case .tooLarge: 2
        case .badMagic: 3
        case .unsupportedVersion: 4
        case .lengthMismatch: 5
        case .crcMismatch: 6
        case .dictionaryMismatch: 7
        case .malformed: 8
        }
    }

    public var description: String {
        switch self {
        case .tooShort(let n): "sequence is \(n) bytes, shorter than its \(SequenceImage.headerSize)-byte header"
        case .tooLarge(let n): "sequence is \(n) bytes; at most \(SequenceImage.maxSize) are accepted"
        case .badMagic: "not a compiled Regolith sequence (no RSEQ magic)"
        case .unsupportedVersion(let v): "sequence format version \(v) is not supported (this build reads \(SequenceImage.version))"
        case .lengthMismatch(let h, let a): "header says \(h) bytes but the sequence is \(a) bytes"
        case .crcMismatch(let e, let a): "CRC-32C mismatch: header says 0x\(hex8(e)), bytes give 0x\(hex8(a))"
        case .dictionaryMismatch(let s, let f): "compiled against dictionary 0x\(hex8(s)) but this flight build's dictionary is 0x\(hex8(f)); recompile it"
        case .malformed(let o, let r): "malformed at byte \(o): \(r)"
        }
    }
}

func hex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: 8 - s.count) + s
}

/// A compiled sequence, decoded and checked through: every field in bounds, every jump onto
/// an instruction, every variable, routine and (when asked) channel and opcode known, every
/// expression within the evaluator's stack, no call cycles. What the decompiler reads, and
/// what the on-board sequencer checks before it accepts a sequence.
public struct DecodedSequence: Sendable {
    public struct Instruction: Sendable {
        /// Offset from the start of the routine's code.
        public var offset: Int
        public var line: Int
        public var operation: Operation
    }

    public enum ExpressionTerm: Sendable, Hashable {
        case constant(Double, ConstantKind)
        case variable(Int)
        case channel(ChannelID)
        case unary(UnaryOperator)
        case binary(BinaryOperator)
    }

    public enum Operation: Sendable {
        case command(opcode: Opcode, arguments: [UInt8], patches: [CommandPatch])
        case after(nanoseconds: Int64)
        case atMissionElapsed(nanoseconds: Int64)
        case atUTC(microseconds: Int64)
        case wait(nanoseconds: Int64)
        case waitUntil(timeout: Int64, otherwise: WaitTimeoutAction, [ExpressionTerm])
        case set(variable: Int, [ExpressionTerm])
        case ifBranch(falseTarget: Int, [ExpressionTerm])
        case elseIf(falseTarget: Int, [ExpressionTerm])
        case elseJump(endTarget: Int)
        case endIf
        case repeatLoop(count: UInt32, counter: Int, exitTarget: Int)
        case endRepeat(startTarget: Int, counter: Int)
        case whileLoop(max: UInt32, counter: Int, exitTarget: Int, [ExpressionTerm])
        case endWhile(startTarget: Int, counter: Int)
        case call(routine: Int, arguments: [(parameter: Int, value: [ExpressionTerm])])
        case abort
        case ret
    }

    public struct DecodedRoutine: Sendable {
        public var name: String
        public var nameLine: Int
        public var variables: [Routine.Variable]
        public var abortLine: Int
        public var abortEndLine: Int
        /// Offset of the routine's code in the whole sequence, and its length.
        public var codeStart: Int
        public var codeLength: Int
        /// Offset of the `on abort` block from ``codeStart``, if there is one.
        public var abortOffset: Int?
        public var instructions: [Instruction]
    }

    public var dictionaryHash: UInt32
    public var length: Int
    public var crc: UInt32
    public var routines: [DecodedRoutine]

    /// Checks and decodes `bytes`. `dictionaryHash`, when given, must match the sequence's;
    /// `channelExists` and `commandArguments` (when given) check every channel and opcode.
    public static func decode(
        _ bytes: [UInt8], dictionaryHash expected: UInt32? = nil,
        channelExists: ((ChannelID) -> Bool)? = nil,
        commandArguments: ((Opcode) -> [ArgumentDefinition]?)? = nil
    ) throws(SequenceImageError) -> DecodedSequence {
        guard bytes.count >= SequenceImage.headerSize else { throw .tooShort(length: bytes.count) }
        guard bytes.count <= SequenceImage.maxSize else { throw .tooLarge(length: bytes.count) }
        let result = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<DecodedSequence, SequenceImageError> in
            do throws(SequenceImageError) {
                return .success(try decodeChecked(raw, expected: expected, channelExists: channelExists, commandArguments: commandArguments))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func decodeChecked(
        _ raw: UnsafeRawBufferPointer, expected: UInt32?, channelExists: ((ChannelID) -> Bool)?,
        commandArguments: ((Opcode) -> [ArgumentDefinition]?)?
    ) throws(SequenceImageError) -> DecodedSequence {
        do {
            var r = ByteReader(raw)
            guard let m = r.readBytes(4), Array(m) == SequenceImage.magic else { throw .badMagic }
            let version = r.read(UInt16.self)!
            guard version == SequenceImage.version else { throw .unsupportedVersion(version) }
            let routineCount = Int(r.read(UInt8.self)!)
            guard r.read(UInt8.self)! == 0 else { throw .malformed(offset: 7, reason: "reserved header byte is not 0") }
            let hash = r.read(UInt32.self)!
            let length = Int(r.read(UInt32.self)!)
            let crc = r.read(UInt32.self)!
            guard r.read(UInt32.self)! == 0 else { throw .malformed(offset: 20, reason: "reserved header field is not 0") }
            guard length == raw.count else { throw .lengthMismatch(header: length, actual: raw.count) }
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[SequenceImage.headerSize...]))
            guard actual == crc else { throw .crcMismatch(expected: crc, actual: actual) }
            if let expected, expected != hash { throw .dictionaryMismatch(sequence: hash, flight: expected) }
            guard (1...SequenceChecker.maxRoutines).contains(routineCount) else {
                throw .malformed(offset: 6, reason: "routine count \(routineCount) is not in 1…\(SequenceChecker.maxRoutines)")
            }
            var decoder = Decoder(reader: r, routineCount: routineCount, channelExists: channelExists, commandArguments: commandArguments)
            var routines: [DecodedRoutine] = []
            for _ in 0..<routineCount { routines.append(try decoder.routine()) }
            guard decoder.reader.isAtEnd else { throw .malformed(offset: decoder.reader.offset, reason: "\(decoder.reader.remaining) bytes after the last routine") }
            let sequence = DecodedSequence(dictionaryHash: hash, length: length, crc: crc, routines: routines)
            try sequence.checkCalls()
            return sequence
        }
    }

    /// Calls form no cycle and nest at most ``SequenceChecker/maxCallDepth`` deep; every call
    /// passes only parameters.
    func checkCalls() throws(SequenceImageError) {
        var callees: [[Int]] = routines.map { _ in [] }
        for (i, r) in routines.enumerated() {
            for ins in r.instructions {
                guard case .call(let k, let args) = ins.operation else { continue }
                for a in args where a.parameter >= routines[k].variables.count || !routines[k].variables[a.parameter].isParameter {
                    throw .malformed(offset: r.codeStart + ins.offset, reason: "call passes variable \(a.parameter) of routine \(k), which is not a parameter")
                }
                callees[i].append(k)
            }
        }
        // Depth of the deepest call chain from routine 0, refusing cycles (bounded by routine count).
        func depth(_ i: Int, _ path: [Int]) throws(SequenceImageError) -> Int {
            guard !path.contains(i) else { throw .malformed(offset: routines[i].codeStart, reason: "routine \(i) calls itself (directly or not)") }
            var d = 0
            for k in callees[i] { d = max(d, try depth(k, path + [i])) }
            return d + 1
        }
        let d = try depth(0, [])
        guard d <= SequenceChecker.maxCallDepth else {
            throw .malformed(offset: SequenceImage.headerSize, reason: "calls nest \(d) deep; at most \(SequenceChecker.maxCallDepth)")
        }
    }
}

struct Decoder {
    var reader: ByteReader
    let routineCount: Int
    let channelExists: ((ChannelID) -> Bool)?
    let commandArguments: ((Opcode) -> [ArgumentDefinition]?)?

    func fail(_ reason: String) -> SequenceImageError { .malformed(offset: reader.offset, reason: reason) }

    mutating func u8() throws(SequenceImageError) -> UInt8 {
        guard let v = reader.read(UInt8.self) else { throw fail("truncated") }
        return v
    }
    mutating func u16() throws(SequenceImageError) -> UInt16 {
        guard let v = reader.read(UInt16.self) else { throw fail("truncated") }
        return v
    }
    mutating func u32() throws(SequenceImageError) -> UInt32 {
        guard let v = reader.read(UInt32.self) else { throw fail("truncated") }
        return v
    }
    mutating func i64() throws(SequenceImageError) -> Int64 {
        guard let v = reader.read(Int64.self) else { throw fail("truncated") }
        return v
    }
    mutating func f64() throws(SequenceImageError) -> Double {
        guard let v = reader.readDouble() else { throw fail("truncated") }
        return v
    }
    mutating func name() throws(SequenceImageError) -> String {
        let n = Int(try u8())
        guard n <= SequenceImage.maxNameLength else { throw fail("name of \(n) bytes") }
        guard let b = reader.readBytes(n) else { throw fail("truncated name") }
        guard let s = String(validating: b, as: UTF8.self) else { throw fail("name is not UTF-8") }
        return s
    }

    mutating func routine() throws(SequenceImageError) -> DecodedSequence.DecodedRoutine {
        let routineName = try name()
        let nameLine = Int(try u32())
        let varCount = Int(try u8())
        guard varCount <= SequenceChecker.maxVariables else { throw fail("\(varCount) variables; at most \(SequenceChecker.maxVariables)") }
        var variables: [Routine.Variable] = []
        for _ in 0..<varCount {
            let n = try name()
            let code = try u8()
            guard let type = ScalarType(rawValue: code) else { throw fail("unknown variable type \(code)") }
            let flags = try u8()
            let initial = try f64()
            guard type.store(initial) == initial else { throw fail("initial value \(initial) of '\(n)' does not fit \(type.name)") }
            let line = Int(try u32())
            variables.append(.init(
                name: n, type: type, initial: initial, isParameter: flags & SequenceImage.flagParameter != 0,
                hasDefault: flags & SequenceImage.flagHasDefault != 0, hidden: flags & SequenceImage.flagHidden != 0, line: line))
        }
        let abortLine = Int(try u32())
        let abortEndLine = Int(try u32())
        let codeLength = Int(try u32())
        let abortRaw = try u32()
        let codeStart = reader.offset
        guard codeLength <= reader.remaining else { throw fail("code of \(codeLength) bytes runs past the end") }
        var instructions: [DecodedSequence.Instruction] = []
        var boundaries = Set<Int>()
        while reader.offset - codeStart < codeLength {
            let offset = reader.offset - codeStart
            boundaries.insert(offset)
            instructions.append(try instruction(offset: offset, variables: variables, codeStart: codeStart))
            guard reader.offset - codeStart <= codeLength else { throw fail("instruction runs past the end of its routine") }
        }
        // Jumps land on instructions; forward ones go forward, loop ends go back to their loop.
        for ins in instructions {
            let here = ins.offset
            func check(_ t: Int, forward: Bool) throws(SequenceImageError) {
                guard boundaries.contains(t), forward ? t > here : t < here else {
                    throw SequenceImageError.malformed(offset: codeStart + here, reason: "jump target \(t) is not an instruction \(forward ? "after" : "before") this one")
                }
            }
            switch ins.operation {
            case .ifBranch(let t, _), .elseIf(let t, _), .elseJump(let t): try check(t, forward: true)
            case .repeatLoop(_, _, let t), .whileLoop(_, _, let t, _): try check(t, forward: true)
            case .endRepeat(let t, _), .endWhile(let t, _): try check(t, forward: false)
            default: break
            }
        }
        var abortOffset: Int?
        if abortRaw != SequenceImage.noAbortBlock {
            guard boundaries.contains(Int(abortRaw)) else { throw fail("abort block offset \(abortRaw) is not an instruction") }
            abortOffset = Int(abortRaw)
        }
        // Execution always ends on a return: the last instruction, and the one before the abort block.
        guard case .ret = instructions.last?.operation else { throw fail("routine '\(routineName)' does not end with a return") }
        if let a = abortOffset {
            guard let k = instructions.firstIndex(where: { $0.offset == a }), k > 0, case .ret = instructions[k - 1].operation else {
                throw fail("routine '\(routineName)' body does not end with a return before its abort block")
            }
        }
        return .init(name: routineName, nameLine: nameLine, variables: variables, abortLine: abortLine, abortEndLine: abortEndLine, codeStart: codeStart, codeLength: codeLength, abortOffset: abortOffset, instructions: instructions)
    }

    mutating func variable(_ count: Int) throws(SequenceImageError) -> Int {
        let v = Int(try u8())
        guard v < count else { throw fail("variable \(v) of \(count)") }
        return v
    }

    mutating func instruction(offset: Int, variables: [Routine.Variable], codeStart: Int) throws(SequenceImageError) -> DecodedSequence.Instruction {
        let code = try u8()
        guard let op = SequenceImage.Op(rawValue: code) else { throw fail("unknown instruction 0x\(String(code, radix: 16))") }
        let line = Int(try u32())
        let n = variables.count
        let operation: DecodedSequence.Operation
        switch op {
        case .command:
            let opcode = Opcode(try u32())
            let len = Int(try u16())
            guard let b = reader.readBytes(len) else { throw fail("truncated command arguments") }
            let args = Array(b)
            let pc = Int(try u8())
            var patches: [CommandPatch] = []
            for _ in 0..<pc {
                let off = Int(try u16())
                let v = try variable(n)
                let t = try u8()
                guard let st = ScalarType(rawValue: t) else { throw fail("unknown argument type \(t)") }
                guard off + st.flightType.fixedSize! <= len else { throw fail("argument patch at \(off) runs past the arguments") }
                guard (st == .bool) == (variables[v].type == .bool) else { throw fail("variable \(v) cannot fill a \(st.name) argument") }
                patches.append(CommandPatch(offset: off, variable: v, type: st.flightType))
            }
            if let commandArguments {
                guard let defs = commandArguments(opcode) else { throw fail("unknown opcode 0x\(hex8(opcode.rawValue))") }
                if patches.isEmpty, case .failure(let f) = CommandArguments.decode(args, as: defs) {
                    throw fail("arguments of opcode 0x\(hex8(opcode.rawValue)): \(f)")
                }
            }
            operation = .command(opcode: opcode, arguments: args, patches: patches)
        case .after: operation = .after(nanoseconds: try nonNegative(try i64()))
        case .atMissionElapsed: operation = .atMissionElapsed(nanoseconds: try nonNegative(try i64()))
        case .atUTC: operation = .atUTC(microseconds: try i64())
        case .wait: operation = .wait(nanoseconds: try nonNegative(try i64()))
        case .waitUntil:
            let timeout = try nonNegative(try i64())
            guard let action = WaitTimeoutAction(rawValue: try u8()) else { throw fail("unknown wait action") }
            operation = .waitUntil(timeout: timeout, otherwise: action, try expression(variables))
        case .set:
            let v = try variable(n)
            guard !variables[v].isParameter else { throw fail("set of parameter \(v)") }
            operation = .set(variable: v, try expression(variables))
        case .ifBranch:
            let t = Int(try u32())
            operation = .ifBranch(falseTarget: t, try expression(variables))
        case .elseIf:
            let t = Int(try u32())
            operation = .elseIf(falseTarget: t, try expression(variables))
        case .elseJump: operation = .elseJump(endTarget: Int(try u32()))
        case .endIf: operation = .endIf
        case .repeatLoop:
            let count = try u32()
            let counter = try variable(n)
            operation = .repeatLoop(count: count, counter: counter, exitTarget: Int(try u32()))
        case .endRepeat:
            let t = Int(try u32())
            operation = .endRepeat(startTarget: t, counter: try variable(n))
        case .whileLoop:
            let max = try u32()
            let counter = try variable(n)
            let t = Int(try u32())
            operation = .whileLoop(max: max, counter: counter, exitTarget: t, try expression(variables))
        case .endWhile:
            let t = Int(try u32())
            operation = .endWhile(startTarget: t, counter: try variable(n))
        case .call:
            let k = Int(try u8())
            guard k < routineCount else { throw fail("call of routine \(k) of \(routineCount)") }
            let argc = Int(try u8())
            var args: [(Int, [DecodedSequence.ExpressionTerm])] = []
            for _ in 0..<argc {
                let p = Int(try u8())
                guard p < SequenceChecker.maxVariables else { throw fail("call parameter \(p)") }
                args.append((p, try expression(variables)))
            }
            operation = .call(routine: k, arguments: args.map { (parameter: $0.0, value: $0.1) })
        case .abort: operation = .abort
        case .ret: operation = .ret
        }
        return .init(offset: offset, line: line, operation: operation)
    }

    func nonNegative(_ v: Int64) throws(SequenceImageError) -> Int64 {
        guard v >= 0 else { throw fail("negative duration \(v)") }
        return v
    }

    /// A postfix expression whose stack never underflows, never exceeds the evaluator's
    /// depth, and ends holding one value.
    mutating func expression(_ variables: [Routine.Variable]) throws(SequenceImageError) -> [DecodedSequence.ExpressionTerm] {
        let len = Int(try u16())
        guard len > 0, len <= reader.remaining else { throw fail("expression of \(len) bytes") }
        let end = reader.offset + len
        var terms: [DecodedSequence.ExpressionTerm] = []
        var depth = 0
        while reader.offset < end {
            let code = try u8()
            guard let op = SequenceImage.ExprOp(rawValue: code) else { throw fail("unknown expression code 0x\(String(code, radix: 16))") }
            switch op {
            case .integer, .float, .boolean, .enumeration:
                let v = try f64()
                guard v.isFinite else { throw fail("constant is not finite") }
                let kind: ConstantKind = op == .integer ? .integer : op == .float ? .float : op == .boolean ? .boolean : .enumeration
                terms.append(.constant(v, kind))
                depth += 1
            case .variable:
                terms.append(.variable(try variable(variables.count)))
                depth += 1
            case .channel:
                let id = ChannelID(try u32())
                if let channelExists, !channelExists(id) { throw fail("unknown telemetry channel 0x\(hex8(id.rawValue))") }
                terms.append(.channel(id))
                depth += 1
            case .negate, .not:
                guard depth >= 1 else { throw fail("expression stack underflow") }
                terms.append(.unary(op == .not ? .not : .negate))
            default:
                guard depth >= 2 else { throw fail("expression stack underflow") }
                terms.append(.binary(op.binary!))
                depth -= 1
            }
            guard depth <= SequenceImage.maxStackDepth else { throw fail("expression deeper than \(SequenceImage.maxStackDepth)") }
        }
        guard reader.offset == end else { throw fail("expression runs past its length") }
        guard depth == 1 else { throw fail("expression leaves \(depth) values") }
        return terms
    }
}
