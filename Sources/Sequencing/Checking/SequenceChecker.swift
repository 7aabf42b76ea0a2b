import FlightCore

/// Finds a called sequence by name: its file (for messages) and its text, or nil.
public typealias SequenceResolver = (String) -> (file: String, source: String)?

/// What checking a script gives: the parsed script, every diagnostic, the checked program
/// (nil when there are errors) and the timeline with the worst-case duration.
public struct CheckResult: Sendable {
    public var script: Script
    public var diagnostics: [Diagnostic]
    public var program: Program?
    public var timeline: Timeline
    /// Worst case of the `on abort` block, from when it starts.
    public var abortWorstCase: Int64?

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Checks a sequence script against a dictionary, as a compiler would before upload: every
/// command, argument, channel, enum constant and variable resolved, every value typed and
/// range-checked, timing checked (absolute times in order, a timeout on every `wait until`,
/// a bound on every loop, no absolute times inside loops), called sequences checked too.
/// Each problem is a diagnostic with its line and column; misspelt names get a suggestion.
/// It never traps, whatever the script.
public enum SequenceChecker {
    /// The deepest chain of `call`s the on-board sequencer runs.
    public static let maxCallDepth = 4
    /// The most sequences one compiled sequence may carry (itself and those it calls).
    public static let maxRoutines = 16
    /// The most variables a sequence may have, parameters and loop counters included.
    public static let maxVariables = 64
    /// The largest `repeat` count and `while … max`.
    public static let maxIterations: UInt32 = 1_000_000

    public static func check(source: String, file: String, dictionary: SequenceDictionary, resolver: SequenceResolver? = nil) -> CheckResult {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let defaultName = base.hasSuffix(".rseq") ? String(base.dropLast(5)) : base
        let context = CheckContext(dictionary: dictionary, resolver: resolver)
        let (script, parseDiagnostics) = ScriptParser.parse(source, defaultName: defaultName)
        context.diagnostics = parseDiagnostics
        context.routines.append(nil)
        context.routineNames[script.name] = 0
        var checker = RoutineChecker(context: context, script: script, lines: Self.lines(source), file: nil, chain: [script.name], isEntry: true)
        let (routine, timeline, abortLatest) = checker.run()
        context.routines[0] = routine
        context.timelines[0] = timeline
        let diagnostics = context.diagnostics.sorted { ($0.file ?? "", $0.location) < ($1.file ?? "", $1.location) }
        var program: Program?
        if !diagnostics.hasErrors {
            program = Program(routines: context.routines.map { $0! }, dictionaryHash: dictionary.hash)
        }
        return CheckResult(script: script, diagnostics: diagnostics, program: program, timeline: timeline, abortWorstCase: abortLatest)
    }

    static func lines(_ source: String) -> [Substring] {
        source.split(separator: "\n", omittingEmptySubsequences: false)
    }
}

final class CheckContext {
    let dictionary: SequenceDictionary
    let resolver: SequenceResolver?
    var diagnostics: [Diagnostic] = []
    var routines: [Routine?] = []
    var timelines: [Int: Timeline] = [:]
    var routineNames: [String: Int] = [:]

    init(dictionary: SequenceDictionary, resolver: SequenceResolver?) {
        self.dictionary = dictionary
        self.resolver = resolver
    }
}

/// The type of a value in an expression.
enum ValueType: Equatable, CustomStringConvertible {
    case integer, float, boolean, string
    case enumeration(EnumType)

    var isNumeric: Bool { self == .integer || self == .float }

    init(_ t: FlightType) {
        switch t {
        case .f32, .f64: self = .float
        case .bool: self = .boolean
        case .string: self = .string
        case .enumeration(let e): self = .enumeration(e)
        default: self = .integer
        }
    }

    init(_ s: ScalarType) { self.init(s.flightType) }

    var description: String {
        switch self {
        case .integer: "a whole number"
        case .float: "a number"
        case .boolean: "true or false"
        case .string: "a string"
        case .enumeration(let e): "a constant of enum \(e.qualifiedName)"
        }
    }
}

/// The timing state while walking a sequence.
struct Clock {
    var anchor: Timeline.Anchor = .start
    var earliest: Int64 = 0
    var latest: Int64 = 0

