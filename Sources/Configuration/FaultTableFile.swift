public import FlightCore

/// A fault table read from YAML, with the position of everything in it, so that every problem
/// (a misspelt key, a wrong type, an unknown channel, impossible thresholds, a missing
/// sequence) is reported as `file:line:col: error: …`, all of them in one pass.
///
/// ```swift
/// let context = FaultTableContext(dictionary: topology.dictionary(), sequences: ["abortToOrbit"])
/// let table = try FaultTableFile.load(contentsOf: "Missions/lander-faults.yaml", context: context)
/// ```
///
/// The format is in docs/faults.md; `docs/examples/fault-table.yaml` is a complete example.
public struct FaultTableFile: Sendable {
    public let file: String
    /// The elements that parsed (an element with a structural error is left out).
    public let table: FaultTable
    /// Structural problems: syntax, unknown keys, wrong types.
    public let structuralErrors: [ConfigurationError]
    /// Table path -> (line, column) of the node to blame.
    let locations: [FaultTablePath: Location]

    struct Location: Sendable {
        let line: Int
        let column: Int
    }

    /// Parses `text`; `file` names it in messages. Never throws: problems are collected.
    public init(text: String, file: String) {
        self.file = file
        do {
            let doc = try YAMLDocument(text: text, file: file)
            var parser = FaultTableParser(file: file)
            parser.parse(doc.root)
            table = parser.table
            structuralErrors = parser.errors
            locations = parser.locations
        } catch {
            table = FaultTable()
            structuralErrors = [error]
            locations = [:]
        }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) {
        do {
            let doc = try YAMLDocument(contentsOf: path)
            var parser = FaultTableParser(file: path)
            parser.parse(doc.root)
            self.file = path
            table = parser.table
            structuralErrors = parser.errors
            locations = parser.locations
        } catch {
            self.file = path
            table = FaultTable()
            structuralErrors = [error]
            locations = [:]
        }
    }

    /// Every problem: the structural ones and those ``FaultTable/problems(in:)`` finds in
    /// `context`, located, in file order.
    public func errors(in context: FaultTableContext) -> [ConfigurationError] {
        ConfigurationErrors(structuralErrors + located(table.problems(in: context))).errors
    }

    /// The table, or every problem in it.
    public func validated(in context: FaultTableContext) throws(ConfigurationErrors) -> FaultTable {
        let e = errors(in: context)
        guard e.isEmpty else { throw ConfigurationErrors(e) }
        return table
    }

    /// Loads, checks and returns the table at `path`, or throws every problem in it.
    public static func load(contentsOf path: String, context: FaultTableContext) throws(ConfigurationErrors) -> FaultTable {
        try FaultTableFile(contentsOf: path).validated(in: context)
    }

    /// Fault-table problems (from ``FaultTable/problems(in:)`` or a topology's binding) located
    /// at the nodes they concern.
    public func located(_ problems: [FaultTableProblem]) -> [ConfigurationError] {
        problems.map { p in
            let at = location(of: p.path)
            return ConfigurationError(file: file, line: at?.line ?? 0, column: at?.column ?? 0, message: p.message)
        }
    }

    /// The most precise node known for a path: the field, its parent field, the element.
    func location(of path: FaultTablePath) -> Location? {
        var field = path.field
        while let f = field {
            if let l = locations[FaultTablePath(path.element, f)] { return l }
            if let dot = f.lastIndex(of: ".") {
                field = String(f[..<dot])
            } else if let bracket = f.firstIndex(of: "[") {
                field = String(f[..<bracket])
            } else {
                field = nil
            }
        }
        return locations[FaultTablePath(path.element)]
    }
}
