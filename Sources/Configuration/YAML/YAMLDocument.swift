import Foundation
internal import Yams

/// A YAML file parsed with every node's position kept, so that loaders built on it report
/// `file:line:col` for each problem. Only plain YAML is accepted: anchors and aliases are
/// allowed (libyaml resolves them); custom tags are not interpreted.
public struct YAMLDocument: Sendable {
    public let file: String
    public let root: YAMLValue

    /// Parses `text`; `file` is the name used in error messages.
    public init(text: String, file: String) throws(ConfigurationError) {
        self.file = file
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.located(error, file: file)
        } catch {
            throw ConfigurationError(file: file, line: 0, column: 0, message: "not valid YAML: \(error)")
        }
        guard let node else {
            throw ConfigurationError(file: file, line: 0, column: 0, message: "the file is empty")
        }
        root = YAMLValue(node: node, file: file, path: "")
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw ConfigurationError(file: path, line: 0, column: 0, message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: 0, column: 0, message: "not UTF-8 text")
        }
        try self.init(text: text, file: path)
    }

    static func located(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let what = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigurationError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(what)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "key \(keys) appears more than once in the mapping that starts here")
        case let .reader(problem, offset, _, _):
            return ConfigurationError(
                file: file, line: 0, column: 0,
                message: "YAML reader: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return ConfigurationError(file: file, line: 0, column: 0, message: "not valid YAML: \(error)")
        }
    }
}
