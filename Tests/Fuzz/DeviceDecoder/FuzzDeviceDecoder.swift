// Fuzz target: the device serial decoder (COBS + CRC frames carrying id + payload) and the
// message codec, fed hostile bytes. See FuzzSpacePacket for how it builds.
import Devices
import FlightWire

/// One decoder for the whole run, as on a real link: state carries across inputs.
// nonisolated(unsafe) is sound here: libFuzzer calls LLVMFuzzerTestOneInput from one thread
// only (no -fork/-jobs workers share the process), so nothing else touches this state.
nonisolated(unsafe) var longLived = DeviceStreamDecoder()

/// What decoded re-encodes to a payload that decodes to the same message.
func checkRoundTrip(_ m: DeviceMessage) {
    withUnsafeTemporaryAllocation(byteCount: DeviceMessage.maxPayloadCount, alignment: 1) { out in
        guard let n = m.encode(into: out) else { preconditionFailure("a decoded message does not encode") }
        let again = try? DeviceMessage.decode(id: m.id, payload: UnsafeRawBufferPointer(rebasing: out[0..<n]))
        precondition(again == m, "payload round trip")
    }
    if let f = m.canFrame { precondition((try? DeviceMessage.decode(frame: f)) == m, "CAN round trip") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeviceDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    // 1. As a byte stream, in pieces split at every 0xFE.
    var fresh = DeviceStreamDecoder()
    var offset = 0
    while offset < size {
        var end = offset + 1
        while end < size, input[end] != 0xFE { end += 1 }
        let chunk = UnsafeRawBufferPointer(rebasing: input[offset..<end])
        fresh.ingest(chunk, deliver: checkRoundTrip)
        longLived.ingest(chunk, deliver: { _ in })
        offset = end
    }
    // 2. As one frame's contents: the first two bytes the id, the rest the payload.
    if size >= 2 {
        let id = UInt16(input[0]) << 8 | UInt16(input[1])
        if let m = try? DeviceMessage.decode(id: id, payload: UnsafeRawBufferPointer(rebasing: input[2...])) {
            checkRoundTrip(m)
        }
    }
    // 3. As a CAN frame of the first byte's id in the plan's range.
    if size >= 1, size <= 9 {
        let low = UInt16(input[0])
        for base: UInt16 in [0x000, 0x100, 0x300] {
            if let f = try? CANFrame(id: .standard(base | low), data: UnsafeRawBufferPointer(rebasing: input[1...])),
                let m = try? DeviceMessage.decode(frame: f)
            {
                checkRoundTrip(m)
            }
        }
    }
    return 0
}
