import FlightWire
import Testing

@Suite struct CANTests {
    @Test func frameValidation() throws {
        #expect(throws: CANFrameError.idOutOfRange(0x800, extended: false)) {
            _ = try CANFrame(id: .standard(0x800), data: [UInt8]())
        }
        #expect(throws: CANFrameError.idOutOfRange(0x2000_0000, extended: true)) {
            _ = try CANFrame(id: .extended(0x2000_0000), data: [UInt8]())
        }
        #expect(throws: CANFrameError.tooLong(9, max: 8)) { _ = try CANFrame(id: .standard(1), data: [UInt8](repeating: 0, count: 9)) }
        #expect(throws: CANFrameError.invalidFDLength(9)) {
            _ = try CANFrame(id: .standard(1), data: [UInt8](repeating: 0, count: 9), fd: true)
        }
        #expect(throws: CANFrameError.bitRateSwitchWithoutFD) {
            _ = try CANFrame(id: .standard(1), data: [UInt8](), bitRateSwitch: true)
        }
        let fd = try CANFrame(id: .extended(0x1ABC_DEF0), data: (0..<64).map { UInt8($0) }, fd: true, bitRateSwitch: true)
        #expect(fd.count == 64 && fd.dlc == 15 && fd.data[63] == 63)
        #expect(CANFrame.fdLength(atLeast: 13) == 16)
        #expect(CANFrame.fdLength(atLeast: 65) == nil)
    }

    @Test func socketCANLayoutRoundTrips() throws {
        var buf = [UInt8](repeating: 0xAA, count: 72)
        let frames = [
            try CANFrame(id: .standard(0x123), data: [1, 2, 3]),
            try CANFrame(id: .extended(0x1234_5678), data: (0..<12).map { UInt8($0) }, fd: true, bitRateSwitch: true),
            try CANFrame.remote(id: .standard(0x7FF), length: 8),
        ]
        for f in frames {
            let n = buf.withUnsafeMutableBytes { f.encodeSocketCAN(into: $0) } ?? 0
            let back = try buf.withUnsafeBytes { try CANFrame.decodeSocketCAN(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            #expect(back == f)
        }
        #expect(frames[0].socketCANID == 0x123)
        #expect(frames[1].socketCANID == 0x9234_5678)
        #expect(frames[2].socketCANID == 0x4000_07FF)
    }

    /// Known answer from cantools 45.1.0: IMU_ACCEL {AccelX 1.5, AccelY -2, AccelZ 9.81, Counter 3}.
    @Test func signalPackingMatchesCantools() throws {
        let f = RegolithCAN.imuAccel.frame([("AccelX", 1.5), ("AccelY", -2), ("AccelZ", 9.81), ("Counter", 3)])
        #expect(f.data == hex("dc0530f852260003"))
        #expect(f.id == .standard(0x030))
        let v = f.withUnsafeBytes { RegolithCAN.imuAccel.signal("AccelY")?.decode($0) }
        #expect(v == -2)
    }

    @Test func signalsClampToTheirRange() {
        let s = CANSignal("x", start: 4, length: 8, signed: true, factor: 0.5, min: -10, max: 10)
        #expect(s.raw(for: 100) == 20)
        #expect(s.raw(for: -100) == UInt64(UInt8(bitPattern: -20)))
        #expect(s.physical(raw: s.raw(for: -3.5)) == -3.5)
        var b = [UInt8](repeating: 0xFF, count: 1)
        #expect(b.withUnsafeMutableBytes { s.encode(1, into: $0) } == false)  // does not fit in 1 byte
        #expect(b == [0xFF])
    }

    @Test func extremeValuesSaturateInsteadOfTrapping() {
        let s64 = CANSignal("s", start: 0, length: 64, signed: true, min: -1e30, max: 1e30)
        #expect(s64.raw(for: 1e30) == UInt64(bitPattern: Int64.max))
        #expect(s64.raw(for: -1e30) == UInt64(bitPattern: Int64.min))
        let u64 = CANSignal("u", start: 0, length: 64, min: -1e30, max: 1e30)
        #expect(u64.raw(for: 1e30) == UInt64.max)
        #expect(u64.raw(for: -5) == 0)
        let u60 = CANSignal("u", start: 0, length: 60, min: 0, max: 1e30)
        #expect(u60.raw(for: 1e30) == (1 << 60) - 1)
        let s8 = CANSignal("s", start: 0, length: 8, signed: true, min: -1000, max: 1000)
        #expect(s8.raw(for: 1000) == 127 && s8.raw(for: -1000) == 0x80 && s8.raw(for: .nan) == 0)
    }

    @Test func planIdsAreUniqueStandardAndSorted() {
        let ids = RegolithCAN.messages.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { $0 <= CANID.maxStandard && $0 < 0x700 })
        for m in RegolithCAN.messages {
            #expect(m.length <= 8)
            for s in m.signals { #expect(s.startBit + s.length <= m.length * 8, "\(m.name).\(s.name)") }
        }
    }
}
