/// Parses sequence scripts (`.rseq`; grammar in docs/sequences.md).
///
/// The language is line-oriented: one statement per line; blocks (`if`, `repeat`, `while`,
/// `on abort`) close with `end`. The parser never traps, whatever it is given: each line it
/// cannot read becomes one diagnostic and parsing goes on with the next line, so one run
/// reports every error. Sizes are bounded (source bytes, lines, nesting, expression depth).
public enum ScriptParser {
    /// The largest script accepted, in UTF-8 bytes.
    public static let maxSourceBytes = 8 << 20
    /// Block nesting deeper than this is refused.
    public static let maxNesting = 16
    /// Expressions nested deeper than this (parentheses, operators) are refused.
    public static let maxExpressionDepth = 24
    /// The keywords that start a statement (for messages and suggestions).
    public static let keywords = ["sequence", "param", "var", "after", "at", "wait", "set", "call", "abort", "if", "else", "end", "repeat", "while", "on"]
    /// Names a script may not use for its variables and parameters.
    static let reserved = Set(keywords + ["until", "timeout", "continue", "times", "max", "and", "or", "not", "true", "false", "T"])

    /// Parses `source`. `defaultName` names the sequence when it has no `sequence` line.
    public static func parse(_ source: String, defaultName: String) -> (Script, [Diagnostic]) {
        var state = ParserState(script: Script(name: defaultName))
        guard source.utf8.count <= maxSourceBytes else {
            state.diagnostics.append(Diagnostic(at: .init(line: 1, column: 1), "script is \(source.utf8.count) bytes; at most \(maxSourceBytes) are allowed"))
            return (state.script, state.diagnostics)
        }
        var lineNumber = 0
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let (tokens, lexError) = Lexer.tokenize(line, lineNumber: lineNumber)
            if let lexError {
                state.diagnostics.append(lexError)
                continue
            }
            guard !tokens.isEmpty else { continue }
            state.line(tokens, lineNumber: lineNumber)
        }
        state.finish(lastLine: lineNumber)
        return (state.script, state.diagnostics)
    }
}

/// Reads the tokens of one line.
struct TokenCursor {
    let tokens: [Token]
    var index = 0
    let lineNumber: Int
    /// Where the line ends, for "expected ... at end of line" messages.
    let endLocation: ScriptLocation

    init(_ tokens: [Token], lineNumber: Int) {
        self.tokens = tokens
        self.lineNumber = lineNumber
        let last = tokens.last!
        endLocation = ScriptLocation(line: lineNumber, column: last.location.column + last.text.unicodeScalars.count)
    }

    var atEnd: Bool { index >= tokens.count }
    var peek: Token? { index < tokens.count ? tokens[index] : nil }
    func peek(_ k: Int) -> Token? { index + k < tokens.count ? tokens[index + k] : nil }
    var location: ScriptLocation { peek?.location ?? endLocation }

    mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    mutating func accept(keyword: String) -> Bool {
        guard peek?.isKeyword(keyword) == true else { return false }
        index += 1
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard peek?.isSymbol(symbol) == true else { return false }
        index += 1
        return true
    }

    /// What is at the cursor, quoted for a message ("end of line" at the end).
    var found: String { peek.map { "'\($0.text)'" } ?? "end of line" }
}

struct ParseError: Error {
    let diagnostic: Diagnostic
    init(_ at: ScriptLocation, _ message: String) { diagnostic = Diagnostic(at: at, message) }
}

/// An open block while its lines are read.
struct OpenBlock {
    enum Kind { case conditional, repeatLoop, whileLoop, onAbort }
    var kind: Kind
    var statements: [Statement] = []
    var location: ScriptLocation
    var keywordLocation: ScriptLocation
    var timeTag: TimeTag?
    // conditional
    var branches: [Statement.Branch] = []
    var condition: Expression?
    var branchLine = 0
    var elseBody: [Statement]?
    var elseLine = 0
    // loops
    var count: Expression?
    var max: Expression?
    /// A block whose opening line had an error: read to its `end`, then dropped.
    var discard = false