    mutating func add(_ lo: Int64, _ hi: Int64) {
        earliest = earliest.addingReportingOverflow(lo).overflow ? .max : earliest + lo
        latest = latest.addingReportingOverflow(hi).overflow ? .max : latest + hi
    }
}

struct RoutineChecker {
    let context: CheckContext
    let script: Script
    let lines: [Substring]
    let file: String?
    let chain: [String]
    let isEntry: Bool
    var variables: [Routine.Variable] = []
    var variableIndex: [String: Int] = [:]
    var timeline = Timeline()
    var lastMissionElapsed: (Int64, Int)?
    var lastUTC: (Int64, Int)?
    var loopDepth = 0
    var inAbortBlock = false
    var bodyCounters: [Int] = []
    var abortCounters: [Int] = []

    init(context: CheckContext, script: Script, lines: [Substring], file: String?, chain: [String], isEntry: Bool) {
        self.context = context
        self.script = script
        self.lines = lines
        self.file = file
        self.chain = chain
        self.isEntry = isEntry
    }

    var dictionary: SequenceDictionary { context.dictionary }

    func error(_ at: ScriptLocation, _ message: String) {
        context.diagnostics.append(Diagnostic(at: at, message, file: file))
    }

    func warning(_ at: ScriptLocation, _ message: String) {
        context.diagnostics.append(Diagnostic(.warning, at: at, message, file: file))
    }

    func text(ofLine line: Int) -> String {
        guard line >= 1, line <= lines.count else { return "" }
        var t = lines[line - 1]
        if let hash = t.firstIndex(of: "#") { t = t[..<hash] }
        return t.trimmingSpaces()
    }

    mutating func run() -> (Routine, Timeline, Int64?) {
        declare(script.parameters, parameters: true)
        declare(script.variables, parameters: false)
        var clock = Clock()
        let body = statements(script.body, depth: 0, clock: &clock)
        timeline.anchor = clock.anchor
        timeline.earliest = clock.earliest
        timeline.latest = clock.latest
        var abortNodes: [Node]?
        var abortLatest: Int64?
        if let block = script.abortBlock {
            inAbortBlock = true
            var abortClock = Clock()
            let saved = timeline.entries
            abortNodes = statements(block, depth: 0, clock: &abortClock)
            timeline.entries = saved
            abortLatest = abortClock.latest
        }
        if variables.count > SequenceChecker.maxVariables {
            error(script.nameLocation ?? .init(line: 1, column: 1), "sequence '\(script.name)' has \(variables.count) variables (parameters and one per loop nesting level included); at most \(SequenceChecker.maxVariables) are allowed")
        }
        let routine = Routine(
            name: script.name, nameLine: script.nameLocation?.line ?? 0, variables: variables, body: body,
            abortBlock: abortNodes, abortLine: script.abortLine, abortEndLine: script.abortEndLine)
        return (routine, timeline, abortLatest)
    }

    mutating func declare(_ decls: [Declaration], parameters: Bool) {
        for d in decls {
            if let i = variableIndex[d.name] {
                error(d.location, "'\(d.name)' is already declared at line \(variables[i].line)")
                continue
            }
            guard let type = ScalarType(name: d.typeName) else {
                var message = "unknown type '\(d.typeName)'; variables are U8, U16, U32, U64, I8, I16, I32, I64, F32, F64 or bool"
                if let s = Suggestion.nearest(to: d.typeName, in: ScalarType.allCases.map(\.name)) { message += "; did you mean '\(s)'?" }
                error(d.typeLocation, message)
                continue
            }
            var initial = 0.0
            if let e = d.initial {
                if let v = constant(e, as: type, what: "initial value of '\(d.name)'") { initial = v }
            } else if parameters && isEntry {
                warning(d.location, "parameter '\(d.name)' has no default; a sequence started by SEQ_RUN gets 0 for it")
            }
            variableIndex[d.name] = variables.count
            variables.append(.init(name: d.name, type: type, initial: initial, isParameter: parameters, hasDefault: d.initial != nil, hidden: false, line: d.line))
        }
    }

    /// A literal (or negated literal) for a variable of `type`.
    func constant(_ e: Expression, as type: ScalarType, what: String) -> Double? {
        var value: Double
        var isInteger = true
        switch e {
        case .number(let v, let i, _, _):
            value = v
            isInteger = i
        case .unary(.negate, .number(let v, let i, _, _), _):
            value = -v + 0.0  // (no negative zero)
            isInteger = i
        case .boolean(let b, _):
            guard type == .bool else {
                error(e.location, "\(what) must be \(ValueType(type)) for type \(type.name), found '\(b)'")
                return nil
            }
            return b ? 1 : 0
        default:
            error(e.location, "\(what) must be a literal value")
            return nil
        }
        guard type != .bool else {
            error(e.location, "\(what) must be true or false for type bool")
            return nil
        }
        if type.isInteger && (!isInteger || value != value.rounded()) {
            error(e.location, "\(what) must be a whole number for type \(type.name), found \(value)")
            return nil
        }
        guard let stored = type.store(value), type.isInteger ? stored == value : true else {
            error(e.location, "\(what) = \(Self.format(value)) does not fit type \(type.name) (\(Self.format(type.bounds.lowerBound))…\(Self.format(type.bounds.upperBound)))")
            return nil
        }
        return stored
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e18 { return String(Int64(v)) }
        return "\(v)"
    }

