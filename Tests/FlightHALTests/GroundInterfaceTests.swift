import FlightCore
import FlightHAL
import FlightWire
import Testing

/// A component that logs one event and writes one changing channel every tick.
final class Chatter: Component {
    let name = "chatter"
    var ports = ComponentPorts.unwired
    var n: UInt32 = 0
    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Chatter", summary: "test traffic",
            channels: [ChannelDefinition(0, "Count", .u32)],
            events: [EventDefinition(0, "Tick", .diagnostic, arguments: [.init("n", .u32)], format: "tick {}")])
    }
    func tick(_ context: TickContext) {
        n += 1
        ports.write(0, .u32(n))
        ports.log(UInt32(0), EventArguments(.u32(n)))
    }
}

/// The ground interface in a lockstep topology, its link one end of a simulated byte link and
/// the test the ground at the other end.
struct GroundRig {
    let topology: Topology
    let ground: GroundInterface
    let peer: SimulatedByteLink
    let exec: LockstepExecutive
    var reassembler = TMPacketReassembler()
    var pending: [UInt8] = []

    init(configuration: GroundInterface.Configuration = .init(), linkCapacity: Int = 1 << 20, eventCapacity: Int = 1024, chatter: Bool = false) throws {
        let (flight, ground) = SimulatedByteLink.pair("flight", "ground", capacity: linkCapacity)
        var b = TopologyBuilder(name: "T", baseRate: 100, coreRate: 10, eventCapacity: eventCapacity)
        let g = try GroundInterface(link: flight, configuration: configuration, dispatcher: b.dispatcher, telemetry: b.telemetry, events: b.events)
        b.add(g, baseID: 0x700)
        b.add(RateGroup("ground", g), divisor: 2, offset: 1)
        if chatter {
            let c = Chatter()
            b.add(c, baseID: 0x800)
            b.add(RateGroup("chatter", c), divisor: 2)
        }
        topology = try b.build()
        self.ground = g
        peer = ground
        exec = topology.lockstep()
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { peer.write($0) } }

    /// Every downlinked F Prime packet so far: (descriptor, id).
    mutating func received() -> [(UInt16, UInt32)] {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { peer.read(into: $0) }
            if n == 0 { break }
            pending += buf[0..<n]
        }
        var out: [(UInt16, UInt32)] = []
        var r = reassembler
        while pending.count >= 1024 {
            let frame = Array(pending[0..<1024])
            pending.removeFirst(1024)
            frame.withUnsafeBytes { f in
                let tm = try! TMFrame.decode(f, frameSize: 1024)
                r.accept(tm) { p in
                    out.append((UInt16(p.dataField[0]) << 8 | UInt16(p.dataField[1]), p.dataField.loadUnaligned(fromByteOffset: 2, as: UInt32.self).bigEndian))
                }
            }
        }
        reassembler = r
        return out
    }
}

func commandFrame(_ opcode: UInt32, _ args: [UInt8] = [], key: [UInt8]? = nil, counter: UInt64 = 1) -> [UInt8] {
    var cmd: [UInt8] = [0, 0, UInt8(opcode >> 24), UInt8(truncatingIfNeeded: opcode >> 16), UInt8(truncatingIfNeeded: opcode >> 8), UInt8(truncatingIfNeeded: opcode)] + args
    if let key { cmd = CommandAuthentication.seal(command: cmd, counter: counter, key: key) }
    var packet = [UInt8](repeating: 0, count: cmd.count + 6)
    cmd.withUnsafeBytes { c in packet.withUnsafeMutableBytes { _ = try! SpacePacket.encode(type: .telecommand, apid: 0, sequenceCount: 0, hasSecondaryHeader: key != nil, dataField: c, into: $0) } }
    var frame = [UInt8](repeating: 0, count: packet.count + 7)
    packet.withUnsafeBytes { p in frame.withUnsafeMutableBytes { _ = try! TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: p).encode(into: $0) } }
    return frame
}

