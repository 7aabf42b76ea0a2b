import FlightCore
import Foundation
import Testing

@testable import Sequencing

/// The dictionary `regolith seq check` uses by default: the core services and the sequencer.
func coreDictionary() -> SequenceDictionary {
    var builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
    let sequencer = Sequencer()
    builder.add(sequencer, baseID: 0x0700)
    builder.add(RateGroup("sequencer", sequencer), divisor: 1)
    return SequenceDictionary(try! builder.build().dictionary())
}

let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

/// The malformed scripts: every file in Corpus/ with `# expect: LINE:COL: message` lines.
let corpusFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? [])
    .filter { $0.hasSuffix(".rseq") && testFile("Corpus/" + $0).contains("# expect: ") }
    .sorted()

/// Each malformed script is refused with exactly the errors its `# expect:` lines give: the
/// same line, column and message, in order.
@Suite struct CorpusTests {
    static let dictionary = coreDictionary()

    @Test func theCorpusHoldsAtLeastFortyMalformedScripts() {
        #expect(corpusFiles.count >= 40)
    }

    @Test(arguments: corpusFiles)
    func malformedScriptIsRefusedWithItsExpectedErrors(file: String) {
        let source = testFile("Corpus/" + file)
        let expected = source.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst(10)) }
        let result = SequenceChecker.check(source: source, file: file, dictionary: Self.dictionary) { name in
            let text = testFile("Corpus/\(name).rseq")
            return text.isEmpty ? nil : ("\(name).rseq", text)
        }
        let actual = result.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" }
        #expect(actual == expected)
        #expect(result.program == nil)
        // The CLI form: file:line:col: error: message.
        for e in result.errors { #expect(e.rendered(file: file).hasPrefix("\(file):\(e.location.line):\(e.location.column): error: ")) }
    }
}

/// The example sequences in Sequences/ check clean against the core dictionary (the
/// missions' sequences, `lander-*` and `rover-*`, are checked against their vehicles'
/// dictionaries: LanderMissionTests, SeqCommandTests).
@Suite struct ExampleSequenceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sequences").standardized

    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".rseq") && !$0.hasPrefix("lander-") && !$0.hasPrefix("rover-") }.sorted()

    static func check(_ file: String) -> CheckResult {
        let source = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
        return SequenceChecker.check(source: source, file: file, dictionary: CorpusTests.dictionary) { name in
            (try? String(contentsOf: directory.appendingPathComponent(name + ".rseq"), encoding: .utf8)).map { (name + ".rseq", $0) }
        }
    }

    @Test func thereAreExamples() {
        #expect(Self.files.count >= 4)
        #expect(Self.files.contains("safing.rseq"))
    }

    @Test(arguments: files)
    func exampleChecksCleanAndRoundTrips(file: String) throws {
        let result = Self.check(file)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { $0.rendered(file: file) })")
        let program = try #require(result.program)
        let bytes = try SequenceCompiler.compile(program)
        let scripts = try SequenceDecompiler.decompile(bytes, dictionary: CorpusTests.dictionary)
        let again = SequenceChecker.check(source: scripts[0].text, file: file, dictionary: CorpusTests.dictionary) { name in
            scripts.first { $0.name == name }.map { ("\(name).rseq", $0.text) }
        }
        #expect(try SequenceCompiler.compile(try #require(again.program)) == bytes)
    }
}
