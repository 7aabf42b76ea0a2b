import FlightCore

/// Turns a compiled sequence back into script text, one script per routine (the sequence
/// and each sequence it calls). Each statement goes back on the line it was compiled from,
/// so messages from the on-board sequencer (which report lines) match the decompiled text,
/// and compiling the text again gives the same bytes. Comments and spacing are not kept.
public enum SequenceDecompiler {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The scripts, in routine order (the sequence first), each with its name.
    public static func decompile(_ bytes: [UInt8], dictionary: SequenceDictionary) throws(SequenceImageError) -> [(name: String, text: String)] {
        let decoded = try DecodedSequence.decode(bytes, dictionaryHash: dictionary.hash)
        return decoded.routines.map { r in
            var writer = RoutineWriter(routine: r, all: decoded.routines, dictionary: dictionary)
            return (r.name, writer.text())
        }
    }
}

struct RoutineWriter {
    let routine: DecodedSequence.DecodedRoutine
    let all: [DecodedSequence.DecodedRoutine]
    let dictionary: SequenceDictionary
    var lines: [Int: String] = [:]
    var nextFree = 1

    init(routine: DecodedSequence.DecodedRoutine, all: [DecodedSequence.DecodedRoutine], dictionary: SequenceDictionary) {
        self.routine = routine
        self.all = all
        self.dictionary = dictionary
    }

    /// Puts text on its line, or on the next free line when that one is taken.
    mutating func put(_ line: Int, _ text: String) {
        var l = max(line, 1)
        while lines[l] != nil { l += 1 }
        lines[l] = text
    }

    mutating func text() -> String {
        if routine.nameLine > 0 { put(routine.nameLine, "sequence \(routine.name)") }
        for v in routine.variables where !v.hidden {
            let value = Self.number(v.initial, integer: v.type.isInteger, bool: v.type == .bool)
            if v.isParameter {
                put(v.line, "param \(v.name): \(v.type.name)" + (v.hasDefault ? " = \(value)" : ""))
            } else {
                put(v.line, "var \(v.name): \(v.type.name) = \(value)")
            }
        }
        var depth = 0
        var prefix = ""
        var skipNextEnd: [Bool] = []
        let instructions = routine.instructions
        for (k, ins) in instructions.enumerated() {
            if let a = routine.abortOffset, ins.offset == a {
                put(routine.abortLine, "on abort")
                depth = 1
            }
            let pad = String(repeating: "    ", count: depth)
            switch ins.operation {
            case .after(let ns): prefix = "after \(Self.duration(ns)) "
            case .atMissionElapsed(let ns): prefix = "at T+\(Timeline.clock(ns)) "
            case .atUTC(let us): prefix = "at \(Timeline.utcText(us)) "
            case .command(let opcode, let args, let patches):
                put(ins.line, pad + prefix + command(opcode, args, patches))
                prefix = ""
            case .wait(let ns):
                put(ins.line, pad + prefix + "wait \(Self.duration(ns))")
                prefix = ""
            case .waitUntil(let timeout, let action, let e):
                put(ins.line, pad + prefix + "wait until \(expression(e)) timeout \(Self.duration(timeout)) else \(action == .abort ? "abort" : "continue")")
                prefix = ""
            case .set(let v, let e):
                put(ins.line, pad + prefix + "set \(routine.variables[v].name) = \(expression(e))")
                prefix = ""
            case .ifBranch(_, let e):
                put(ins.line, pad + prefix + "if \(expression(e))")
                prefix = ""
                depth += 1
                skipNextEnd.append(false)
            case .elseIf(_, let e):
                put(ins.line, String(repeating: "    ", count: max(0, depth - 1)) + "else if \(expression(e))")
            case .elseJump:
                // An else that leads into an `else if` is written by the elseIf.
                if k + 1 < instructions.count, case .elseIf = instructions[k + 1].operation { break }
                put(ins.line, String(repeating: "    ", count: max(0, depth - 1)) + "else")
            case .endIf, .endRepeat, .endWhile:
                depth = max(0, depth - 1)
                _ = skipNextEnd.popLast()
                put(ins.line, String(repeating: "    ", count: depth) + "end")
            case .repeatLoop(let count, _, _):
                put(ins.line, pad + prefix + "repeat \(count) times")
                prefix = ""
                depth += 1
                skipNextEnd.append(false)
            case .whileLoop(let max, _, _, let e):
                put(ins.line, pad + prefix + "while \(expression(e)) max \(max)")
                prefix = ""
                depth += 1
                skipNextEnd.append(false)
            case .call(let r, let args):
                var t = "call \(all[r].name)"
                for a in args { t += " \(all[r].variables[a.parameter].name): \(expression(a.value))" }
                put(ins.line, pad + prefix + t)
                prefix = ""
            case .abort:
                put(ins.line, pad + prefix + "abort")
                prefix = ""
            case .ret:
                if let a = routine.abortOffset, ins.offset >= a {
                    put(routine.abortEndLine, "end")
                    depth = 0
                }
            }
        }
        let last = lines.keys.max() ?? 0
        var out = ""
        for l in stride(from: 1, through: last, by: 1) { out += (lines[l] ?? "") + "\n" }
        return out
    }