    var opener: String {
        switch kind {
        case .conditional: "if"
        case .repeatLoop: "repeat"
        case .whileLoop: "while"
        case .onAbort: "on abort"
        }
    }
}

struct ParserState {
    var script: Script
    var diagnostics: [Diagnostic] = []
    var blocks: [OpenBlock] = []
    var sawStatement = false
    var sawSequenceLine = false
    /// Blocks refused for nesting too deep: their `end`s are consumed without a message.
    var droppedBlocks = 0

    mutating func line(_ tokens: [Token], lineNumber: Int) {
        var c = TokenCursor(tokens, lineNumber: lineNumber)
        do {
            try statementLine(&c)
            if let extra = c.peek {
                throw ParseError(extra.location, "unexpected '\(extra.text)' after the end of the statement")
            }
        } catch let e as ParseError {
            diagnostics.append(e.diagnostic)
        } catch {
            diagnostics.append(Diagnostic(at: c.location, "\(error)"))
        }
    }

    mutating func append(_ s: Statement) {
        sawStatement = true
        if blocks.isEmpty {
            script.body.append(s)
        } else if blocks[blocks.count - 1].elseBody != nil {
            blocks[blocks.count - 1].elseBody!.append(s)
        } else {
            blocks[blocks.count - 1].statements.append(s)
        }
    }

    mutating func statementLine(_ c: inout TokenCursor) throws(ParseError) {
        let first = c.peek!
        guard let word = first.name else {
            throw ParseError(first.location, "expected a statement, found '\(first.text)'")
        }
        switch word {
        case "sequence":
            _ = c.next()
            guard !sawSequenceLine else { throw ParseError(first.location, "a script has one 'sequence' line") }
            guard !sawStatement, script.parameters.isEmpty, script.variables.isEmpty else {
                throw ParseError(first.location, "'sequence' must be the first line of the script")
            }
            let name = try identifier(&c, what: "a sequence name")
            sawSequenceLine = true
            script.name = name.text
            script.nameLocation = name.location
        case "param", "var":
            _ = c.next()
            guard blocks.isEmpty else { throw ParseError(first.location, "'\(word)' declarations belong at the top level, not inside '\(blocks.last!.opener)'") }
            let name = try identifier(&c, what: "a \(word == "param" ? "parameter" : "variable") name")
            guard c.accept(symbol: ":") else { throw ParseError(c.location, "expected ':' and a type after '\(name.text)', found \(c.found)") }
            guard let type = c.next(), type.name != nil else { throw ParseError(c.endLocation, "expected a type (U8…U64, I8…I64, F32, F64, bool) after ':'") }
            var initial: Expression?
            if c.accept(symbol: "=") {
                initial = try ExpressionParser.parse(&c)
            } else if word == "var" {
                throw ParseError(c.location, "variable '\(name.text)' needs an initial value: 'var \(name.text): \(type.text) = …'")
            }
            let d = Declaration(name: name.text, location: name.location, typeName: type.text, typeLocation: type.location, initial: initial)
            if word == "param" { script.parameters.append(d) } else { script.variables.append(d) }
        case "else":
            _ = c.next()
            guard var b = blocks.last, b.kind == .conditional else {
                throw ParseError(first.location, "'else' without an open 'if'")
            }
            guard b.elseBody == nil else { throw ParseError(first.location, "'else' after the final 'else' of this 'if' (line \(b.elseLine))") }
            if c.accept(keyword: "if") {
                let cond = try ExpressionParser.parse(&c)
                // (A block whose `if` line had an error has no condition; it is dropped at `end`.)
                if let previous = b.condition { b.branches.append(.init(condition: previous, body: b.statements, line: b.branchLine)) }
                b.statements = []
                b.condition = cond
                b.branchLine = c.lineNumber
            } else {
                b.elseBody = []
                b.elseLine = c.lineNumber
            }
            blocks[blocks.count - 1] = b
        case "end":
            _ = c.next()
            if droppedBlocks > 0 {
                droppedBlocks -= 1
                return
            }
            guard let b = blocks.popLast() else { throw ParseError(first.location, "'end' without an open block") }
            close(b, endLine: c.lineNumber)
        case "on":
            _ = c.next()
            guard c.accept(keyword: "abort") else { throw ParseError(c.location, "expected 'abort' after 'on', found \(c.found)") }
            guard blocks.isEmpty else { throw ParseError(first.location, "'on abort' belongs at the top level, not inside '\(blocks.last!.opener)'") }
            guard script.abortBlock == nil else {
                // Read the second block (so its `end` matches) but keep the first.
                blocks.append(OpenBlock(kind: .onAbort, location: first.location, keywordLocation: first.location, discard: true))
                throw ParseError(first.location, "a script has one 'on abort' block (the first is at line \(script.abortLine))")
            }
            script.abortBlock = []
            script.abortLine = c.lineNumber
            blocks.append(OpenBlock(kind: .onAbort, location: first.location, keywordLocation: first.location))
        default:
            try timedStatement(&c)
        }
    }

