internal import Yams

/// One node of a ``YAMLDocument`` with its position, and typed accessors whose errors name
/// the file, line and column, what was expected and what was found.
public struct YAMLValue: @unchecked Sendable {
    // @unchecked: Yams.Node is a value type (enum of structs) except for `weak var anchor`,
    // which is only read while composing; a YAMLValue never mutates its node.
    let node: Node
    public let file: String
    /// Dotted path from the root (`devices.imu.baud`), for messages.
    public let path: String

    init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    public var line: Int { node.mark?.line ?? 0 }
    public var column: Int { node.mark?.column ?? 0 }

    /// An error located at this node.
    public func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, column: column, message: message)
    }

    var kind: String {
        switch node {
        case .scalar(let s): return s.string.isEmpty || node.null != nil ? "nothing" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var name: String { path.isEmpty ? "the document" : "'\(path)'" }

    public var isNull: Bool { node.null != nil }

    // MARK: Scalars

    /// The scalar's text (numbers and booleans too, as written).
    public func string() throws(ConfigurationError) -> String {
        guard case .scalar(let s) = node, node.null == nil else {
            throw error("\(name) must be a text value, found \(kind)")
        }
        return s.string
    }

    public func double() throws(ConfigurationError) -> Double {
        guard case .scalar = node, let v = node.float, v.isFinite else {
            throw error("\(name) must be a number, found \(kind)")
        }
        return v
    }

    public func double(in range: ClosedRange<Double>, units: String = "") throws(ConfigurationError) -> Double {
        let v = try double()
        guard range.contains(v) else {
            let u = units.isEmpty ? "" : " \(units)"
            throw error("\(name) is \(Self.format(v))\(u), outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))\(u)")
        }
        return v
    }

    public func int() throws(ConfigurationError) -> Int {
        guard case .scalar(let s) = node, let v = node.int ?? Self.hexOrBinary(s.string) else {
            throw error("\(name) must be a whole number, found \(kind)")
        }
        return v
    }

    public func int(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let v = try int()
        guard range.contains(v) else { throw error("\(name) is \(v), outside \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    public func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar = node, let v = node.bool else {
            throw error("\(name) must be true or false, found \(kind)")
        }
        return v
    }

    /// One of `choices`, with a suggestion when the text is close to one of them.
    public func choice(_ choices: [String]) throws(ConfigurationError) -> String {
        let s = try string()
        guard choices.contains(s) else {
            throw error("\(name) is '\(s)', expected one of \(choices.joined(separator: ", "))\(Suggestion.hint(for: s, in: choices))")
        }
        return s
    }

    // MARK: Collections

    public func list() throws(ConfigurationError) -> [YAMLValue] {
        guard case .sequence(let seq) = node else { throw error("\(name) must be a list, found \(kind)") }
        return seq.enumerated().map { YAMLValue(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// The node as a mapping with text keys. `allowed`, when given, is the full set of keys
    /// this mapping may have: any other key is an error naming the closest allowed one.
    public func mapping(allowed: [String]? = nil) throws(ConfigurationError) -> YAMLMapping {
        guard case .mapping(let m) = node else { throw error("\(name) must be a mapping, found \(kind)") }
        var entries: [(key: String, keyNode: YAMLValue, value: YAMLValue)] = []
        for (k, v) in m {
            let keyValue = YAMLValue(node: k, file: file, path: path)
            guard case .scalar(let ks) = k else { throw keyValue.error("a key in \(name) must be text") }
            let key = ks.string
            if entries.contains(where: { $0.key == key }) {
                throw keyValue.error("'\(key)' appears twice in \(name)")
            }
            if let allowed, !allowed.contains(key) {
                throw keyValue.error(
                    "unknown key '\(key)' in \(name)\(Suggestion.hint(for: key, in: allowed)) (allowed: \(allowed.joined(separator: ", ")))")
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            entries.append((key, keyValue, YAMLValue(node: v, file: file, path: childPath)))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    static func hexOrBinary(_ text: String) -> Int? {
        let t = text.replacingOccurrences(of: "_", with: "")
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return Int(t.dropFirst(2), radix: 16) }
        if t.hasPrefix("0b") || t.hasPrefix("0B") { return Int(t.dropFirst(2), radix: 2) }
        return nil
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// A mapping's entries in file order, with required and optional lookups.
public struct YAMLMapping: Sendable {
    public let owner: YAMLValue
    let entries: [(key: String, keyNode: YAMLValue, value: YAMLValue)]

    public var keys: [String] { entries.map(\.key) }
    /// Entries in file order (key text, the key's own node for locating errors, the value).
    public var pairs: [(key: String, keyNode: YAMLValue, value: YAMLValue)] { entries }

    public subscript(key: String) -> YAMLValue? { entries.first { $0.key == key }?.value }

    /// The value under `key`; its absence is an error at the mapping.
    public func required(_ key: String) throws(ConfigurationError) -> YAMLValue {
        guard let v = self[key], !v.isNull else {
            throw owner.error("\(owner.name) needs '\(key)'")
        }
        return v
    }

    /// The value under `key`, or nil when it is absent or written as null.
    public func optional(_ key: String) -> YAMLValue? {
        guard let v = self[key], !v.isNull else { return nil }
        return v
    }
}
