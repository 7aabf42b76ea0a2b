// Fuzz target: the ground interface's whole uplink (frame accumulator, Space Packet, command
// authentication, F Prime command decoding, the dispatcher's argument checks) in a lockstep
// topology. See FuzzSpacePacket for how it builds. Each input goes in three ways: as raw
// stream bytes, and as the data field of a valid TC frame, plain and marked signed, so the
// fuzzer gets past the frame CRC. Two ground interfaces: one with a key (the signed path),
// one without (plain commands reach the dispatcher with arbitrary arguments).
import FlightCore
import FlightHAL
import FlightWire

struct Rig {
    let exec: LockstepExecutive
    let peer: SimulatedByteLink
    let ground: GroundInterface

    init(key: [UInt8]?) {
        let (flight, peer) = SimulatedByteLink.pair("flight", "ground", capacity: 1 << 16)
        var b = TopologyBuilder(name: "Fuzz", baseRate: 100, coreRate: 50)
        ground = try! GroundInterface(link: flight, configuration: .init(authenticationKey: key), dispatcher: b.dispatcher, telemetry: b.telemetry, events: b.events)
        b.add(ground, baseID: 0x700)
        b.add(RateGroup("ground", ground), divisor: 2, offset: 1)
        exec = try! b.build().lockstep()
        self.peer = peer
    }

    func feed(_ input: UnsafeRawBufferPointer, sink: UnsafeMutableRawBufferPointer) {
        _ = peer.write(input)
        if input.count >= 1 && input.count <= TCFrame.maxSize - TCFrame.overhead - SpacePacketHeader.size {
            for signed in [false, true] {
                withUnsafeTemporaryAllocation(byteCount: TCFrame.maxSize, alignment: 1) { packet in
                    let n = try! SpacePacket.encode(
                        type: .telecommand, apid: 0, sequenceCount: 0, hasSecondaryHeader: signed, dataField: input,
                        into: packet)
                    withUnsafeTemporaryAllocation(byteCount: TCFrame.maxSize, alignment: 1) { frame in
                        let f = TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: UnsafeRawBufferPointer(rebasing: packet[0..<n]))
                        let m = try! f.encode(into: frame)
                        _ = peer.write(UnsafeRawBufferPointer(rebasing: frame[0..<m]))
                    }
                }
            }
        }
        exec.step(4)
        while peer.read(into: sink) > 0 {}
        precondition(ground.queuedFrames <= ground.configuration.queueFrames)
    }
}

nonisolated(unsafe) let plain = Rig(key: nil)
nonisolated(unsafe) let signed = Rig(key: Array(repeating: 0x5A, count: 32))
nonisolated(unsafe) let sink = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGroundUplink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    plain.feed(input, sink: sink)
    signed.feed(input, sink: sink)
    // Nothing the fuzzer can build carries a valid MAC.
    precondition(signed.ground.counts.commandsUplinked == 0)
    return 0
}