@Suite struct GroundInterfaceTests {
    @Test func aCommandGoesUpAndItsEventsComeDown() throws {
        var rig = try GroundRig()
        rig.send(TCFrameAccumulator.keepAlive + commandFrame(0x100) + TCFrameAccumulator.keepAlive)
        rig.exec.step(20)
        #expect(rig.topology.dispatcher.dispatchedCount == 1)
        #expect(rig.ground.counts.commandsCompleted == 1)
        #expect(rig.ground.uplinkCounts.keepAlives == 2)
        #expect(rig.ground.uplinkCounts.bytesSkipped == 0)
        let packets = rig.received()
        let completed = rig.topology.eventID("cmdDisp.OpCodeCompleted")!.rawValue
        #expect(packets.contains { $0 == (2, completed) })
        #expect(packets.contains { $0.0 == 1 })
    }

    @Test func eventsGoDownBeforeChannels() throws {
        var rig = try GroundRig(chatter: true)
        rig.exec.step(2)
        _ = rig.received()
        rig.exec.step(2)
        let packets = rig.received()
        let firstChannel = packets.firstIndex { $0.0 == 1 }!
        #expect(packets.contains { $0.0 == 2 })
        #expect(packets[..<firstChannel].allSatisfy { $0.0 == 2 })
        #expect(packets[firstChannel...].allSatisfy { $0.0 == 1 })
    }

    @Test func aTelemetryIntervalSendsEachChannelOnceAnIntervalWithItsLatestValueAndEveryEvent() throws {
        var config = GroundInterface.Configuration()
        config.telemetryInterval = .milliseconds(500)
        var rig = try GroundRig(configuration: config, chatter: true)
        let count = rig.topology.channelID("chatter.Count")!.rawValue
        let tick = rig.topology.eventID("chatter.Tick")!.rawValue
        rig.exec.step(2)  // the first ground tick sends the channels
        _ = rig.received()
        rig.exec.step(100)  // 1 s: the chatter ticked 50 times
        let packets = rig.received()
        // Every event went down; its channel only at 0.5 s and 1 s (its latest value each time).
        #expect(packets.filter { $0 == (2, tick) }.count == 50)
        #expect(packets.filter { $0 == (1, count) }.count == 2)
        // Without the interval, every value the chatter wrote goes down (one per its tick).
        var every = try GroundRig(chatter: true)
        every.exec.step(102)
        #expect(every.received().filter { $0 == (1, count) }.count == 50)
    }

    @Test func aFullQueueDefersChannelsAndCountsLostEventsThenRecovers() throws {
        var config = GroundInterface.Configuration()
        config.queueFrames = 8
        config.framesPerTick = 4
        // The peer does not read: the link holds 2 frames, then refuses.
        var rig = try GroundRig(configuration: config, linkCapacity: 2048, eventCapacity: 16, chatter: true)
        rig.exec.step(200)
        #expect(rig.ground.queuedFrames >= 6)
        #expect(rig.ground.counts.channelsDeferred > 0)
        #expect(rig.ground.counts.eventsLost == 0)  // not known until the log is read again
        // The ground reads again: every frame that comes is whole and valid, and the loss is
        // reported in an EventsLost event that reaches the ground.
        var packets: [(UInt16, UInt32)] = []
        for _ in 0..<50 {
            rig.exec.step(2)
            packets += rig.received()
        }
        let lost = rig.topology.eventID("groundIf.EventsLost")!.rawValue
        #expect(packets.contains { $0 == (2, lost) })
        #expect(rig.ground.counts.eventsLost > 50)
        #expect(rig.topology.telemetry.latest(rig.topology.channelID("groundIf.EventsLost")!)?.value == .u64(rig.ground.counts.eventsLost))
        #expect(rig.reassembler.counts.frameGaps == 0)
        #expect(rig.reassembler.counts.malformedPackets == 0)
    }

