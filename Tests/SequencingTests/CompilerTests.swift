import FlightCore
import Testing

@testable import Sequencing

/// A script that uses every construct of the language (against the probe's dictionary).
let everyConstruct = """
    # Every statement kind, every argument type, every operator.
    sequence every_construct
    param limit: U32 = 3
    param gain: F64 = 0.25
    var n: U32 = 0
    var level: F32 = 0.5
    var ok: bool = true
    var delta: I16 = -2

    probe.PING
    after 250 ms probe.SET_LEVEL level: 0.75
    probe.SET_LEVEL level: level
    probe.SET_MODE mode: ACTIVE
    probe.COUNT n: 0x10 label: "tab\\tquote\\"end"
    cmdDisp.ARM opCode: 4102
    probe.ENGAGE on: ok
    at T+00:00:02.5 probe.PING
    at T+3 s probe.PING
    at 2026-11-26T12:00:00.25Z probe.PING
    wait 1 min
    wait until probe.Counter >= limit and not (probe.Flag == true) or probe.Level < 0.1 timeout 1 h else continue
    wait until probe.Mode != SAFE timeout 30 s
    set n = (n + 1) * 2 - -3 / 1
    set level = -level * (gain - 0.5)
    set ok = n > 3 and (ok or probe.Flag == false)
    set delta = delta - 1
    if probe.Mode == ACTIVE
        probe.PING
    else if probe.Counter > 2
        probe.SET_MODE mode: IDLE
    else if ok
        probe.PING
    else
        abort
    end
    if n == 0
        probe.PING
    end
    repeat 3 times
        set n = n + 1
        repeat 0 times
            probe.PING
        end
    end
    while n < 100 max 200
        set n = n + 10
        call helper value: n
    end
    call helper
    on abort
        probe.SET_MODE mode: SAFE
        call helper value: 1
    end
    """

let helperScript = """
    sequence helper
    param value: U32 = 7
    probe.COUNT n: value label: "from helper"
    """

