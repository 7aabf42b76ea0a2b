import Devices
import FlightWire
import Testing

@Suite struct DeviceCodecTests {
    @Test(arguments: everyMessage) func payloadRoundTripsExactly(_ m: DeviceMessage) throws {
        let p = payload(of: m)
        #expect(p.count == RegolithCAN.message(id: m.id)?.length)
        let back = try p.withUnsafeBytes { try DeviceMessage.decode(id: m.id, payload: $0) }
        #expect(back == m)
    }

    @Test(arguments: everyMessage) func canAndSerialBindingsCarryTheSamePayload(_ m: DeviceMessage) throws {
        let frame = try #require(m.canFrame)
        #expect(frame.id == .standard(m.id) && !frame.isFD && !frame.isRemote)
        #expect(frame.data == payload(of: m))
        #expect(try DeviceMessage.decode(frame: frame) == m)
        let (got, errors, rejections) = decodeStream(wire(m))
        #expect(got == [m] && errors.isEmpty && rejections.total == 0)
    }

    @Test func everyIdOfThePlanHasATypedMessage() {
        let typed = Set(everyMessage.map(\.id))
        for m in RegolithCAN.messages {
            #expect(DeviceMessage.isKnown(m.id), "\(m.name)")
            #expect(typed.contains(m.id) || m.name.hasPrefix("ALTIMETER_BEAM") || m.name.hasPrefix("WHEEL"), "\(m.name) untested")
        }
    }

    /// The hex examples in docs/devices.md, computed independently with cantools and a
    /// Python CRC-32C and COBS.
    @Test func documentedWireExamples() {
        let imu = DeviceMessage.imuAcceleration(IMUAcceleration(x: 1.5, y: -2, z: 9.81, valid: true, counter: 3))
        #expect(hex(payload(of: imu)) == "dc 05 30 f8 52 26 01 03")
        #expect(hex(wire(imu)) == "00 01 0e 30 dc 05 30 f8 52 26 01 03 f8 37 92 c9 00")
        let fire = DeviceMessage.engineCommand(EngineControllerCommand(throttle: 60, valve: .open, arm: true, counter: 2))
        #expect(hex(wire(fire)) == "00 01 0a 10 70 17 05 02 f5 ae 77 b7 00")
    }

    @Test func valuesOutsideAFieldSaturateWhenEncoded() throws {
        let m = DeviceMessage.engineStatus(EngineControllerStatus(thrust: 1e9, chamberPressure: -4, counter: 0))
        guard case .engineStatus(let s) = try payload(of: m).withUnsafeBytes({ try DeviceMessage.decode(id: m.id, payload: $0) }) else {
            Issue.record("not an engine status")
            return
        }
        #expect(s.thrust == 65_535 && s.chamberPressure == 0)
    }

    @Test func encoderCountsWrapIn24Bits() {
        #expect(WheelStatus.wrappedEncoderCount(8_388_608) == -8_388_608)
        #expect(WheelStatus.wrappedEncoderCount(-8_388_609) == 8_388_607)
        #expect(WheelStatus.encoderDelta(from: 8_388_600, to: -8_388_600) == 16)
        #expect(WheelStatus.encoderDelta(from: -8_388_600, to: 8_388_600) == -16)
    }

    @Test func beamsAndWheelsThatDoNotExistDoNotEncode() {
        #expect(payload(of: .wheelCommand(WheelCommand(wheel: 6, speed: 0, counter: 0))).isEmpty)
        #expect(payload(of: .wheelStatus(WheelStatus(wheel: -1, speed: 0, current: 0, encoderCount: 0, counter: 0))).isEmpty)
        #expect(payload(of: .altimeterBeam(AltimeterBeam(beam: 4, range: 0, rangeRate: 0, counter: 0))).isEmpty)
        #expect(DeviceMessage.altimeterBeam(AltimeterBeam(beam: 9, range: 0, rangeRate: 0, counter: 0)).canFrame == nil)
    }
}

@Suite struct DeviceCodecRejectionTests {
    func decode(_ id: UInt16, _ bytes: [UInt8]) -> DeviceDecodeError? {
        bytes.withUnsafeBytes { p -> DeviceDecodeError? in
            do throws(DeviceDecodeError) {
                _ = try DeviceMessage.decode(id: id, payload: p)
                return nil
            } catch { return error }
        }
    }

    @Test func unknownIdsAreRejected() {
        for id: UInt16 in [0x000, 0x012, 0x044, 0x106, 0x116, 0x122, 0x301, 0x700, 0x7FF, 0xFFFF] {
            #expect(decode(id, [UInt8](repeating: 0, count: 8)) == .unknownID(id))
        }
    }

