/// A position in a sequence script: 1-based line and column (columns count Unicode scalars).
public struct ScriptLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: Self, b: Self) -> Bool { (a.line, a.column) < (b.line, b.column) }
    public var description: String { "\(line):\(column)" }
}

/// One problem found in a script, by the parser or the checker.
///
/// Rendered the way compilers print them, so editors and CI logs can jump to the spot:
/// `file:line:col: error: message`. The message quotes the offending text and, for a
/// misspelt name, suggests the nearest known one.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable { case error, warning, note }

    public var severity: Severity
    public var location: ScriptLocation
    public var message: String
    /// The file the location is in, when it is not the script being checked (a called sequence).
    public var file: String?

    public init(_ severity: Severity = .error, at location: ScriptLocation, _ message: String, file: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.file = file
    }

    /// `file:line:col: error: message` (a called sequence's own file when it has one).
    public func rendered(file: String) -> String {
        "\(self.file ?? file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    /// Whether any of these is an error (warnings and notes do not fail a check).
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