@Suite struct CompilerTests {
    @Test func everyConstructChecksCleanWithAWorstCase() throws {
        let h = try Harness()
        let result = SequenceChecker.check(source: everyConstruct, file: "every.rseq", dictionary: h.dictionary) { $0 == "helper" ? ("helper.rseq", helperScript) : nil }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.program?.routines.count == 2)
        // After the UTC tag: 1 min, then wait until up to 1 h, then up to 30 s.
        #expect(result.timeline.anchor == .utc(microseconds: 1_795_694_400_250_000))
        #expect(result.timeline.latest == (60 + 3_600 + 30) * 1_000_000_000)
        #expect(result.timeline.worstCase == "2026-11-26T12:00:00.25Z + 1 h 1 min 30 s")
    }

    @Test func compileThenDecompileGivesBackTheSameProgram() throws {
        let h = try Harness()
        let bytes = h.compile(everyConstruct, others: ["helper": helperScript])
        #expect(bytes.count > 100)
        let scripts = try SequenceDecompiler.decompile(bytes, dictionary: h.dictionary)
        #expect(scripts.map(\.name) == ["every_construct", "helper"])
        // Statements come back on their own lines.
        let lines = scripts[0].text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "sequence every_construct")
        #expect(lines[9].trimmingCharacters(in: .whitespaces) == "probe.PING")
        #expect(lines[10].trimmingCharacters(in: .whitespaces) == "after 250 ms probe.SET_LEVEL level: 0.75")
        #expect(lines[13].contains(#"label: "tab\tquote\"end""#))
        #expect(scripts[0].text.contains("else if probe.Counter > 2"))
        #expect(scripts[0].text.contains("at 2026-11-26T12:00:00.25Z probe.PING"))
        // Compiling the decompiled text gives the same bytes.
        let again = h.compile(scripts[0].text, file: "every.rseq", others: ["helper": scripts[1].text])
        #expect(again == bytes)
    }

    @Test(arguments: [
        "probe.PING\n",
        "var x: I64 = -9007199254740993\nprobe.COUNT n: 4294967295 label: \"\"\n",
        "var f: F32 = 0.1\nprobe.SET_LEVEL level: f\nset f = f * 3.0e-1\n",
        "wait until not not (probe.Flag == true) timeout 1 ms else continue\n",
        "wait 1.000000001 s\nwait 0.000000123 s\nafter 1234567.123456789 s probe.PING\nat T+00:00:01.5 probe.PING\nat T+1:02:03.000000001 probe.PING\n",
        "wait 1e-3 s\nwait 0x10 ms\nwait 2.5e2 ms\nset_x\n".replacingOccurrences(of: "set_x", with: "var z: F64 = -0\nset z = -0.0 * z"),
        "var big: U64 = 18446744073709549568\nset big = big - 0x1F\n",
        // Found by FuzzSequenceParser: an empty abort block before the body lost its `end`.
        "on abort\n  \nend\nprobe.COUNT n: 1 label: \"x\"\n",
        "set_x\n".replacingOccurrences(of: "set_x", with: "var a: F64 = 1.0\nset a = a - (a - a) - a / (a * a)"),
    ])
    func smallScriptsRoundTrip(source: String) throws {
        let h = try Harness()
        let result = SequenceChecker.check(source: source, file: "x.rseq", dictionary: h.dictionary)
        let program = try #require(result.program, "\(result.diagnostics)")
        let bytes = try SequenceCompiler.compile(program)
        let text = try SequenceDecompiler.decompile(bytes, dictionary: h.dictionary)[0].text
        let again = SequenceChecker.check(source: text, file: "x.rseq", dictionary: h.dictionary)
        #expect(try SequenceCompiler.compile(try #require(again.program)) == bytes, "\(text)")
    }

    @Test func durationsAreExactToTheNanosecond() {
        #expect(ParserState.exactNanoseconds("1.000000001", scale: 1_000_000_000) == 1_000_000_001)
        #expect(ParserState.exactNanoseconds("0.1", scale: 1_000_000_000) == 100_000_000)
        #expect(ParserState.exactNanoseconds("1_000.5", scale: 1_000_000) == 1_000_500_000)
        #expect(ParserState.exactNanoseconds("2.5", scale: 3_600_000_000_000) == 9_000_000_000_000)
        #expect(ParserState.exactNanoseconds("0.0000000001", scale: 1_000_000_000) == nil)  // finer than 1 ns
        #expect(ParserState.exactNanoseconds("99999999999", scale: 3_600_000_000_000) == nil)  // overflow
        #expect(ParserState.exactNanoseconds("1e3", scale: 1) == nil)
        #expect(ParserState.exactNanoseconds("0x10", scale: 1) == nil)
    }

    @Test func dictionaryFromJSONHasTheSameHashAsTheTopologys() throws {
        let h = try Harness()
        let fromJSON = try SequenceDictionary(regolithJSON: h.topology.dictionary().regolithJSON())
        #expect(fromJSON.hash == h.dictionary.hash)
        #expect(fromJSON.commands.count == h.dictionary.commands.count)
        #expect(fromJSON.command(named: "probe.SET_LEVEL")?.arguments.first?.range == 0...1)
    }

    @Test(arguments: ["", "{", "[1,2", "{\"format\": \"something-else\"}", "{\"format\":\"regolith-dictionary\",\"commands\":[{\"name\":\"a.B\"}]}", String(repeating: "[", count: 10_000)])
    func badDictionariesAreRefusedWithAReason(text: String) {
        #expect(throws: DictionaryLoadError.self) { try SequenceDictionary(regolithJSON: text) }
    }
}

/// A compiled sequence that was damaged or built for another dictionary is refused, each
/// with its own reason, by the decoder and by the on-board sequencer.
@Suite struct CorruptBinaryTests {
    static func good() throws -> (Harness, [UInt8]) {
        let h = try Harness()
        return (h, h.compile("sequence damaged\nprobe.PING\nwait until probe.Counter > 1 timeout 1 s\n"))
    }