    mutating func close(_ b: OpenBlock, endLine: Int) {
        if b.discard { return }
        switch b.kind {
        case .onAbort:
            script.abortBlock = b.statements
            script.abortEndLine = endLine
            return
        case .conditional:
            guard let condition = b.condition else { return }
            var branches = b.branches
            branches.append(.init(condition: condition, body: b.statements, line: b.branchLine))
            let elseBody = b.elseBody
            append(Statement(kind: .conditional(branches: branches, elseBody: elseBody, elseLine: b.elseLine, endLine: endLine), location: b.location, keywordLocation: b.keywordLocation, timeTag: b.timeTag))
        case .repeatLoop:
            guard let count = b.count else { return }
            append(Statement(kind: .repeatLoop(count: count, body: b.statements, endLine: endLine), location: b.location, keywordLocation: b.keywordLocation, timeTag: b.timeTag))
        case .whileLoop:
            guard let condition = b.condition else { return }
            append(Statement(kind: .whileLoop(condition: condition, max: b.max, body: b.statements, endLine: endLine), location: b.location, keywordLocation: b.keywordLocation, timeTag: b.timeTag))
        }
    }

    /// A conditional keeps its `if` branch's statements in `statements` until `else`.
    mutating func timedStatement(_ c: inout TokenCursor) throws(ParseError) {
        let start = c.location
        let tag = try timeTag(&c)
        guard let first = c.peek else { throw ParseError(c.endLocation, "expected a statement after the time tag") }
        let at = first.location
        func simple(_ kind: Statement.Kind) -> Statement {
            Statement(kind: kind, location: start, keywordLocation: at, timeTag: tag)
        }
        guard let word = first.name else { throw ParseError(at, "expected a statement, found '\(first.text)'") }
        switch word {
        case "wait":
            _ = c.next()
            if c.accept(keyword: "until") {
                let cond = try ExpressionParser.parse(&c)
                var timeout: Duration?
                if c.accept(keyword: "timeout") { timeout = try duration(&c) }
                var action = WaitTimeoutAction.abort
                if c.accept(keyword: "else") {
                    if c.accept(keyword: "abort") {
                        action = .abort
                    } else if c.accept(keyword: "continue") {
                        action = .continue
                    } else {
                        throw ParseError(c.location, "expected 'abort' or 'continue' after 'else', found \(c.found)")
                    }
                    if timeout == nil { throw ParseError(at, "'else' needs a 'timeout' before it") }
                }
                append(simple(.waitUntil(condition: cond, timeout: timeout, otherwise: action)))
            } else {
                guard let p = c.peek, case .number = p.kind else {
                    throw ParseError(c.location, "expected a duration or 'until' after 'wait', found \(c.found)")
                }
                append(simple(.wait(try duration(&c))))
            }
        case "set":
            _ = c.next()
            let name = try identifier(&c, what: "a variable name")
            guard c.accept(symbol: "=") else { throw ParseError(c.location, "expected '=' after 'set \(name.text)', found \(c.found)") }
            append(simple(.set(name: name.text, nameLocation: name.location, value: try ExpressionParser.parse(&c))))
        case "call":
            _ = c.next()
            let name = try identifier(&c, what: "the name of a sequence to call")
            append(simple(.call(name: name.text, arguments: try arguments(&c))))
        case "abort":
            _ = c.next()
            append(simple(.abort))
        case "if", "repeat", "while":
            _ = c.next()
            guard blocks.count < ScriptParser.maxNesting else {
                droppedBlocks += 1
                throw ParseError(at, "blocks are nested more than \(ScriptParser.maxNesting) deep")
            }
            var b = OpenBlock(kind: .conditional, location: start, keywordLocation: at, timeTag: tag)
            do {
                try opener(&b, word: word, &c)
            } catch {
                // Keep reading the block so its `end` matches, but drop it.
                b.discard = true
                blocks.append(b)
                throw error
            }
            blocks.append(b)
        case "else", "end", "on":
            // A time tag cannot apply to these: report it, then read the line without the tag.
            diagnostics.append(Diagnostic(at: start, "'\(word)' cannot follow a time tag"))
            try statementLine(&c)
        case "param", "var", "sequence", "after", "at":
            throw ParseError(at, "'\(word)' cannot follow a time tag")
        default:
            guard word.contains(".") else {
                var message = "unknown statement '\(word)'; a command is written COMPONENT.MNEMONIC"
                if let s = Suggestion.nearest(to: word, in: ScriptParser.keywords) { message += "; did you mean '\(s)'?" }
                throw ParseError(at, message)
            }
            _ = c.next()
            append(simple(.command(name: word, arguments: try arguments(&c))))
        }
    }