    // MARK: Statements

    mutating func statements(_ list: [Statement], depth: Int, clock: inout Clock) -> [Node] {
        var out: [Node] = []
        for s in list { statement(s, depth: depth, clock: &clock, into: &out) }
        return out
    }

    mutating func entry(_ s: Statement, depth: Int, clock: Clock) {
        timeline.entries.append(.init(line: s.line, depth: depth, text: text(ofLine: s.line), anchor: clock.anchor, earliest: clock.earliest, latest: clock.latest))
    }

    mutating func statement(_ s: Statement, depth: Int, clock: inout Clock, into out: inout [Node]) {
        if let tag = s.timeTag {
            switch tag {
            case .after(let d):
                out.append(.timeTag(.after(nanoseconds: d.nanoseconds), line: s.line))
                clock.add(d.nanoseconds, d.nanoseconds)
            case .missionElapsed(let ns, let at):
                if loopDepth > 0 { error(at, "absolute time 'T+\(Timeline.clock(ns))' inside a loop would be in the past on the second pass; use 'after'") }
                if let (prev, line) = lastMissionElapsed, ns < prev {
                    error(at, "absolute time 'T+\(Timeline.clock(ns))' is earlier than 'T+\(Timeline.clock(prev))' at line \(line); absolute times must not decrease")
                }
                lastMissionElapsed = (ns, s.line)
                out.append(.timeTag(.missionElapsed(nanoseconds: ns), line: s.line))
                clock = Clock(anchor: .missionElapsed(nanoseconds: ns))
            case .utc(let us, let at):
                if loopDepth > 0 { error(at, "absolute time '\(Timeline.utcText(us))' inside a loop would be in the past on the second pass; use 'after'") }
                if let (prev, line) = lastUTC, us < prev {
                    error(at, "absolute time '\(Timeline.utcText(us))' is earlier than '\(Timeline.utcText(prev))' at line \(line); absolute times must not decrease")
                }
                lastUTC = (us, s.line)
                out.append(.timeTag(.utc(microseconds: us), line: s.line))
                clock = Clock(anchor: .utc(microseconds: us))
            }
        }
        switch s.kind {
        case .command(let name, let args):
            entry(s, depth: depth, clock: clock)
            if let node = command(name, args, at: s.keywordLocation, line: s.line) { out.append(node) }
        case .wait(let d):
            entry(s, depth: depth, clock: clock)
            out.append(.wait(nanoseconds: d.nanoseconds, line: s.line))
            clock.add(d.nanoseconds, d.nanoseconds)
        case .waitUntil(let cond, let timeout, let action):
            entry(s, depth: depth, clock: clock)
            let c = condition(cond, what: "'wait until'")
            guard let timeout else {
                error(s.keywordLocation, "'wait until' needs a timeout: add 'timeout <duration>' (and 'else abort' or 'else continue')")
                return
            }
            if let c { out.append(.waitUntil(c, timeout: timeout.nanoseconds, otherwise: action, line: s.line)) }
            clock.add(0, timeout.nanoseconds)
        case .set(let name, let at, let value):
            entry(s, depth: depth, clock: clock)
            guard let i = variable(name, at: at) else { return }
            let v = variables[i]
            if v.isParameter { error(at, "'\(name)' is a parameter and cannot be set; declare a 'var' for a value that changes") }
            guard let (r, t) = expression(value) else { return }
            if v.type == .bool ? t != .boolean : !t.isNumeric {
                error(value.location, "'\(name)' is \(v.type.name) and needs \(ValueType(v.type)), found \(t)")
                return
            }
            if case .constant(let k, _) = r, v.type != .bool {
                if v.type.isInteger && k != k.rounded() {
                    error(value.location, "'\(name)' is \(v.type.name) and needs a whole number, found \(k)")
                } else if v.type.store(k) == nil {
                    error(value.location, "value \(Self.format(k)) does not fit '\(name)' (\(v.type.name): \(Self.format(v.type.bounds.lowerBound))…\(Self.format(v.type.bounds.upperBound)))")
                }
            }
            out.append(.set(variable: i, r, line: s.line))
        case .call(let name, let args):
            entry(s, depth: depth, clock: clock)
            if let node = call(name, args, at: s.keywordLocation, line: s.line, depth: depth, clock: &clock) { out.append(node) }
        case .abort:
            entry(s, depth: depth, clock: clock)
            if inAbortBlock { error(s.keywordLocation, "'abort' inside 'on abort': the abort block is already running") }
            out.append(.abort(line: s.line))
        case .conditional(let branches, let elseBody, let elseLine, let endLine):
            entry(s, depth: depth, clock: clock)
            var resolved: [(ResolvedExpression, [Node], Int)] = []
            var lo = Int64.max, hi = Int64.min
            let start = clock
            var ends: [Clock] = []
            for b in branches {
                let c = condition(b.condition, what: "'if'")
                var branchClock = start
                let body = statements(b.body, depth: depth + 1, clock: &branchClock)
                ends.append(branchClock)
                if let c { resolved.append((c, body, b.line)) }
            }
            var elseNodes: [Node]?
            if let elseBody {
                var branchClock = start
                elseNodes = statements(elseBody, depth: depth + 1, clock: &branchClock)
                ends.append(branchClock)
            } else {
                ends.append(start)
            }
            // Branches that end on another anchor (an absolute tag) set the anchor for what follows.
            let anchor = ends.last { $0.anchor != start.anchor }?.anchor ?? start.anchor
            for e in ends where e.anchor == anchor {
                lo = min(lo, e.earliest)
                hi = max(hi, e.latest)
            }
            clock = Clock(anchor: anchor, earliest: lo, latest: hi)
            if resolved.count == branches.count {
                out.append(.conditional(branches: resolved.map { ($0.0, $0.1, $0.2) }, elseBody: elseNodes, elseLine: elseLine, endLine: endLine))
            }
        case .repeatLoop(let countExpr, let body, let endLine):
            entry(s, depth: depth, clock: clock)
            let count = iterationCount(countExpr, what: "'repeat' count")
            let counter = hiddenCounter(line: s.line)
            loopDepth += 1
            var bodyClock = clock
            let nodes = statements(body, depth: depth + 1, clock: &bodyClock)
            loopDepth -= 1
            let n = Int64(count ?? 0)
            let (lo, hi) = (bodyClock.earliest - clock.earliest, bodyClock.latest - clock.latest)
            clock.add(lo.multipliedReportingOverflow(by: n).overflow ? .max : lo * n, hi.multipliedReportingOverflow(by: n).overflow ? .max : hi * n)
            if let count { out.append(.repeatLoop(count: count, counter: counter, body: nodes, line: s.line, endLine: endLine)) }
        case .whileLoop(let cond, let maxExpr, let body, let endLine):
            entry(s, depth: depth, clock: clock)
            let c = condition(cond, what: "'while'")
            var bound: UInt32?
            if let maxExpr {
                bound = iterationCount(maxExpr, what: "'while' bound")
            } else {
                error(s.keywordLocation, "'while' loop has no bound: add 'max <N>' (the sequence fails if the condition still holds after N passes)")
            }
            let counter = hiddenCounter(line: s.line)
            loopDepth += 1
            var bodyClock = clock
            let nodes = statements(body, depth: depth + 1, clock: &bodyClock)
            loopDepth -= 1
            let n = Int64(bound ?? 0)
            let hi = bodyClock.latest - clock.latest
            clock.add(0, hi.multipliedReportingOverflow(by: n).overflow ? .max : hi * n)
            if let c, let bound { out.append(.whileLoop(c, max: bound, counter: counter, body: nodes, line: s.line, endLine: endLine)) }
        }
    }

