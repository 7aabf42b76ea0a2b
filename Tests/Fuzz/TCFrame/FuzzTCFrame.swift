// Fuzz target: CCSDS TC transfer frame decoding (uplink). See FuzzSpacePacket for how it builds.
import FlightCore
import FlightWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTCFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    // The whole input as a byte stream, in two pieces, through the accumulator.
    var acc = TCFrameAccumulator(spacecraftID: 0x44, virtualChannelID: 1)
    let cut = size / 3
    acc.ingest(UnsafeRawBufferPointer(rebasing: input[0..<cut])) { f in precondition(f.length <= TCFrame.maxSize) }
    acc.ingest(UnsafeRawBufferPointer(rebasing: input[cut...])) { f in precondition(f.length <= TCFrame.maxSize) }
    precondition(acc.bytesPending < TCFrame.maxSize && acc.counts.overflowBytes == 0)
    // Hostile bytes with a valid CRC appended too, so the fuzzer gets past the CRC check.
    checkOne(input)
    if size >= 7 {
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { copy in
            copy.copyMemory(from: input)
            let crc = CRC16CCITT.checksum(UnsafeRawBufferPointer(rebasing: copy[0..<(size - 2)]))
            copy[size - 2] = UInt8(truncatingIfNeeded: crc >> 8)
            copy[size - 1] = UInt8(truncatingIfNeeded: crc)
            checkOne(UnsafeRawBufferPointer(copy))
        }
    }
    return 0
}

func checkOne(_ input: UnsafeRawBufferPointer) {
    guard let frame = try? TCFrame.decode(input) else { return }
    precondition(frame.length <= input.count && frame.length <= TCFrame.maxSize)
    withUnsafeTemporaryAllocation(byteCount: frame.length, alignment: 1) { out in
        let n = (try? frame.encode(into: out)) ?? -1
        precondition(n == frame.length, "re-encode length")
        for i in 0..<n { precondition(out[i] == input[i], "re-encode bytes") }
    }
    _ = try? SpacePacket.decode(frame.dataField, exact: true)
}
