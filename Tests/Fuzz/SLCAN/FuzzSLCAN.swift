// Fuzz target: the SLCAN line reader and codec, and a long-lived SLCANLink fed hostile bytes
// as if an adapter sent them. See FuzzSpacePacket for how it builds.
import FlightHAL
import FlightWire

/// One link for the whole run, as on a real port: state carries across inputs.
let pair = SimulatedByteLink.pair("host", "adapter", capacity: 1 << 16)
let link: SLCANLink = {
    let l = SLCANLink(over: pair.0)
    l.open()
    return l
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSLCAN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var reader = SLCANLineReader()
    reader.ingest(input) { event in
        guard case .line(let line) = event else { return }
        precondition(line.count <= SLCAN.maxLineLength)
        // A frame that decodes re-encodes to a line that decodes to the same frame.
        if case .success(.frame(let frame, let ts)) = SLCANCodec.decodeReply(line) {
            withUnsafeTemporaryAllocation(byteCount: SLCAN.maxLineLength + 1, alignment: 1) { out in
                let n = SLCANCodec.encode(frame, timestamp: ts, into: out)!
                let again = SLCANCodec.decodeReply(UnsafeRawBufferPointer(rebasing: out[0..<(n - 1)]))
                precondition(again == .success(.frame(frame, timestamp: ts)), "re-encode round trip")
            }
        }
        if case .success(let command) = SLCANCodec.decodeCommand(line) {
            withUnsafeTemporaryAllocation(byteCount: SLCAN.maxLineLength + 1, alignment: 1) { out in
                let n = SLCANCodec.encode(command, into: out)!
                let again = SLCANCodec.decodeCommand(UnsafeRawBufferPointer(rebasing: out[0..<(n - 1)]))
                precondition(again == .success(command), "command round trip")
            }
        }
    }
    // The same bytes through the link: it never traps, and its queues stay bounded.
    var offset = 0
    while offset < size {
        let n = pair.1.write(UnsafeRawBufferPointer(rebasing: input[offset...]))
        offset += n
        while link.receive() != nil {}
        while link.nextEvent() != nil {}
        if n == 0 { break }
    }
    var sink = [UInt8](repeating: 0, count: 4096)
    while sink.withUnsafeMutableBytes({ pair.1.read(into: $0) }) > 0 {}
    return 0
}