    /// The counter of a loop at the current nesting depth. Loops at the same depth (which
    /// cannot be running at once) share one: a loop leaves its counter at 0 when it ends.
    /// The abort block has counters of its own, since a failure can leave a loop's counter
    /// nonzero.
    mutating func hiddenCounter(line: Int) -> Int {
        if inAbortBlock {
            if loopDepth < abortCounters.count { return abortCounters[loopDepth] }
        } else if loopDepth < bodyCounters.count {
            return bodyCounters[loopDepth]
        }
        variables.append(.init(name: "", type: .u32, initial: 0, isParameter: false, hasDefault: true, hidden: true, line: line))
        if inAbortBlock { abortCounters.append(variables.count - 1) } else { bodyCounters.append(variables.count - 1) }
        return variables.count - 1
    }

    func iterationCount(_ e: Expression, what: String) -> UInt32? {
        guard case .number(let v, _, _, let text) = e, v == v.rounded(), v >= 0, v <= Double(SequenceChecker.maxIterations) else {
            error(e.location, "\(what) must be a whole number in 0…\(SequenceChecker.maxIterations) written as a literal")
            return nil
        }
        _ = text
        return UInt32(v)
    }

    func variable(_ name: String, at: ScriptLocation) -> Int? {
        if let i = variableIndex[name] { return i }
        var message = "unknown variable '\(name)'"
        if let s = Suggestion.nearest(to: name, in: variableIndex.keys) { message += "; did you mean '\(s)'?" } else { message += "; declare it with 'var \(name): <type> = <value>'" }
        error(at, message)
        return nil
    }

