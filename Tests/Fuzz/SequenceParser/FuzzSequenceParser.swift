// Fuzz target: the sequence language, end to end. The input is a script: it is parsed and
// checked against a dictionary (the core services, a sequencer and a probe with every kind
// of argument); when it checks clean it is compiled, the binary decoded through, decompiled,
// and the decompiled text compiled again, which must give the same bytes. The input is also
// fed to the binary decoder as a compiled sequence. Nothing may trap.
// Build: swift build -c release --sanitize=fuzzer --product FuzzSequenceParser --scratch-path .build-fuzz
import FlightCore
import Sequencing

final class FuzzProbe: Component {
    let name = "probe"
    var ports = ComponentPorts.unwired
    var definition: ComponentDefinition {
        let mode = EnumType("Probe.Mode", representation: .u8, constants: [("IDLE", 0), ("ACTIVE", 1)])
        return ComponentDefinition(
            kind: "Probe",
            commands: [
                CommandDefinition(0, "PING"),
                CommandDefinition(1, "SET_LEVEL", arguments: [.init("level", .f32, range: 0...1)]),
                CommandDefinition(2, "SET_MODE", arguments: [.init("mode", .enumeration(mode))]),
                CommandDefinition(3, "COUNT", arguments: [.init("n", .u32), .init("label", .string(maxLength: 16)), .init("on", .bool), .init("delta", .i16)]),
            ],
            channels: [
                ChannelDefinition(0, "Level", .f32), ChannelDefinition(1, "Counter", .u32),
                ChannelDefinition(2, "Mode", .enumeration(mode)), ChannelDefinition(3, "Flag", .bool),
            ])
    }
}

let fuzzDictionary: SequenceDictionary = {
    var builder = TopologyBuilder(name: "Fuzz", baseRate: 100)
    builder.add(FuzzProbe())
    builder.add(Sequencer())
    return SequenceDictionary(try! builder.build().dictionary())
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSequenceParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? DecodedSequence.decode(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    let library = ["helper": "param x: U32 = 1\nprobe.PING\n"]
    let result = SequenceChecker.check(source: text, file: "fuzz.rseq", dictionary: fuzzDictionary, resolver: { n in library[n].map { ("\(n).rseq", $0) } })
    _ = result.timeline.rendered()
    for d in result.diagnostics { _ = d.rendered(file: "fuzz.rseq") }
    guard let program = result.program, let compiled = try? SequenceCompiler.compile(program) else { return 0 }
    guard let scripts = try? SequenceDecompiler.decompile(compiled, dictionary: fuzzDictionary) else {
        preconditionFailure("a compiled sequence does not decode")
    }
    let again = SequenceChecker.check(source: scripts[0].text, file: "fuzz.rseq", dictionary: fuzzDictionary, resolver: { n in library[n].map { ("\(n).rseq", $0) } })
    guard let p2 = again.program, let recompiled = try? SequenceCompiler.compile(p2) else {
        preconditionFailure("decompiled text does not check: \(again.diagnostics.first.map { $0.description } ?? "")\n\(scripts[0].text)")
    }
    precondition(recompiled == compiled, "decompile and recompile changed the bytes")
    return 0
}