    /// The rest of an `if`, `repeat` or `while` line.
    func opener(_ b: inout OpenBlock, word: String, _ c: inout TokenCursor) throws(ParseError) {
        b.kind = word == "if" ? .conditional : word == "repeat" ? .repeatLoop : .whileLoop
        b.branchLine = c.lineNumber
        switch b.kind {
        case .conditional:
            b.condition = try ExpressionParser.parse(&c)
        case .repeatLoop:
            guard !c.atEnd else { throw ParseError(c.endLocation, "expected a count after 'repeat' ('repeat 3 times')") }
            b.count = try ExpressionParser.parse(&c)
            _ = c.accept(keyword: "times")
        default:
            b.condition = try ExpressionParser.parse(&c)
            if c.accept(keyword: "max") {
                guard !c.atEnd else { throw ParseError(c.endLocation, "expected an iteration count after 'max'") }
                b.max = try ExpressionParser.parse(&c)
            }
        }
    }

    mutating func timeTag(_ c: inout TokenCursor) throws(ParseError) -> TimeTag? {
        if c.accept(keyword: "after") {
            return .after(try duration(&c))
        }
        guard c.peek?.isKeyword("at") == true else { return nil }
        _ = c.next()
        let at = c.location
        if let t = c.peek, case .utc(let us) = t.kind {
            _ = c.next()
            return .utc(microseconds: us, location: at)
        }
        guard c.accept(keyword: "T"), c.accept(symbol: "+") else {
            throw ParseError(at, "expected a mission-elapsed time 'T+…' or a UTC time 'YYYY-MM-DDTHH:MM:SSZ' after 'at', found \(c.found)")
        }
        // T+HH:MM:SS[.f] or T+<duration>
        if c.peek(1)?.isSymbol(":") == true {
            let parts = try clock(&c)
            return .missionElapsed(nanoseconds: parts, location: at)
        }
        return .missionElapsed(nanoseconds: try duration(&c).nanoseconds, location: at)
    }

    /// `HH:MM:SS[.fff]` (hours unbounded, minutes and seconds below 60).
    func clock(_ c: inout TokenCursor) throws(ParseError) -> Int64 {
        var fields: [Token] = []
        let start = c.location
        while true {
            guard let t = c.next(), case .number = t.kind else { throw ParseError(start, "expected HH:MM:SS after 'T+'") }
            fields.append(t)
            if !c.accept(symbol: ":") { break }
        }
        guard fields.count == 3 else { throw ParseError(start, "expected HH:MM:SS after 'T+', found \(fields.count) fields") }
        guard let h = Self.exactNanoseconds(fields[0].text, scale: 1), let m = Self.exactNanoseconds(fields[1].text, scale: 1),
            let sec = Self.exactNanoseconds(fields[2].text, scale: 1_000_000_000), m < 60, sec < 60_000_000_000, h < 2_500_000
        else {
            throw ParseError(start, "'T+' time needs whole hours (below 2500000) and minutes, minutes below 60, seconds below 60 to the nanosecond")
        }
        return h * 3_600_000_000_000 + m * 60_000_000_000 + sec
    }