    // MARK: Commands

    func command(_ name: String, _ args: [ScriptArgument], at: ScriptLocation, line: Int) -> Node? {
        guard let cmd = dictionary.command(named: name) else {
            var message = "unknown command '\(name)'"
            if let s = Suggestion.nearest(to: name, in: dictionary.commands.map(\.name)) {
                message += "; did you mean '\(s)'?"
            } else if let s = Suggestion.nearest(to: name, in: dictionary.channels.map(\.name)) {
                message += "; '\(s)' is a telemetry channel, not a command"
            }
            error(at, message)
            return nil
        }
        var given: [String: ScriptArgument] = [:]
        var ok = true
        for a in args {
            guard cmd.arguments.contains(where: { $0.name == a.name }) else {
                var message = "command '\(name)' has no argument '\(a.name)'"
                if let s = Suggestion.nearest(to: a.name, in: cmd.arguments.map(\.name)) {
                    message += "; did you mean '\(s)'?"
                } else if cmd.arguments.isEmpty {
                    message += "; it takes no arguments"
                } else {
                    message += "; its arguments are " + cmd.arguments.map { "'\($0.name)'" }.joined(separator: ", ")
                }
                error(a.location, message)
                ok = false
                continue
            }
            if given[a.name] != nil {
                error(a.location, "argument '\(a.name)' is given twice")
                ok = false
                continue
            }
            given[a.name] = a
        }
        var bytes: [UInt8] = []
        var patches: [CommandPatch] = []
        // A misspelt argument name is reported once, not also as a missing argument.
        let misspelt = !ok
        for def in cmd.arguments {
            guard let a = given[def.name] else {
                if !misspelt { error(at, "command '\(name)' needs argument '\(def.name)' (\(Self.describe(def)))") }
                ok = false
                continue
            }
            guard let encoded = argument(a, def, command: name) else {
                ok = false
                continue
            }
            if let v = encoded.variable { patches.append(CommandPatch(offset: bytes.count, variable: v, type: def.type)) }
            bytes += encoded.bytes
        }
        guard ok else { return nil }
        return .command(opcode: cmd.opcode, arguments: bytes, patches: patches, line: line)
    }

    static func describe(_ def: ArgumentDefinition) -> String {
        var text = def.type.fprimeName
        if case .string(let m) = def.type { text = "string of at most \(m) bytes" }
        if let r = def.range { text += " in \(format(r.lowerBound))…\(format(r.upperBound))" }
        if !def.units.isEmpty { text += " \(def.units)" }
        return text
    }

