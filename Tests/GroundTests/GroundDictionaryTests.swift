import FlightCore
import Foundation
import FlightWire
import Testing

@testable import Ground

/// Command lines checked against a dictionary, and the ground codec against FlightWire's flight side.
@Suite struct GroundDictionaryTests {
    static let dictionary: GroundDictionary = {
        var b = TopologyBuilder(name: "T", baseRate: 100)
        return GroundDictionary(try! b.build().dictionary())
    }()

    @Test func parsesArgumentsByType() throws {
        let (cmd, args) = try Self.dictionary.parseCommand("cmdDisp.ARM 0x0102")
        #expect(cmd.name == "cmdDisp.ARM")
        #expect(args == [0, 0, 1, 2])
        let (_, f) = try Self.dictionary.parseCommand("cmdDisp.ARM_WINDOW_PRM_SET 2.5")
        #expect(f == [0x40, 0x04, 0, 0, 0, 0, 0, 0])
        let (_, e) = try Self.dictionary.parseCommand("eventLogger.SET_EVENT_FILTER DIAGNOSTIC false")
        #expect(e.count == 2 && e[1] == 0)
    }

    @Test(arguments: [
        ("cmdDisp.NOPE", "no command named 'cmdDisp.NOPE'"),
        ("CMD_NO_OP", "did you mean cmdDisp.CMD_NO_OP"),
        ("cmdDisp.CMD_NO_OP 1", "takes 0 argument(s), got 1"),
        ("cmdDisp.ARM -1", "-1 does not fit U32"),
        ("cmdDisp.ARM x", "'x' is not an integer"),
        ("cmdDisp.ARM_WINDOW_PRM_SET 9000", "outside its range"),
        ("eventLogger.SET_EVENT_FILTER LOUD true", "'LOUD' is not one of"),
        ("eventLogger.SET_EVENT_FILTER FATAL maybe", "'maybe' is not true or false"),
    ])
    func refusesBadCommandLines(line: String, message: String) {
        #expect { _ = try Self.dictionary.parseCommand(line) } throws: { "\($0)".contains(message) }
    }

    @Test func signedCommandFramesPassTheFlightSideCheck() throws {
        let key: [UInt8] = Array(repeating: 7, count: 32)
        var codec = GroundLinkCodec(key: key, firstCounter: 500)
        var acc = TCFrameAccumulator(spacecraftID: 0x44, virtualChannelID: 1)
        var auth = CommandAuthenticator(key: key)
        var results: [Result<[UInt8], CommandAuthentication.Refusal>] = []
        for _ in 0..<3 {
            let frame = try codec.commandFrame(opcode: Opcode(0x100), arguments: [1, 2])
            frame.withUnsafeBytes { acc.ingest($0) { f in
                let p = try! SpacePacket.decode(f.dataField, exact: true)
                results.append(auth.check(p).map { Array($0) })
            } }
        }
        let command: [UInt8] = [0, 0, 0, 0, 1, 0, 1, 2]
        #expect(results == [.success(command), .success(command), .success(command)])
        #expect(auth.lastCounter == 502)
    }

    @Test func downlinkFramesDecodeToNamedValues() throws {
        var framer = try TMFramer()
        var sequencer = SpacePacketSequencer()
        let channel = Self.dictionary.channel(named: "cmdDisp.CommandsDispatched")!
        var stream: [UInt8] = [0xFF, 0x00, 0x13]  // garbage before the first frame
        var packet = [UInt8](repeating: 0, count: 64)
        let value: [UInt8] = [0, 0, 0, 42]
        let n = try value.withUnsafeBytes { v in
            try packet.withUnsafeMutableBytes {
                try FPrimePacket.telemetry(channel: channel.id, time: FlightTime(seconds: 3, microseconds: 250_000), value: v)
                    .encodeSpacePacket(sequencer: &sequencer, into: $0)
            }
        }
        packet.prefix(n).withUnsafeBytes { p in framer.append(packet: p) { stream += $0 } }
        framer.flush { stream += $0 }
        var codec = GroundLinkCodec(firstCounter: 1)
        var got: [DecodedPacket] = []
        for chunk in stride(from: 0, to: stream.count, by: 100) {
            stream[chunk..<min(chunk + 100, stream.count)].withUnsafeBytes { codec.ingest($0) { got.append(Self.dictionary.decode($0)) } }
        }
        #expect(got.count == 1)
        #expect(got.first?.name == "cmdDisp.CommandsDispatched")
        #expect(got.first?.value == 42)
        #expect(got.first?.flightTime == 3.25)
        #expect(got.first?.bytes == Array(packet.prefix(n)))
        #expect(codec.bytesSkipped == 3)
    }

    @Test func theRegolithJSONDictionaryReadsBackToTheSameDictionary() throws {
        var b = TopologyBuilder(name: "T", baseRate: 100)
        let flight = try b.build().dictionary()
        let read = try GroundDictionary(regolithJSON: Data(flight.regolithJSON().utf8))
        let direct = GroundDictionary(flight)
        #expect(read.deploymentName == "T")
        // Equal in everything but enum annotations, which the Regolith JSON does not carry.
        func plain(_ t: FlightType) -> String {
            guard case .enumeration(let e) = t else { return t.fprimeName }
            return "\(e.qualifiedName) \(e.representation) \(e.names) \(e.values)"
        }
        func plain(_ a: [ArgumentDefinition]) -> [String] { a.map { "\($0.name) \(plain($0.type)) \(String(describing: $0.range)) \($0.units) \($0.summary)" } }
        #expect(read.commands.map { "\($0.opcode) \($0.name) \($0.hazardous) \(plain($0.arguments))" } == direct.commands.map { "\($0.opcode) \($0.name) \($0.hazardous) \(plain($0.arguments))" })
        #expect(read.channels.map { "\($0.id) \($0.name) \(plain($0.type))" } == direct.channels.map { "\($0.id) \($0.name) \(plain($0.type))" })
        #expect(read.events.map { "\($0.id) \($0.name) \($0.severity) \($0.format) \(plain($0.arguments))" } == direct.events.map { "\($0.id) \($0.name) \($0.severity) \($0.format) \(plain($0.arguments))" })
        #expect(!read.commands.isEmpty && !read.events.isEmpty)
        // And it checks command lines the same way.
        #expect(try read.parseCommand("eventLogger.SET_EVENT_FILTER DIAGNOSTIC false").arguments == direct.parseCommand("eventLogger.SET_EVENT_FILTER DIAGNOSTIC false").arguments)
    }

    @Test(arguments: [
        ("[1, 2]", "not a JSON object"),
        ("{\"format\": \"fprime\"}", "not a Regolith dictionary"),
        ("{\"format\": \"regolith-dictionary\", \"channels\": [{\"name\": \"a.B\", \"id\": 1, \"type\": {\"type\": \"U128\"}}]}", "a.B: unknown type U128"),
        ("{\"format\": \"regolith-dictionary\", \"commands\": [{\"name\": \"a.C\", \"opcode\": -1}]}", "a.C: an id must be a U32"),
        ("{\"format\": \"regolith-dictionary\", \"events\": [{\"name\": \"a.E\", \"id\": 1, \"severity\": \"LOUD\", \"format\": \"\"}]}", "events[0]: needs a name, a severity"),
    ])
    func badDictionariesAreRefusedWithWhere(json: String, message: String) {
        #expect { _ = try GroundDictionary(regolithJSON: Data(json.utf8)) } throws: { "\($0)".contains(message) }
    }
}
