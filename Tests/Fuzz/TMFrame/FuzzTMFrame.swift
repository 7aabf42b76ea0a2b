// Fuzz target: TM transfer frame decoding and packet reassembly across frames (downlink).
// See FuzzSpacePacket for how it builds.
import FlightCore
import FlightWire

// nonisolated(unsafe) is sound here: libFuzzer calls LLVMFuzzerTestOneInput from one thread
// only (no -fork/-jobs workers share the process), so nothing else touches this state.
nonisolated(unsafe) var reassembler = TMPacketReassembler(capacity: 512)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTMFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard size > 0 else { return 0 }
    // First byte picks a frame size (9...72), the rest is a run of frames, each given a valid
    // CRC so the reassembler sees hostile headers, pointers and packet lengths.
    let frameSize = 9 + Int(input[0] % 64)
    var r = TMPacketReassembler(capacity: 256)
    var offset = 1
    withUnsafeTemporaryAllocation(byteCount: frameSize, alignment: 1) { frame in
        while size - offset >= frameSize {
            frame.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + frameSize)]))
            _ = try? TMFrame.decode(UnsafeRawBufferPointer(frame), frameSize: frameSize)
            let crc = CRC16CCITT.checksum(UnsafeRawBufferPointer(rebasing: frame[0..<(frameSize - 2)]))
            frame[frameSize - 2] = UInt8(truncatingIfNeeded: crc >> 8)
            frame[frameSize - 1] = UInt8(truncatingIfNeeded: crc)
            if let f = try? TMFrame.decode(UnsafeRawBufferPointer(frame), frameSize: frameSize) {
                r.accept(f) { p in precondition(p.dataField.count == p.header.dataLength && !p.header.isIdle) }
                reassembler.accept(f) { _ in }
            }
            offset += frameSize
        }
    }
    return 0
}