    /// An argument's bytes, or a placeholder and the variable that fills it at run time.
    func argument(_ a: ScriptArgument, _ def: ArgumentDefinition, command: String) -> (bytes: [UInt8], variable: Int?)? {
        let what = "argument '\(a.name)' of '\(command)'"
        let type = def.type
        func encode(_ v: ArgumentValue) -> [UInt8]? {
            let b = Self.encodeArgument(v, as: type)
            if b == nil { error(a.value.location, "\(what): value does not encode as \(type.fprimeName)") }
            return b
        }
        var number: Double?
        var isInteger = true
        switch a.value {
        case .string(let s, let at):
            guard case .string(let m) = type else {
                error(at, "\(what) needs \(ValueType(type)), found string \"\(s)\"")
                return nil
            }
            guard s.utf8.count <= m else {
                error(at, "\(what) is \(s.utf8.count) bytes; at most \(m) are allowed")
                return nil
            }
            return encode(.string(s)).map { ($0, nil) }
        case .boolean(let b, let at):
            guard type == .bool else {
                error(at, "\(what) needs \(ValueType(type)), found '\(b)'")
                return nil
            }
            return encode(.value(.bool(b))).map { ($0, nil) }
        case .number(let v, let i, _, _):
            number = v
            isInteger = i
        case .unary(.negate, .number(let v, let i, _, _), _):
            number = -v
            isInteger = i
        case .name(let n, let at):
            if case .enumeration(let e) = type {
                guard let v = e.value(of: n) else {
                    var message = "'\(n)' is not a constant of enum \(e.qualifiedName) (\(what))"
                    if let s = Suggestion.nearest(to: n, in: e.names) { message += "; did you mean '\(s)'?" } else { message += "; its constants are " + e.names.joined(separator: ", ") }
                    error(at, message)
                    return nil
                }
                return encode(.value(.enumeration(Int32(truncatingIfNeeded: v)))).map { ($0, nil) }
            }
            if n.contains(".") {
                error(at, "\(what) must be a literal or a variable; read telemetry into a variable first ('set x = \(n)')")
                return nil
            }
            guard let i = variable(n, at: at) else { return nil }
            let vt = variables[i].type
            if case .string = type {
                error(at, "\(what) needs a string literal, not variable '\(n)'")
                return nil
            }
            if (type == .bool) != (vt == .bool) {
                error(at, "\(what) needs \(ValueType(type)), but '\(n)' is \(vt.name)")
                return nil
            }
            guard let zero = FlightValue.zero(of: type), let placeholder = encode(.value(zero)) else { return nil }
            return (placeholder, i)
        default:
            error(a.value.location, "\(what) must be a literal or a variable name; compute it with 'set' first")
            return nil
        }
        guard let v = number else { return nil }
        let at = a.value.location
        switch type {
        case .string, .bool:
            error(at, "\(what) needs \(ValueType(type)), found \(Self.format(v))")
            return nil
        case .enumeration(let e):
            var message = "\(what) needs a constant of enum \(e.qualifiedName), found \(Self.format(v))"
            if e.names.count <= 8 { message += "; its constants are " + e.names.joined(separator: ", ") }
            error(at, message)
            return nil
        default: break
        }
        let integerType = type.isNumeric && type != .f32 && type != .f64
        if integerType && (!isInteger || v != v.rounded()) {
            error(at, "\(what) needs a whole number (\(type.fprimeName)), found \(v)")
            return nil
        }
        let range = def.range ?? type.numericBounds!
        guard range.contains(v) else {
            error(at, "\(what) = \(Self.format(v)) is outside \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))\(def.range == nil ? " (\(type.fprimeName))" : "")")
            return nil
        }
        let value: FlightValue
        switch type {
        case .u8: value = .u8(UInt8(v))
        case .u16: value = .u16(UInt16(v))
        case .u32: value = .u32(UInt32(v))
        case .u64: value = .u64(v >= 18446744073709551615.0 ? .max : UInt64(v))
        case .i8: value = .i8(Int8(v))
        case .i16: value = .i16(Int16(v))
        case .i32: value = .i32(Int32(v))
        case .i64: value = .i64(v >= 9223372036854775807.0 ? .max : Int64(v))
        case .f32:
            guard Float(v).isFinite else {
                error(at, "\(what) = \(v) does not fit F32")
                return nil
            }
            value = .f32(Float(v))
        default: value = .f64(v)
        }
        return encode(.value(value)).map { ($0, nil) }
    }

    /// One argument's bytes, F Prime's serialisation (what `CommandArguments.encode` writes,
    /// without its 4 KiB scratch buffer per call: a 10,000-line script has thousands).
    static func encodeArgument(_ v: ArgumentValue, as type: FlightType) -> [UInt8]? {
        switch (v, type) {
        case (.string(let s), .string(let max)):
            let utf8 = Array(s.utf8)
            guard utf8.count <= max, utf8.count <= Int(UInt16.max) else { return nil }
            return [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
        case (.value(let x), let t) where x.isOf(t):
            guard let size = t.fixedSize else { return nil }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                var w = ByteWriter(UnsafeMutableRawBufferPointer(buffer))
                x.serialize(as: t, into: &w)
                count = w.overflowed ? 0 : w.count
            }.nilIfEmpty
        default: return nil
        }
    }

    // MARK: Calls

