// Fuzz target: the ISO-TP reassembler (and the sender's flow control handling), fed hostile
// frames. See FuzzSpacePacket for how it builds.
import FlightWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzISOTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard size >= 1 else { return 0 }
    // First byte: configuration (data length, block size); then frames, each a length byte
    // (0...64) and that many bytes, with time advancing 100 ms per frame.
    let lengths = [8, 12, 16, 64]
    let dl = lengths[Int(input[0] & 3)]
    let config = ISOTPConfiguration(txDataLength: dl, blockSize: input[0] >> 4, capacity: 512)
    guard var r = try? ISOTPReceiver(configuration: config), var s = try? ISOTPSender(configuration: config)
    else { fatalError("valid configuration refused") }
    _ = try? [UInt8](repeating: 0x42, count: 300).withUnsafeBytes { try s.start($0, now: .zero) }
    var offset = 1
    var now = Duration.zero
    while offset < size {
        let n = min(Int(input[offset]) % 65, size - offset - 1)
        let frame = UnsafeRawBufferPointer(rebasing: input[(offset + 1)..<(offset + 1 + n)])
        r.receive(frame, now: now, send: { fc in precondition(fc.count >= 3 && fc.count <= 8) }) { msg in
            precondition(msg.count >= 1 && msg.count <= 512)
        }
        s.receive(frame, now: now)
        s.poll(now: now) { f in precondition(f.count >= 1 && f.count <= dl) }
        now += .milliseconds(100)
        offset += 1 + n
    }
    return 0
}
