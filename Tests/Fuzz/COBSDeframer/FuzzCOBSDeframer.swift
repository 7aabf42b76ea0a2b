// Fuzz target: the COBS + CRC stream deframer, fed hostile bytes in hostile pieces.
// See FuzzSpacePacket for how it builds.
import FlightCore
import FlightWire

/// One deframer for the whole run, as on a real link: state carries across inputs.
// nonisolated(unsafe) is sound here: libFuzzer calls LLVMFuzzerTestOneInput from one thread
// only (no -fork/-jobs workers share the process), so nothing else touches this state.
nonisolated(unsafe) var longLived = COBSDeframer(maxPayload: 64)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCOBSDeframer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var fresh = COBSDeframer(maxPayload: 64)
    var offset = 0
    // Split the input at every 0xFE byte's position to vary the chunking.
    while offset < size {
        var end = offset + 1
        while end < size, input[end] != 0xFE { end += 1 }
        let chunk = UnsafeRawBufferPointer(rebasing: input[offset..<end])
        fresh.ingest(chunk) { p in
            precondition(p.count <= 64)
            // What was delivered re-frames and re-delivers identically.
            withUnsafeTemporaryAllocation(byteCount: COBSFrame.maxWireCount(payloadCount: p.count), alignment: 1) { w in
                let n = COBSFrame.encode(p, into: w) ?? -1
                var again = COBSDeframer(maxPayload: 64)
                var same = false
                again.ingest(UnsafeRawBufferPointer(rebasing: w[0..<n])) { q in
                    same = q.count == p.count && zip(q, p).allSatisfy { $0 == $1 }
                }
                precondition(same, "re-frame round trip")
            }
        }
        longLived.ingest(chunk) { _ in }
        offset = end
    }
    // COBS decode of the raw input never exceeds its length.
    withUnsafeTemporaryAllocation(byteCount: max(size, 1), alignment: 1) { out in
        if let n = COBS.decode(input, into: out) { precondition(n <= size) }
    }
    return 0
}