    mutating func call(_ name: String, _ args: [ScriptArgument], at: ScriptLocation, line: Int, depth: Int, clock: inout Clock) -> Node? {
        if let k = chain.firstIndex(of: name) {
            error(at, "calling '\(name)' makes a cycle: " + (chain[k...] + [name]).joined(separator: " → "))
            return nil
        }
        guard chain.count < SequenceChecker.maxCallDepth else {
            error(at, "calls are nested more than \(SequenceChecker.maxCallDepth) deep: " + (chain + [name]).joined(separator: " → "))
            return nil
        }
        var index = context.routineNames[name]
        if index == nil {
            guard let resolver = context.resolver else {
                error(at, "cannot call '\(name)': no sequence directory to look in")
                return nil
            }
            guard let found = resolver(name) else {
                error(at, "no sequence '\(name)' to call (looked for \(name).rseq beside this script)")
                return nil
            }
            guard context.routines.count < SequenceChecker.maxRoutines else {
                error(at, "more than \(SequenceChecker.maxRoutines) sequences in one compiled sequence")
                return nil
            }
            let (script, parseDiagnostics) = ScriptParser.parse(found.source, defaultName: name)
            for var d in parseDiagnostics {
                d.file = found.file
                context.diagnostics.append(d)
            }
            let k = context.routines.count
            context.routines.append(nil)
            context.routineNames[name] = k
            var callee = RoutineChecker(context: context, script: script, lines: SequenceChecker.lines(found.source), file: found.file, chain: chain + [name], isEntry: false)
            let (routine, calleeTimeline, _) = callee.run()
            if script.name != name {
                error(script.nameLocation ?? at, "file for '\(name)' declares 'sequence \(script.name)'")
            }
            context.routines[k] = routine
            context.timelines[k] = calleeTimeline
            index = k
        }
        guard let k = index, let callee = context.routines[k], let calleeTimeline = context.timelines[k] else {
            error(at, "calling '\(name)' makes a cycle")
            return nil
        }
        var resolved: [(Int, ResolvedExpression)] = []
        var given = Set<String>()
        var ok = true
        for a in args {
            guard let p = callee.variables.firstIndex(where: { $0.isParameter && $0.name == a.name }) else {
                var message = "sequence '\(name)' has no parameter '\(a.name)'"
                if let s = Suggestion.nearest(to: a.name, in: callee.variables.filter(\.isParameter).map(\.name)) { message += "; did you mean '\(s)'?" }
                error(a.location, message)
                ok = false
                continue
            }
            guard given.insert(a.name).inserted else {
                error(a.location, "parameter '\(a.name)' is given twice")
                ok = false
                continue
            }
            guard let (r, t) = expression(a.value) else {
                ok = false
                continue
            }
            let pt = callee.variables[p].type
            if pt == .bool ? t != .boolean : !t.isNumeric {
                error(a.value.location, "parameter '\(a.name)' of '\(name)' is \(pt.name) and needs \(ValueType(pt)), found \(t)")
                ok = false
                continue
            }
            if case .constant(let v, _) = r, pt != .bool, pt.store(v) == nil || (pt.isInteger && v != v.rounded()) {
                error(a.value.location, "value \(Self.format(v)) does not fit parameter '\(a.name)' (\(pt.name))")
                ok = false
                continue
            }
            resolved.append((p, r))
        }
        for v in callee.variables where v.isParameter && !v.hasDefault && !given.contains(v.name) {
            error(at, "call of '\(name)' needs parameter '\(v.name)' (\(v.type.name))")
            ok = false
        }
        // The callee's statements on the timeline, one level in, from where the call starts.
        for e in calleeTimeline.entries {
            var shifted = e
            shifted.depth = depth + 1 + e.depth
            if e.anchor == .start {
                shifted.anchor = clock.anchor
                shifted.earliest = clock.earliest + e.earliest
                shifted.latest = clock.latest + e.latest
            }
            timeline.entries.append(shifted)
        }
        if calleeTimeline.anchor == .start {
            clock.add(calleeTimeline.earliest, calleeTimeline.latest)
        } else {
            clock = Clock(anchor: calleeTimeline.anchor, earliest: calleeTimeline.earliest, latest: calleeTimeline.latest)
        }
        guard ok else { return nil }
        return .call(routine: k, arguments: resolved, line: line)
    }

    // MARK: Expressions

    func condition(_ e: Expression, what: String) -> ResolvedExpression? {
        guard let (r, t) = expression(e) else { return nil }
        guard t == .boolean else {
            error(e.location, "\(what) needs a condition (true or false), found \(t); compare it, e.g. '… > 0'")
            return nil
        }
        return r
    }

    func isUnresolvedBareName(_ e: Expression) -> Bool {
        if case .name(let n, _) = e, !n.contains("."), variableIndex[n] == nil { return true }
        return false
    }

