import ArgumentParser
import FlightCore
import Foundation
import Sequencing

/// `regolith seq`: mission sequence scripts (.rseq): check, compile, explain, run, decompile.
struct SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq",
        abstract: "Check, compile, explain and run mission sequence scripts (.rseq).",
        subcommands: [SeqCheck.self, SeqCompile.self, SeqExplain.self, SeqRun.self, SeqDecompile.self])
}

/// The script and the dictionary it is checked against.
struct SequenceOptions: ParsableArguments {
    @OptionGroup var topologyOptions: TopologyOptions

    @Option(name: .shortAndLong, help: "Check against this Regolith JSON dictionary (from 'regolith dict export') instead of the topology's.")
    var dictionary: String?

    @Argument(help: "The sequence script (.rseq).")
    var file: String

    /// The dictionary to check against: the file's, or the topology's.
    func loadDictionary() throws -> SequenceDictionary {
        guard let path = dictionary else { return SequenceDictionary(try topologyOptions.topology.build().dictionary()) }
        let text = try readText(path)
        do {
            return try SequenceDictionary(regolithJSON: text)
        } catch {
            throw SequenceCLIError("\(path): \(error)")
        }
    }

    func check(against d: SequenceDictionary) throws -> CheckResult {
        let source = try readText(file)
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        return SequenceChecker.check(source: source, file: file, dictionary: d) { name in
            // NAME.rseq, else the file name with hyphens (`call lander_safing`: lander-safing.rseq).
            for candidate in [name, name.replacingOccurrences(of: "_", with: "-")] {
                let url = directory.appendingPathComponent(candidate + ".rseq")
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                return (file == URL(fileURLWithPath: file).lastPathComponent ? url.lastPathComponent : url.relativePath, text)
            }
            return nil
        }
    }

    /// Prints every diagnostic, one `file:line:col: severity: message` line each; throws a
    /// failing exit code when any is an error.
    func report(_ result: CheckResult) throws {
        for d in result.diagnostics { print(d.rendered(file: file)) }
        if result.diagnostics.hasErrors { throw ExitCode.failure }
    }
}

struct SequenceCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw SequenceCLIError("\(path): cannot read the file") }
    return String(decoding: data, as: UTF8.self)
}

/// `regolith seq check`.
struct SeqCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a sequence against the dictionary; print one 'file:line:col: error: ...' line per error.",
        discussion: "Exits 0 when the sequence has no errors (warnings are printed but do not fail), 1 otherwise.")

    @OptionGroup var options: SequenceOptions

    func run() throws {
        let result = try options.check(against: try options.loadDictionary())
        try options.report(result)
        let commands = result.timeline.entries.count
        print("\(options.file): OK: sequence \(result.script.name), \(commands) statements, worst case \(result.timeline.worstCase)")
    }
}

/// `regolith seq compile`.
struct SeqCompile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Check a sequence and compile it to a binary for the on-board sequencer.")

    @OptionGroup var options: SequenceOptions

    @Option(name: .shortAndLong, help: "Output file (default: the script's name with .rseqb).")
    var output: String?

    func run() throws {
        let dictionary = try options.loadDictionary()
        let result = try options.check(against: dictionary)
        try options.report(result)
        let bytes = try SequenceCompiler.compile(result.program!)
        let path = output ?? (options.file.hasSuffix(".rseq") ? String(options.file.dropLast(5)) : options.file) + ".rseqb"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw SequenceCLIError("\(path): cannot write the file") }
        let decoded = try DecodedSequence.decode(bytes)
        print("\(path): \(bytes.count) bytes, \(decoded.routines.count) routine(s), CRC-32C 0x\(hex(decoded.crc)), dictionary 0x\(hex(dictionary.hash)) (\(dictionary.deployment))")
    }
}

/// `regolith seq explain`.
struct SeqExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print a sequence's timeline and its worst-case duration.",
        discussion: """
            Each statement is shown with the earliest and latest time it can start, from the sequence's \
            start (or from its last absolute time tag). The latest assumes every 'wait until' runs to its \
            timeout and every loop to its bound; commands count as instant.
            """)

    @OptionGroup var options: SequenceOptions

    func run() throws {
        let result = try options.check(against: try options.loadDictionary())
        try options.report(result)
        let t = result.timeline
        print("sequence \(result.script.name): worst case \(t.worstCase), best case \(t.anchor == .start ? "" : "\(t.anchor) + ")\(Timeline.durationText(t.earliest))")
        print(t.rendered())
        if let a = result.abortWorstCase { print("on abort: worst case \(Timeline.durationText(a))") }
    }
}

/// `regolith seq decompile`.
struct SeqDecompile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompile",
        abstract: "Turn a compiled sequence back into script text.")

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(name: .shortAndLong, help: "Decompile against this Regolith JSON dictionary instead of the topology's.")
    var dictionary: String?

    @Argument(help: "The compiled sequence (.rseqb).")
    var file: String

    func run() throws {
        let d: SequenceDictionary
        if let path = dictionary {
            do {
                d = try SequenceDictionary(regolithJSON: try readText(path))
            } catch {
                throw SequenceCLIError("\(path): \(error)")
            }
        } else {
            d = SequenceDictionary(try topologyOptions.topology.build().dictionary())
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw SequenceCLIError("\(file): cannot read the file") }
        let scripts: [(name: String, text: String)]
        do {
            scripts = try SequenceDecompiler.decompile(Array(data), dictionary: d)
        } catch {
            throw SequenceCLIError("\(file): refused: \(error)")
        }
        for (i, s) in scripts.enumerated() {
            if i > 0 { print("# ---- called sequence \(s.name) (\(s.name).rseq) ----") }
            print(s.text, terminator: "")
        }
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
