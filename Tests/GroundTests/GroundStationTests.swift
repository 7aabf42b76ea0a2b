import FlightCore
import FlightHAL
import FlightWire
import Foundation
import Testing

@testable import Ground

/// `regolith ground`'s engine against a real ground interface in a lockstep topology, over a
/// simulated byte link: a command typed by name runs on board, and its events come back
/// decoded, shown and archived.
@Suite struct GroundStationTests {
    @Test func aCommandByNameRunsAndItsEventsAreShownAndArchived() throws {
        let key: [UInt8] = Array(repeating: 0x42, count: 32)
        let (flightEnd, groundEnd) = SimulatedByteLink.pair("flight", "ground", capacity: 1 << 20)
        var b = TopologyBuilder(name: "T", baseRate: 100, coreRate: 10)
        let g = try GroundInterface(
            link: flightEnd, configuration: .init(authenticationKey: key), dispatcher: b.dispatcher,
            telemetry: b.telemetry, events: b.events)
        b.add(g, baseID: 0x700)
        b.add(RateGroup("ground", g), divisor: 2, offset: 1)
        let topology = try b.build()
        let exec = topology.lockstep()

        let path = temporaryPath("station.sqlite")
        let archive = try PacketArchive(path: path)
        var lines: [String] = [], status: [String] = []
        let station = GroundStation(
            dictionary: GroundDictionary(topology.dictionary()), link: groundEnd, archive: archive, key: key,
            output: { lines.append($0) }, status: { status.append($0) })
        try station.send("cmdDisp.CMD_NO_OP")
        #expect(throws: GroundError.self) { try station.send("cmdDisp.ARM nope") }
        exec.step(30)
        try station.run(for: 0.05)

        #expect(g.counts.commandsCompleted == 1)
        #expect(lines.contains { $0.contains("EVR cmdDisp.OpCodeCompleted COMMAND: Opcode 256 completed") })
        #expect(lines.contains { $0.contains("TLM groundIf.CommandsUplinked = 1") })
        #expect(status.contains { $0.hasPrefix("sent cmdDisp.CMD_NO_OP (opcode 0x100), signed, counter ") })
        #expect(archive.committedCount == station.packetsReceived)
        let events = try archive.rows(.init(names: ["cmdDisp.OpCodeCompleted"]))
        #expect(events.count == 1)
        #expect(events.first?.packet.text == "COMMAND: Opcode 256 completed")
    }

    @Test(arguments: [
        ("tcp:127.0.0.1:50000", "tcp:127.0.0.1:50000"),
        ("listen:47011", "listen:127.0.0.1:47011"),
        ("listen:0.0.0.0:1", "listen:0.0.0.0:1"),
        ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0@115200"),
        ("serial:/dev/ttyACM0@921600", "serial:/dev/ttyACM0@921600"),
    ])
    func linkAddressesParse(text: String, canonical: String) throws {
        #expect(try GroundLinkAddress(parsing: text).description == canonical)
    }

    @Test(arguments: ["tcp:127.0.0.1", "tcp:127.0.0.1:0", "listen:host.example:1", "serial:", "serial:/dev/x@fast", "udp:1:2", "50000"])
    func badLinkAddressesAreRefused(text: String) {
        #expect(throws: GroundLinkAddress.ParseError.self) { try GroundLinkAddress(parsing: text) }
    }
}

@Suite struct KeyFileTests {
    @Test func aHexKeyLoadsAndAnythingElseIsRefusedWithAReason() throws {
        let good = temporaryPath("good.key")
        try "00112233445566778899aabbccddeeff\n0011 2233 4455 6677 8899 AABB CCDD EEFF\n".write(toFile: good, atomically: true, encoding: .utf8)
        let key = try GroundStation.loadKey(path: good)
        #expect(key.count == 32 && key[0] == 0x00 && key[15] == 0xFF && key[31] == 0xFF)
        for (text, reason) in [("0011223344556677889", "hexadecimal"), ("zz112233445566778899aabbccddeeff", "hexadecimal"),
                               ("００112233445566778899aabbccddeeff", "hexadecimal"), ("0011", "use at least 16")] {
            let p = temporaryPath("bad.key")
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            #expect { _ = try GroundStation.loadKey(path: p) } throws: { "\($0)".contains(reason) }
        }
        #expect { _ = try GroundStation.loadKey(path: temporaryPath("absent.key")) } throws: { "\($0)".contains("cannot read it") }
    }
}
