// Fuzz target: CCSDS Space Packet decoding. Build and run with `make fuzz` (see Makefile).
// Without --sanitize=fuzzer this links to a program that does nothing, so `swift build` of
// everything still works; libFuzzer supplies main() in the fuzzing build.
import FlightCore
import FlightWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpacePacket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var rest = input
    // Walk the input as a run of packets, as a splitter would.
    while rest.count > 0 {
        guard let packet = try? SpacePacket.decode(rest) else { break }
        // Re-encoding what was decoded gives back exactly the same bytes.
        withUnsafeTemporaryAllocation(byteCount: packet.header.packetLength, alignment: 1) { out in
            let n = (try? SpacePacket.encode(header: packet.header, dataField: packet.dataField, into: out)) ?? -1
            precondition(n == packet.header.packetLength, "re-encode length")
            precondition(memcmp(out.baseAddress!, rest.baseAddress!, n) == 0, "re-encode bytes")
        }
        rest = UnsafeRawBufferPointer(rebasing: rest[packet.header.packetLength...])
    }
    return 0
}

@_silgen_name("memcmp")
func memcmp(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> CInt