    @Test func shortAndLongPayloadsAreRejected() {
        #expect(decode(0x030, [1, 2, 3]) == .wrongLength(id: 0x030, expected: 8, got: 3))
        #expect(decode(0x020, [0, 0, 0]) == .wrongLength(id: 0x020, expected: 2, got: 3))
        #expect(decode(0x010, []) == .wrongLength(id: 0x010, expected: 4, got: 0))
    }

    @Test func fieldsOutsideTheirRangeAreRejectedByName() {
        // ThrottleCmd raw 10001 = 100.01 %.
        #expect(decode(0x010, [0x11, 0x27, 0, 1]) == .outOfRange(id: 0x010, signal: "ThrottleCmd"))
        // StateOfCharge raw 201 = 100.5 %.
        #expect(decode(0x300, [0, 0, 0, 0, 201, 0, 0, 0]) == .outOfRange(id: 0x300, signal: "StateOfCharge"))
        // Roll raw 0x7FFF = 3.2767 rad > pi.
        #expect(decode(0x120, [0xFF, 0x7F, 0, 0, 0, 0, 0, 0]) == .outOfRange(id: 0x120, signal: "Roll"))
        // Current raw 2047 * 0.004 = 8.188 A is the top of the range: accepted.
        #expect(decode(0x110, [0, 0, 0xFF, 0x07, 0, 0, 0, 0]) == nil)
        let e = DeviceDecodeError.outOfRange(id: 0x010, signal: "ThrottleCmd")
        #expect("\(e)" == "message 0x010 field ThrottleCmd is out of range")
    }

    @Test func canFramesTheProtocolHasNoneOfAreRejected() throws {
        let remote = try CANFrame.remote(id: .standard(0x030), length: 8)
        let fd = try CANFrame(id: .standard(0x030), data: [UInt8](repeating: 0, count: 12), fd: true)
        let ext = try CANFrame(id: .extended(0x030), data: [UInt8](repeating: 0, count: 8))
        for (f, kind) in [(remote, DeviceDecodeError.UnsupportedFrame.remote), (fd, .fd), (ext, .extendedID)] {
            #expect(throws: DeviceDecodeError.unsupportedFrame(kind)) { try DeviceMessage.decode(frame: f) }
        }
    }

    @Test func serialFramesAreRejectedWithTheirReason() {
        let good = wire(everyMessage[4])
        var crc = good
        crc[5] ^= 0x40
        var cut = good
        cut.remove(at: 8)  // a lost byte: the COBS block runs past the delimiter
        let missing = serialFrame([0x00])
        let unknown = serialFrame([0x05, 0x55, 1, 2, 3, 4, 5, 6, 7, 8])
        let wrongLength = serialFrame([0x00, 0x30, 1, 2])
        let outOfRange = serialFrame([0x00, 0x10, 0xFF, 0xFF, 0, 0])
        let oversize = serialFrame([UInt8](repeating: 7, count: 200))
        let cases: [([UInt8], DeviceRejection)] = [
            (crc, .crcMismatch), (cut, .malformedEncoding), ([0, 1, 1, 0], .tooShort), (missing, .missingID),
            (unknown, .unknownID), (wrongLength, .wrongLength), (outOfRange, .outOfRange), (oversize, .oversize),
        ]
        for (bytes, reason) in cases {
            let (got, _, r) = decodeStream(bytes + good)
            #expect(r[reason] == 1 && r.total == 1, "\(reason): \(r)")
            // The good frame after the bad one still arrives.
            #expect(got == [everyMessage[4]], "\(reason)")
        }
        let (_, errors, _) = decodeStream(missing + unknown + wrongLength + outOfRange)
        #expect(errors == [.missingID(count: 1), .unknownID(0x555), .wrongLength(id: 0x030, expected: 8, got: 2),
                           .outOfRange(id: 0x010, signal: "ThrottleCmd")])
    }

    @Test func randomBytesNeverTrapAndNeverDecodeUnnoticed() {
        var rng = SystemRandomNumberGenerator()
        var d = DeviceStreamDecoder()
        var delivered = 0
        for _ in 0..<2_000 {
            let chunk = (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            chunk.withUnsafeBytes { d.ingest($0, deliver: { _ in delivered += 1 }) }
        }
        // Random bytes pass a CRC-32C at most by a 2^-32 chance per frame.
        #expect(delivered == 0)
        #expect(d.rejections.total > 0)
    }
}

@Suite struct SequenceCheckTests {
    @Test func freshRepeatedMissingAndBackwards() {
        var s = SequenceCheck()
        #expect(s.observe(254) == .first)
        #expect(s.observe(255) == .next)
        #expect(s.observe(0) == .next)
        #expect(s.observe(0) == .repeated)
        #expect(s.observe(4) == .gap(missed: 3))
        #expect(s.observe(2) == .backwards)
        #expect(s.fresh == 4 && s.repeated == 1 && s.missed == 3 && s.backwards == 1)
        s.reset()
        #expect(s.observe(9) == .first)
    }
}
