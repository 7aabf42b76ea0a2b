import Foundation
public import Sequencing

/// The repository's mission sequences (`Sequences/*.rseq`), checked and compiled against a
/// flight build's dictionary for the harness to install on its on-board sequencer.
public enum MissionSequences {
    /// The repository's `Sequences/` directory, found from this source file's place in it.
    public static var repositoryDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sequences").path
    }

    /// A sequence that did not load or compile, with every error, for the harness to fail on.
    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var messages: [String]
        public var description: String {
            "sequence \(file) does not compile against the flight dictionary:\n" + messages.joined(separator: "\n")
        }
    }

    /// The file a `call NAME` resolves to in `directory`: `NAME.rseq`, else the name with its
    /// underscores as hyphens (`call lander_safing` finds `lander-safing.rseq`).
    public static func resolve(_ name: String, in directory: String) -> (file: String, source: String)? {
        for candidate in [name, name.replacingOccurrences(of: "_", with: "-")] {
            let path = (directory as NSString).appendingPathComponent(candidate + ".rseq")
            if let data = FileManager.default.contents(atPath: path) { return (candidate + ".rseq", String(decoding: data, as: UTF8.self)) }
        }
        return nil
    }

    /// Reads `file` (e.g. `lander-descent.rseq`) from `directory`, checks it (and the
    /// sequences it calls, from the same directory) against `dictionary`, and compiles it.
    public static func compile(_ file: String, in directory: String = repositoryDirectory, dictionary: SequenceDictionary) throws(LoadError) -> (bytes: [UInt8], result: CheckResult) {
        let path = (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, messages: ["cannot read the file"])
        }
        let result = SequenceChecker.check(source: String(decoding: data, as: UTF8.self), file: file, dictionary: dictionary) {
            resolve($0, in: directory)
        }
        guard let program = result.program, !result.diagnostics.hasErrors else {
            throw LoadError(file: path, messages: result.errors.map { $0.rendered(file: file) })
        }
        do {
            return (try SequenceCompiler.compile(program), result)
        } catch {
            throw LoadError(file: path, messages: ["\(error)"])
        }
    }
}