    static func duration(_ ns: Int64) -> String {
        if ns % 3_600_000_000_000 == 0 && ns > 0 { return "\(ns / 3_600_000_000_000) h" }
        if ns % 60_000_000_000 == 0 && ns > 0 { return "\(ns / 60_000_000_000) min" }
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000) s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000) ms" }
        // Exact decimal seconds, so the text reads back to the same nanosecond.
        var fraction = String(ns % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(ns / 1_000_000_000).\(fraction) s"
    }

    static func number(_ v: Double, integer: Bool, bool: Bool = false) -> String {
        if bool { return v != 0 ? "true" : "false" }
        if integer, v == v.rounded(), abs(v) < 18_446_744_073_709_551_616.0 {
            return v < 0 ? "-" + String(UInt64(-v)) : String(UInt64(v))
        }
        let s = "\(v)"
        return s.contains(".") || s.contains("e") || s.contains("n") ? s : s + ".0"
    }

    func command(_ opcode: Opcode, _ args: [UInt8], _ patches: [CommandPatch]) -> String {
        guard let cmd = dictionary.command(opcode: opcode) else { return "# unknown opcode \(opcode)" }
        var text = cmd.name
        args.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            for def in cmd.arguments {
                let at = r.offset
                var value = "?"
                if case .string(let m) = def.type {
                    if case .success(let s) = FlightValue.readString(maxLength: m, from: &r) { value = Self.quote(s) }
                } else if case .success(let v) = FlightValue.deserialize(def.type, from: &r) {
                    value = Self.value(v, def.type)
                } else if let size = def.type.fixedSize {
                    _ = r.skip(size)
                }
                if let p = patches.first(where: { $0.offset == at }) { value = routine.variables[p.variable].name }
                text += " \(def.name): \(value)"
            }
        }
        return text
    }

    static func value(_ v: FlightValue, _ type: FlightType) -> String {
        switch v {
        case .bool(let b): return b ? "true" : "false"
        case .f32(let f): 
            let s = "\(f)"
            return s.contains(".") || s.contains("e") ? s : s + ".0"
        case .f64(let d): return number(d, integer: false)
        case .enumeration(let e):
            if case .enumeration(let t) = type, let n = t.name(of: Int64(e)) { return n }
            return "\(e)"
        default: return v.description
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// Rebuilds infix text from postfix terms, with parentheses only where precedence needs them.
    func expression(_ terms: [DecodedSequence.ExpressionTerm]) -> String {
        indirect enum Tree {
            case leaf(DecodedSequence.ExpressionTerm)
            case unary(UnaryOperator, Tree)
            case binary(BinaryOperator, Tree, Tree)
        }
        var stack: [Tree] = []
        for t in terms {
            switch t {
            case .unary(let op):
                guard let a = stack.popLast() else { return "?" }
                stack.append(.unary(op, a))
            case .binary(let op):
                guard let b = stack.popLast(), let a = stack.popLast() else { return "?" }
                stack.append(.binary(op, a, b))
            default: stack.append(.leaf(t))
            }
        }
        guard let root = stack.last else { return "?" }
        func enumType(_ t: Tree) -> EnumType? {
            if case .leaf(.channel(let id)) = t, let ch = dictionary.channel(id: id), case .enumeration(let e) = ch.type { return e }
            return nil
        }
        func leaf(_ t: DecodedSequence.ExpressionTerm, _ e: EnumType?) -> String {
            switch t {
            case .constant(let v, let kind):
                switch kind {
                case .boolean: return v != 0 ? "true" : "false"
                case .integer: return Self.number(v, integer: true)
                case .float: return Self.number(v, integer: false)
                case .enumeration: return e?.name(of: Int64(v)) ?? Self.number(v, integer: true)
                }
            case .variable(let i): return routine.variables[i].name
            case .channel(let id): return dictionary.channel(id: id)?.name ?? "?"
            default: return "?"
            }
        }
        func render(_ t: Tree, _ sibling: EnumType?) -> (String, Int) {
            switch t {
            case .leaf(let l):
                let s = leaf(l, sibling)
                // A negative constant binds like a unary minus.
                return (s, s.hasPrefix("-") ? 7 : 9)
            case .unary(let op, let a):
                let (s, p) = render(a, nil)
                if op == .not { return ("not " + (p < 3 ? "(\(s))" : s), 3) }
                return ("-" + (p < 7 ? "(\(s))" : s), 7)
            case .binary(let op, let a, let b):
                let (ls, lp) = render(a, enumType(b))
                let (rs, rp) = render(b, enumType(a))
                let p = op.precedence
                let left = lp < p || (op.isComparison && lp == p) ? "(\(ls))" : ls
                let right = rp <= p ? "(\(rs))" : rs
                return ("\(left) \(op.rawValue) \(right)", p)
            }
        }
        return render(root, nil).0
    }
}
