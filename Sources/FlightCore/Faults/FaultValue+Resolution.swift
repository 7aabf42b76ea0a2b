// Turning a table's values into numbers and command arguments, and naming what was misspelt.

/// Checks a command action: the command exists and its arguments fit its definition.
func checkCommand(_ name: String, _ args: [FaultValue], _ p: FaultTablePath, _ context: FaultTableContext, _ out: inout [FaultTableProblem]) {
    guard let defs = context.commands[name] else {
        out.append(FaultTableProblem(p, "unknown command '\(name)'\(nameHint(name, context.commands.keys))"))
        return
    }
    guard defs.count == args.count else {
        out.append(FaultTableProblem(p, "command '\(name)' takes \(defs.count) argument\(defs.count == 1 ? "" : "s") (\(defs.map(\.name).joined(separator: ", "))), not \(args.count)"))
        return
    }
    for (a, d) in zip(args, defs) {
        if case .failure(let why) = encodeArgument(a, d) { out.append(FaultTableProblem(p, "argument '\(d.name)': \(why)")) }
    }
}

/// Checks an event monitor's `where`: each argument exists (once) and each value fits it.
func checkEventMatches(_ event: String, _ matches: [EventArgumentMatch], _ monitor: Int, _ context: FaultTableContext, _ out: inout [FaultTableProblem]) {
    guard let defs = context.eventArguments[event] else {
        out.append(FaultTableProblem(FaultTablePath(.monitor(monitor), "where"), "the arguments of event '\(event)' are not known here, so they cannot be matched"))
        return
    }
    var seen = Set<String>()
    for m in matches {
        let p = FaultTablePath(.monitor(monitor), "where.\(m.argument)")
        guard let d = defs.first(where: { $0.name == m.argument }) else {
            let names = defs.map(\.name)
            let known = names.isEmpty ? "it has no arguments" : "its arguments: \(names.joined(separator: ", "))"
            out.append(FaultTableProblem(p, "event '\(event)' has no argument '\(m.argument)'\(nameHint(m.argument, names)) (\(known))"))
            continue
        }
        guard seen.insert(m.argument).inserted else {
            out.append(FaultTableProblem(p, "argument '\(m.argument)' is matched twice"))
            continue
        }
        if case .failure(let why) = eventArgumentPattern(m.value, d) { out.append(FaultTableProblem(p, "argument '\(d.name)' of '\(event)': \(why)")) }
    }
}

/// The 64-bit pattern (``FlightValue/bitPattern``) an event argument of definition `d` has
/// when it equals `v`: what the event log compares on the tick path. Enumeration constants
/// by name or value, whole numbers for integers, booleans; not floating point or text.
func eventArgumentPattern(_ v: FaultValue, _ d: ArgumentDefinition) -> Result<UInt64, FaultResolveFailure> {
    switch d.type {
    case .f32, .f64:
        return .failure(.init("a \(d.type.fprimeName) argument cannot be matched (floating-point values are not compared exactly); watch a channel with a limit instead"))
    case .string:
        return .failure(.init("a string argument cannot be matched"))
    default:
        break
    }
    if case .text = v { return .failure(.init("\(v) is not a value of type \(d.type.fprimeName)")) }
    switch resolve(v, as: d.type) {
    case .failure(let f):
        return .failure(f)
    case .success(let x):
        guard x == x.rounded() else { return .failure(.init("\(fmt(x)) is not a whole number for \(d.type.fprimeName)")) }
        if case .u64 = d.type {
            guard let u = UInt64(exactly: x) else { return .failure(.init("\(fmt(x)) does not fit U64")) }
            return .success(u)
        }
        guard let i = Int64(exactly: x) else { return .failure(.init("\(fmt(x)) does not fit \(d.type.fprimeName)")) }
        return .success(UInt64(bitPattern: i))
    }
}

func isBoolOrEnum(_ t: FlightType) -> Bool {
    switch t {
    case .bool, .enumeration: true
    default: false
    }
}

/// A table value as a number for a channel of type `t`.
func resolve(_ v: FaultValue, as t: FlightType) -> Result<Double, FaultResolveFailure> {
    switch (v, t) {
    case (.bool(let b), .bool): return .success(b ? 1 : 0)
    case (.number(let d), _) where t.isNumeric:
        if let b = t.numericBounds, !b.contains(d) { return .failure(.init("\(fmt(d)) does not fit \(t.fprimeName)")) }
        return .success(d)
    case (.constant(let c), .enumeration(let e)):
        guard let x = e.value(of: c) else { return .failure(.init("'\(c)' is not a constant of \(e.qualifiedName)\(nameHint(c, e.names)) (constants: \(e.names.joined(separator: ", ")))")) }
        return .success(Double(x))
    case (.number(let d), .enumeration(let e)):
        guard let x = Int64(exactly: d), e.contains(x) else { return .failure(.init("\(fmt(d)) is not a value of \(e.qualifiedName)")) }
        return .success(d)
    default:
        return .failure(.init("\(v) is not a value of type \(t.fprimeName)"))
    }
}

public struct FaultResolveFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// A table value as a command argument.
func encodeArgument(_ v: FaultValue, _ d: ArgumentDefinition) -> Result<ArgumentValue, FaultResolveFailure> {
    if case .string(let max) = d.type {
        let s: String
        switch v {
        case .text(let t), .constant(let t): s = t  // a bare word is text for a string argument
        default: return .failure(.init("\(v) is not text"))
        }
        guard s.utf8.count <= max else { return .failure(.init("text of \(s.utf8.count) bytes is longer than \(max)")) }
        return .success(.string(s))
    }
    switch resolve(v, as: d.type) {
    case .failure(let f): return .failure(f)
    case .success(let x):
        if let r = d.range, !r.contains(x) { return .failure(.init("\(fmt(x)) is outside \(fmt(r.lowerBound))...\(fmt(r.upperBound))")) }
        let value: FlightValue
        switch d.type {
        case .u8: value = .u8(UInt8(exactly: x) ?? 0)
        case .u16: value = .u16(UInt16(exactly: x) ?? 0)
        case .u32: value = .u32(UInt32(exactly: x) ?? 0)
        case .u64: value = .u64(UInt64(exactly: x) ?? 0)
        case .i8: value = .i8(Int8(exactly: x) ?? 0)
        case .i16: value = .i16(Int16(exactly: x) ?? 0)
        case .i32: value = .i32(Int32(exactly: x) ?? 0)
        case .i64: value = .i64(Int64(exactly: x) ?? 0)
        case .f32: value = .f32(Float(x))
        case .f64: value = .f64(x)
        case .bool: value = .bool(x != 0)
        case .enumeration: value = .enumeration(Int32(x))
        case .string: return .failure(.init("unreachable"))
        }
        if d.type.isNumeric, !d.type.isFloatingPointType, x != x.rounded() { return .failure(.init("\(fmt(x)) is not a whole number for \(d.type.fprimeName)")) }
        return .success(.value(value))
    }
}

extension FlightType {
    var isFloatingPointType: Bool {
        switch self {
        case .f32, .f64: true
        default: false
        }
    }
}

func fmt(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }

/// "; did you mean 'x'?" for a misspelt name, or "" (edit distance at most a third of the name).
func nameHint(_ name: String, _ candidates: some Sequence<String>) -> String {
    let limit = max(1, name.count / 3)
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(name.lowercased(), c.lowercased())
        if d <= limit, d < (best?.1 ?? .max) || (d == best?.1 && c < best!.0) { best = (c, d) }
    }
    return best.map { "; did you mean '\($0.0)'?" } ?? ""
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