    /// Recomputes the CRC so a structural change gets past the CRC check.
    static func resealed(_ b: [UInt8]) -> [UInt8] {
        var b = b
        let crc = CRC32C.checksum(b[24...])
        b[16] = UInt8(crc >> 24)
        b[17] = UInt8((crc >> 16) & 0xFF)
        b[18] = UInt8((crc >> 8) & 0xFF)
        b[19] = UInt8(crc & 0xFF)
        return b
    }

    @Test func eachKindOfDamageIsRefusedWithItsReason() throws {
        let (h, good) = try Self.good()
        var flipped = good
        flipped[good.count - 3] ^= 0x40
        var hash = good
        hash[8] ^= 0xFF
        var magic = good
        magic[0] = UInt8(ascii: "X")
        var version = good
        version[5] = 9
        var badOpcode = good
        // The first instruction's code byte, after the routine header: make it unknown.
        let decoded = try DecodedSequence.decode(good)
        badOpcode[decoded.routines[0].codeStart] = 0x7F
        var badJumpLength = good
        badJumpLength[decoded.routines[0].codeStart - 5] &+= 1  // code length past the end
        let cases: [([UInt8], SequenceRefusal)] = [
            (Array(good.prefix(10)), .tooShort),
            (Array(good.dropLast()), .lengthMismatch),
            (flipped, .crcMismatch),
            (hash, .dictionaryMismatch),
            (magic, .badMagic),
            (version, .unsupportedVersion),
            (Self.resealed(badOpcode), .malformed),
            (Self.resealed(badJumpLength), .malformed),
        ]
        for (bytes, reason) in cases {
            switch h.sequencer.install(bytes) {
            case .success: Issue.record("damaged sequence accepted (expected \(reason))")
            case .failure(let e):
                #expect(e.refusal == reason, "\(e)")
            }
        }
        let refusals = h.events("SequenceRefused").map { $0[0] }
        #expect(refusals == cases.map { .enumeration(Int32($0.1.rawValue)) })
        h.exec.step(1)
        #expect(h.channel("seq.SequencesRefused") == .u32(UInt32(cases.count)))
        #expect(h.sequencer.install(good).isSuccess)
    }

    @Test func reasonsSayWhatIsWrong() throws {
        let (h, good) = try Self.good()
        var flipped = good
        flipped[30] ^= 1
        do {
            _ = try DecodedSequence.decode(flipped, dictionaryHash: h.dictionary.hash)
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("CRC-32C mismatch: header says 0x"))
        }
        do {
            _ = try DecodedSequence.decode(good, dictionaryHash: h.dictionary.hash ^ 1)
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasSuffix("recompile it"))
            #expect(error.description.contains(hex8(h.dictionary.hash)))
        }
    }

    @Test func everySingleByteFlipIsRefusedOrHarmless() throws {
        // Any one flipped byte is caught by the CRC (or the header checks): none is installed.
        let (h, good) = try Self.good()
        for i in good.indices {
            var b = good
            b[i] ^= 0x5A
            #expect(!h.sequencer.install(b).isSuccess, "flip at \(i) accepted")
        }
    }

    @Test func randomGarbageAfterAValidHeaderIsRefusedWithoutCrashing() throws {
        let (h, good) = try Self.good()
        var rng = SeededRandom(seed: 42)
        for _ in 0..<2_000 {
            var b = Array(good.prefix(24))
            let n = Int(rng.next() % 200)
            for _ in 0..<n { b.append(UInt8(truncatingIfNeeded: rng.next())) }
            let total = UInt32(b.count)
            b[12] = UInt8(total >> 24)
            b[13] = UInt8((total >> 16) & 0xFF)
            b[14] = UInt8((total >> 8) & 0xFF)
            b[15] = UInt8(total & 0xFF)
            b[6] = UInt8(1 + rng.next() % 3)
            #expect(!h.sequencer.install(Self.resealed(b)).isSuccess)
        }
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