    @Test func authenticationRefusalsAreCountedByReason() throws {
        let key: [UInt8] = Array(repeating: 3, count: 32)
        let rig = try GroundRig(configuration: .init(authenticationKey: key))
        let good = commandFrame(0x100, key: key, counter: 9)
        var tampered = commandFrame(0x100, key: key, counter: 10)
        tampered[12] ^= 1
        // Recompute the frame CRC so only the MAC catches it.
        let crc = tampered.prefix(tampered.count - 2).withUnsafeBytes { CRC16CCITT.checksum($0) }
        tampered[tampered.count - 2] = UInt8(crc >> 8)
        tampered[tampered.count - 1] = UInt8(truncatingIfNeeded: crc)
        rig.send(commandFrame(0x100) + good + good + tampered)
        rig.exec.step(20)
        let c = rig.ground.counts
        #expect(c.refused(.unauthenticated) == 1)
        #expect(c.refused(.replayed) == 1)
        #expect(c.refused(.badMAC) == 1)
        #expect(c.commandsUplinked == 1)
        #expect(rig.topology.dispatcher.dispatchedCount == 1)
        #expect(rig.ground.lastAcceptedCounter == 9)
        #expect(rig.topology.telemetry.latest(rig.topology.channelID("groundIf.AuthRefused")!)?.value == .u32(3))
        #expect(rig.topology.events.records.filter { $0.id == rig.topology.eventID("groundIf.AuthRefused")! }.count == 3)
    }

    @Test func garbageAndNonCommandsAreRejectedAndCounted() throws {
        let rig = try GroundRig()
        var x: UInt64 = 0x2545_F491_4F6C_DD1D  // xorshift: the same garbage every run
        rig.send((0..<5000).map { _ in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        })
        // A telemetry packet uplinked is not a command.
        var packet = [UInt8](repeating: 0, count: 20)
        let body = [UInt8](repeating: 0, count: 14)
        body.withUnsafeBytes { b in
            packet.withUnsafeMutableBytes { _ = try! SpacePacket.encode(type: .telemetry, apid: 1, sequenceCount: 0, dataField: b, into: $0) }
        }
        var frame = [UInt8](repeating: 0, count: 27)
        packet.withUnsafeBytes { p in frame.withUnsafeMutableBytes { _ = try! TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: p).encode(into: $0) } }
        rig.exec.step(100)  // long enough for a stalled garbage header to be given up
        rig.send(frame + commandFrame(0x100))
        rig.exec.step(20)
        #expect(rig.ground.uplinkCounts.bytesSkipped >= 4000)
        #expect(rig.ground.counts.packetsRejected >= 1)
        #expect(rig.topology.dispatcher.dispatchedCount == 1)
    }
}

/// A link whose writes take at most `accept` bytes and whose reconnect count the test sets.
final class ScriptedByteLink: ByteLink, @unchecked Sendable {
    // @unchecked: used from the test's one thread only.
    let name = "scripted"
    var accept = Int.max
    var reconnects: UInt64 = 0
    var written: [UInt8] = []
    var state: LinkState { .open }
    var statistics: LinkStatistics {
        var s = LinkStatistics()
        s.reconnects = reconnects
        return s
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { 0 }
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = min(bytes.count, accept)
        written += bytes.prefix(n)
        return n
    }
    func close() {}
}

@Suite struct GroundInterfaceConnectionTests {
    @Test func aNewConnectionNeverStartsWithTheTailOfAFrame() throws {
        let link = ScriptedByteLink()
        var b = TopologyBuilder(name: "T", baseRate: 100)
        let g = try GroundInterface(link: link, dispatcher: b.dispatcher, telemetry: b.telemetry, events: b.events)
        b.add(g, baseID: 0x700)
        b.add(RateGroup("ground", g), divisor: 2, offset: 1)
        let exec = try b.build().lockstep()
        link.accept = 300  // the old connection takes 300 bytes of the first frame, then stalls
        exec.step(2)
        #expect(link.written.count == 300)
        link.accept = 0
        exec.step(2)
        // A new connection: the rest of that frame is dropped, the next frame goes whole.
        link.reconnects = 1
        link.accept = Int.max
        link.written = []
        exec.step(2)
        #expect(g.counts.framesAbandoned == 1)
        #expect(link.written.count > 0 && link.written.count % 1024 == 0)
        link.written.withUnsafeBytes { w in
            for k in stride(from: 0, to: w.count, by: 1024) {
                #expect((try? TMFrame.decode(UnsafeRawBufferPointer(rebasing: w[k..<(k + 1024)]), frameSize: 1024)) != nil)
            }
        }
    }
}