    func duration(_ c: inout TokenCursor) throws(ParseError) -> Duration {
        guard let n = c.peek, case .number(let v, _) = n.kind else {
            throw ParseError(c.location, "expected a duration such as '5 s', found \(c.found)")
        }
        _ = c.next()
        guard let u = c.peek, let unit = u.name else {
            throw ParseError(c.location, "duration '\(n.text)' needs a unit: ms, s, min or h")
        }
        let scale: Int64
        switch unit {
        case "ms": scale = 1_000_000
        case "s": scale = 1_000_000_000
        case "min": scale = 60_000_000_000
        case "h": scale = 3_600_000_000_000
        default:
            var message = "unknown duration unit '\(unit)'; use ms, s, min or h"
            if let s = Suggestion.nearest(to: unit, in: ["ms", "s", "min", "h"]) { message += "; did you mean '\(s)'?" }
            throw ParseError(u.location, message)
        }
        _ = c.next()
        let text = n.text + " " + unit
        // Plain decimals are converted exactly (so a decompiled duration reads back to the same
        // nanosecond); hexadecimal and exponent forms go through floating point.
        if let exact = Self.exactNanoseconds(n.text, scale: scale) {
            return Duration(nanoseconds: exact, location: n.location, text: text)
        }
        let ns = v * Double(scale)
        guard ns < 9.2e18 else { throw ParseError(n.location, "duration '\(text)' is too long or finer than a nanosecond") }
        return Duration(nanoseconds: Int64(ns.rounded()), location: n.location, text: text)
    }

    /// `digits[.digits]` times `scale`, exactly, when the result is a whole number that fits;
    /// nil for other forms (hex, exponents), fractions finer than 1/scale, or overflow.
    static func exactNanoseconds(_ literal: String, scale: Int64) -> Int64? {
        let t = literal.replacingUnderscores()
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }), !parts[0].isEmpty,
            parts[0].count <= 18, let whole = Int64(parts[0])
        else { return nil }
        let (w, o1) = whole.multipliedReportingOverflow(by: scale)
        guard !o1 else { return nil }
        guard parts.count == 2 else { return w }
        var digits = parts[1]
        while digits.last == "0" { digits = digits.dropLast() }
        guard !digits.isEmpty else { return w }
        guard digits.count <= 18, let fraction = UInt64(digits) else { return nil }
        var divisor: UInt64 = 1
        for _ in 0..<digits.count { divisor *= 10 }
        let product = fraction.multipliedFullWidth(by: UInt64(scale))
        guard product.high < divisor else { return nil }
        let (q, r) = divisor.dividingFullWidth(product)
        guard r == 0, q <= UInt64(Int64.max) else { return nil }
        let (total, o2) = w.addingReportingOverflow(Int64(q))
        return o2 ? nil : total
    }

    func identifier(_ c: inout TokenCursor, what: String) throws(ParseError) -> Token {
        guard let t = c.peek, let n = t.name else { throw ParseError(c.location, "expected \(what), found \(c.found)") }
        guard !n.contains(".") else { throw ParseError(t.location, "'\(n)' is not a plain name (no dots) for \(what)") }
        guard !ScriptParser.reserved.contains(n) else { throw ParseError(t.location, "'\(n)' is a keyword and cannot be \(what)") }
        _ = c.next()
        return t
    }

    /// `name: value` pairs, optionally separated by commas.
    func arguments(_ c: inout TokenCursor) throws(ParseError) -> [ScriptArgument] {
        var out: [ScriptArgument] = []
        while let t = c.peek {
            guard let n = t.name, !n.contains(".") else { throw ParseError(t.location, "expected an argument 'name: value', found '\(t.text)'") }
            _ = c.next()
            guard c.accept(symbol: ":") else { throw ParseError(c.location, "expected ':' after argument name '\(n)', found \(c.found)") }
            guard !c.atEnd, !(c.peek?.isSymbol(",") ?? false) else { throw ParseError(c.location, "argument '\(n)' needs a value") }
            out.append(ScriptArgument(name: n, location: t.location, value: try ExpressionParser.parse(&c)))
            _ = c.accept(symbol: ",")
        }
        return out
    }

    mutating func finish(lastLine: Int) {
        while let b = blocks.popLast() {
            diagnostics.append(Diagnostic(at: b.keywordLocation, "'\(b.opener)' is never closed with 'end'"))
            close(b, endLine: lastLine)
        }
    }
}

