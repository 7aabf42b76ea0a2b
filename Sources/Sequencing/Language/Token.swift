/// One token of a script line.
public struct Token: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A name: `set`, `level`, or a dotted one (`cmdDisp.CMD_NO_OP`).
        case name(String)
        /// A number literal; `isInteger` when written without a point or exponent.
        case number(Double, isInteger: Bool)
        /// A double-quoted string, escapes resolved.
        case string(String)
        /// A UTC time `2026-11-26T12:00:00Z` (optionally with fractional seconds), as
        /// microseconds since 1970-01-01T00:00:00Z.
        case utc(Int64)
        /// An operator or punctuation: `: = == != < <= > >= + - * / ( ) ,`.
        case symbol(String)
    }

    public var kind: Kind
    /// The text as written, for messages.
    public var text: String
    public var location: ScriptLocation

    public var name: String? {
        if case .name(let n) = kind { return n }
        return nil
    }

    public func isSymbol(_ s: String) -> Bool {
        if case .symbol(let t) = kind { return t == s }
        return false
    }

    public func isKeyword(_ k: String) -> Bool { name == k }
}