    func expression(_ e: Expression, expecting: ValueType? = nil) -> (ResolvedExpression, ValueType)? {
        switch e {
        case .number(let v, let isInteger, _, _):
            return (.constant(v, isInteger ? .integer : .float), isInteger ? .integer : .float)
        case .boolean(let b, _):
            return (.constant(b ? 1 : 0, .boolean), .boolean)
        case .string(let s, let at):
            error(at, "a string (\"\(s)\") can only be a command argument")
            return nil
        case .name(let n, let at):
            if n.contains(".") {
                guard let ch = dictionary.channel(named: n) else {
                    var message = "unknown telemetry channel '\(n)'"
                    if let s = Suggestion.nearest(to: n, in: dictionary.channels.map(\.name)) { message += "; did you mean '\(s)'?" }
                    error(at, message)
                    return nil
                }
                return (.channel(ch.id), ValueType(ch.type))
            }
            if let i = variableIndex[n] { return (.variable(i), ValueType(variables[i].type)) }
            if case .enumeration(let en) = expecting {
                if let v = en.value(of: n) { return (.constant(Double(v), .enumeration), .enumeration(en)) }
                var message = "'\(n)' is not a constant of enum \(en.qualifiedName)"
                if let s = Suggestion.nearest(to: n, in: en.names) { message += "; did you mean '\(s)'?" }
                error(at, message)
                return nil
            }
            var message = "unknown name '\(n)'"
            if let s = Suggestion.nearest(to: n, in: variableIndex.keys) {
                message += "; did you mean '\(s)'?"
            } else {
                message += "; a telemetry channel is written COMPONENT.Channel, a variable is declared with 'var'"
            }
            error(at, message)
            return nil
        case .unary(let op, let inner, let at):
            guard let (r, t) = expression(inner) else { return nil }
            switch op {
            case .not:
                guard t == .boolean else {
                    error(at, "'not' needs true or false, found \(t)")
                    return nil
                }
                return (.unary(.not, r), .boolean)
            case .negate:
                guard t.isNumeric else {
                    error(at, "'-' needs a number, found \(t)")
                    return nil
                }
                if case .constant(let v, let k) = r { return (.constant(-v + 0.0, k), t) }
                return (.unary(.negate, r), t)
            }
        case .binary(let op, let lhs, let rhs, let at):
            var l: (ResolvedExpression, ValueType)?
            var r: (ResolvedExpression, ValueType)?
            if op.isComparison, isUnresolvedBareName(lhs) {
                r = expression(rhs)
                guard let rr = r else { return nil }
                l = expression(lhs, expecting: rr.1)
            } else {
                l = expression(lhs)
                guard let ll = l else {
                    _ = expression(rhs)
                    return nil
                }
                r = expression(rhs, expecting: op.isComparison ? ll.1 : nil)
            }
            guard let (le, lt) = l, let (re, rt) = r else { return nil }
            if op.isLogical {
                guard lt == .boolean, rt == .boolean else {
                    error(at, "'\(op.rawValue)' needs true or false on both sides, found \(lt == .boolean ? rt : lt)")
                    return nil
                }
                return limited(.binary(op, le, re), .boolean, at: at)
            }
            if op.isComparison {
                switch (lt, rt) {
                case _ where lt.isNumeric && rt.isNumeric: break
                case (.boolean, .boolean), (.enumeration, .enumeration):
                    guard lt == rt else {
                        error(at, "cannot compare \(lt) with \(rt)")
                        return nil
                    }
                    guard op == .equal || op == .notEqual else {
                        error(at, "'\(op.rawValue)' does not order \(lt == .boolean ? "booleans" : "enum constants"); use == or !=")
                        return nil
                    }
                default:
                    error(at, "cannot compare \(lt) with \(rt)")
                    return nil
                }
                return limited(.binary(op, le, re), .boolean, at: at)
            }
            guard lt.isNumeric, rt.isNumeric else {
                error(at, "'\(op.rawValue)' needs numbers on both sides, found \(lt.isNumeric ? rt : lt)")
                return nil
            }
            if op == .divide, case .constant(0, _) = re {
                error(at, "division by zero")
                return nil
            }
            return limited(.binary(op, le, re), lt == .float || rt == .float ? .float : .integer, at: at)
        }
    }

    /// Refuses an expression the on-board evaluator's fixed stack cannot hold.
    func limited(_ e: ResolvedExpression, _ t: ValueType, at: ScriptLocation) -> (ResolvedExpression, ValueType)? {
        guard e.stackDepth <= SequenceImage.maxStackDepth else {
            error(at, "expression needs \(e.stackDepth) evaluation slots; at most \(SequenceImage.maxStackDepth) are available")
            return nil
        }
        return (e, t)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension Array where Element == UInt8 {
    var nilIfEmpty: [UInt8]? { isEmpty ? nil : self }
}
