/// A parsed sequence script: what the parser builds and the checker and compiler read.
/// Every node keeps where it was written, so every later message can point at it.
public struct Script: Sendable {
    /// The sequence's name: from its `sequence` line, or else from the file name.
    public var name: String
    public var nameLocation: ScriptLocation?
    public var parameters: [Declaration] = []
    public var variables: [Declaration] = []
    public var body: [Statement] = []
    /// The `on abort` block, run when the sequence fails.
    public var abortBlock: [Statement]?
    public var abortLine = 0
    public var abortEndLine = 0

    public init(name: String) { self.name = name }
}

/// `param NAME: TYPE [= VALUE]` or `var NAME: TYPE = VALUE`.
public struct Declaration: Sendable {
    public var name: String
    public var location: ScriptLocation
    public var typeName: String
    public var typeLocation: ScriptLocation
    public var initial: Expression?
    public var line: Int { location.line }
}

/// A duration with its unit, as written (`5 s`, `250 ms`, `2 min`, `1 h`).
public struct Duration: Sendable, Hashable {
    public var nanoseconds: Int64
    public var location: ScriptLocation
    public var text: String
}

/// When a statement runs.
public enum TimeTag: Sendable, Hashable {
    /// `after D`: D after the previous statement finished.
    case after(Duration)
    /// `at T+D` or `at T+HH:MM:SS`: when mission-elapsed (flight) time reaches D.
    case missionElapsed(nanoseconds: Int64, location: ScriptLocation)
    /// `at 2026-11-26T12:00:00Z`: at a UTC instant (microseconds since the Unix epoch).
    case utc(microseconds: Int64, location: ScriptLocation)

    public var location: ScriptLocation {
        switch self {
        case .after(let d): d.location
        case .missionElapsed(_, let l), .utc(_, let l): l
        }
    }
}

/// What `wait until` does when its timeout passes.
public enum WaitTimeoutAction: UInt8, Sendable, Hashable {
    /// Fail the sequence (run its `on abort` block). The default.
    case abort = 0
    /// Go on with the next statement.
    case `continue` = 1
}

/// `name: value` after a command or a `call`.
public struct ScriptArgument: Sendable {
    public var name: String
    public var location: ScriptLocation
    public var value: Expression
}

public struct Statement: Sendable {
    public indirect enum Kind: Sendable {
        case command(name: String, arguments: [ScriptArgument])
        case wait(Duration)
        case waitUntil(condition: Expression, timeout: Duration?, otherwise: WaitTimeoutAction)
        case set(name: String, nameLocation: ScriptLocation, value: Expression)
        case call(name: String, arguments: [ScriptArgument])
        case abort
        /// `if`, any `else if`s, an optional `else`, then `end`. Each branch keeps its line.
        case conditional(branches: [Branch], elseBody: [Statement]?, elseLine: Int, endLine: Int)
        case repeatLoop(count: Expression, body: [Statement], endLine: Int)
        case whileLoop(condition: Expression, max: Expression?, body: [Statement], endLine: Int)
    }

    public struct Branch: Sendable {
        public var condition: Expression
        public var body: [Statement]
        public var line: Int
    }

    public var kind: Kind
    /// Where the statement starts (its time tag, when it has one).
    public var location: ScriptLocation
    /// Where the statement proper starts (after any time tag).
    public var keywordLocation: ScriptLocation
    public var timeTag: TimeTag?
    public var line: Int { location.line }
}

/// An expression over telemetry channels, variables, parameters and literals.
public indirect enum Expression: Sendable {
    case number(Double, isInteger: Bool, ScriptLocation, text: String)
    case boolean(Bool, ScriptLocation)
    case string(String, ScriptLocation)
    /// A variable, parameter, telemetry channel (dotted) or enum constant.
    case name(String, ScriptLocation)
    case unary(UnaryOperator, Expression, ScriptLocation)
    case binary(BinaryOperator, Expression, Expression, ScriptLocation)

    public var location: ScriptLocation {
        switch self {
        case .number(_, _, let l, _), .boolean(_, let l), .string(_, let l), .name(_, let l), .unary(_, _, let l): l
        case .binary(_, let a, _, _): a.location
        }
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "not"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case equal = "==", notEqual = "!="
    case and = "and", or = "or"

    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide: 6
        }
    }

    var isComparison: Bool { precedence == 4 }
    var isLogical: Bool { self == .and || self == .or }
}