/// Expressions: precedence climbing over `or`, `and`, `not`, comparisons, `+ -`, `* /`,
/// unary minus, parentheses.
enum ExpressionParser {
    static func parse(_ c: inout TokenCursor) throws(ParseError) -> Expression {
        try binary(&c, minPrecedence: 1, depth: 0)
    }

    static func binaryOperator(_ t: Token?) -> BinaryOperator? {
        guard let t else { return nil }
        switch t.kind {
        case .symbol(let s): return BinaryOperator(rawValue: s)
        case .name(let n) where n == "and" || n == "or": return BinaryOperator(rawValue: n)
        default: return nil
        }
    }

    static func binary(_ c: inout TokenCursor, minPrecedence: Int, depth: Int) throws(ParseError) -> Expression {
        guard depth < ScriptParser.maxExpressionDepth else {
            throw ParseError(c.location, "expression is nested more than \(ScriptParser.maxExpressionDepth) deep")
        }
        var lhs = try unary(&c, depth: depth + 1)
        while let op = binaryOperator(c.peek), op.precedence >= minPrecedence {
            let opToken = c.next()!
            let rhs = try binary(&c, minPrecedence: op.precedence + 1, depth: depth + 1)
            if op.isComparison, case .binary(let inner, _, _, _) = lhs, inner.isComparison {
                throw ParseError(opToken.location, "comparisons do not chain: write 'a < b and b < c'")
            }
            lhs = .binary(op, lhs, rhs, opToken.location)
        }
        return lhs
    }

    static func unary(_ c: inout TokenCursor, depth: Int) throws(ParseError) -> Expression {
        guard depth < ScriptParser.maxExpressionDepth else {
            throw ParseError(c.location, "expression is nested more than \(ScriptParser.maxExpressionDepth) deep")
        }
        guard let t = c.peek else { throw ParseError(c.endLocation, "expected a value, found end of line") }
        if t.isKeyword("not") {
            _ = c.next()
            return .unary(.not, try binary(&c, minPrecedence: 3, depth: depth + 1), t.location)
        }
        if t.isSymbol("-") {
            _ = c.next()
            return .unary(.negate, try unary(&c, depth: depth + 1), t.location)
        }
        _ = c.next()
        switch t.kind {
        case .number(let v, let isInteger): return .number(v, isInteger: isInteger, t.location, text: t.text)
        case .string(let s): return .string(s, t.location)
        case .utc: throw ParseError(t.location, "a UTC time is only allowed after 'at'")
        case .name(let n):
            if n == "true" || n == "false" { return .boolean(n == "true", t.location) }
            if ScriptParser.reserved.contains(n) && n != "T" { throw ParseError(t.location, "expected a value, found keyword '\(n)'") }
            return .name(n, t.location)
        case .symbol(let s):
            if s == "(" {
                let inner = try binary(&c, minPrecedence: 1, depth: depth + 1)
                guard c.accept(symbol: ")") else { throw ParseError(c.location, "expected ')' to close '(' at column \(t.location.column), found \(c.found)") }
                return inner
            }
            throw ParseError(t.location, "expected a value, found '\(s)'")
        }
    }
}

extension String {
    func replacingUnderscores() -> String { String(unicodeScalars.filter { $0 != "_" }.map(Character.init)) }
}
