import FlightHAL
import FlightWire
import Testing

/// Host-side checks of the SocketCAN backend's pure parts (this host has no AF_CAN; the real
/// socket is tested in the VM: SocketCANVMTests).
@Suite struct CANErrorReportTests {
    @Test func busOffWithCountersDecodes() throws {
        // can_id 0x20000240: CAN_ERR_FLAG | CAN_ERR_BUSOFF | CAN_ERR_CNT; data[6]/[7] counters.
        var f = try CANFrame(id: .extended(0x240), data: [0, 0, 0, 0, 0, 0, 0xF8, 0x7F])
        f.isError = true
        let r = try #require(CANErrorReport(f))
        #expect(r.classes == [.busOff, .counters])
        #expect(r.txErrorCount == 0xF8)
        #expect(r.rxErrorCount == 0x7F)
        #expect(r.events == [.busOff])
    }

    @Test func controllerBitsBecomePassiveWarningAndActiveEvents() throws {
        let passive = CANErrorReport(classes: [.controller], controller: [.txPassive, .rxWarning])
        #expect(passive.events == [.errorPassive([.txPassive, .rxWarning])])
        let warning = CANErrorReport(classes: [.controller], controller: [.rxWarning])
        #expect(warning.events == [.errorWarning([.rxWarning])])
        let active = CANErrorReport(classes: [.controller], controller: [.active])
        #expect(active.events == [.errorActive])
        let restarted = CANErrorReport(classes: [.restarted])
        #expect(restarted.events == [.restarted])
    }

    @Test func protocolViolationLostArbitrationAndAckAreDecoded() throws {
        // CAN_ERR_LOSTARB | CAN_ERR_PROT | CAN_ERR_ACK, bit 5, form error on TX in the ACK slot.
        var f = try CANFrame(id: .extended(0x02 | 0x08 | 0x20), data: [5, 0, 0x82, 0x19, 0, 0, 0, 0])
        f.isError = true
        let r = try #require(CANErrorReport(f))
        #expect(r.classes == [.lostArbitration, .protocolViolation, .noAck])
        #expect(r.arbitrationBit == 5)
        #expect(r.protocolViolation == [.form, .onTransmit])
        #expect(r.protocolLocation == 0x19)
        #expect(r.txErrorCount == nil)
        #expect(r.events.isEmpty)
    }

    @Test func aDataFrameIsNotAnErrorReport() throws {
        #expect(CANErrorReport(try CANFrame(id: .standard(0x40), data: [1])) == nil)
    }

    @Test func reportRoundTripsThroughItsFrameAndTheSocketCANLayout() throws {
        let r = CANErrorReport(classes: [.controller, .counters], controller: [.rxPassive], txErrorCount: 3, rxErrorCount: 130)
        var wire = [UInt8](repeating: 0, count: 16)
        let n = wire.withUnsafeMutableBytes { r.frame().encodeSocketCAN(into: $0) }
        #expect(n == 16)
        // can_id word: CAN_ERR_FLAG | classes; the EFF flag is set too, as for any 29-bit id.
        #expect(wire.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } & 0x2000_0FFF == 0x2000_0204)
        let back = try wire.withUnsafeBytes { try CANFrame.decodeSocketCAN($0) }
        #expect(CANErrorReport(back) == r)
    }
}

@Suite struct CANFilterTests {
    @Test func exactStandardFilterMatchesOnlyThatIdInThatFormat() throws {
        let f = CANFilter.exact(.standard(0x123))
        #expect(f.socketCANID == 0x123)
        #expect(f.socketCANMask == 0x8000_07FF)
        #expect(f.matches(try CANFrame(id: .standard(0x123), data: [1])))
        #expect(!f.matches(try CANFrame(id: .standard(0x124), data: [1])))
        #expect(!f.matches(try CANFrame(id: .extended(0x123), data: [1])))
    }

    @Test func extendedInvertedAndRemoteFilters() throws {
        let e = CANFilter(id: .extended(0x1234_5600), mask: 0x1FFF_FF00)
        #expect(e.socketCANID == 0x9234_5600)
        #expect(e.socketCANMask == 0x9FFF_FF00)
        #expect(e.matches(try CANFrame(id: .extended(0x1234_56AB), data: [])))
        let inv = CANFilter(id: .standard(0x100), mask: 0x700, inverted: true)
        #expect(inv.socketCANID == 0x2000_0100)
        #expect(!inv.matches(try CANFrame(id: .standard(0x1FF), data: [])))
        #expect(inv.matches(try CANFrame(id: .standard(0x200), data: [])))
        let rtr = CANFilter(id: .standard(0x10), remote: true)
        #expect(rtr.socketCANID == 0x4000_0010)
        #expect(rtr.socketCANMask == 0xC000_07FF)
        #expect(rtr.matches(try CANFrame.remote(id: .standard(0x10), length: 2)))
        #expect(!rtr.matches(try CANFrame(id: .standard(0x10), data: [])))
        #expect(CANFilter.all.matches(try CANFrame(id: .extended(0x1FFF_FFFF), data: [])))
    }

    @Test(arguments: [
        ("123:7FF", CANFilter(id: .standard(0x123), mask: 0x7FF)),
        ("~123:700", CANFilter(id: .standard(0x123), mask: 0x700, inverted: true)),
        ("12345678:1FFFFFFF", CANFilter(id: .extended(0x1234_5678), mask: 0x1FFF_FFFF)),
    ])
    func candumpFilterSyntaxParses(text: String, expected: CANFilter) throws {
        #expect(try CANFilter(parsing: Substring(text)) == expected)
    }

    @Test(arguments: ["123", "800:7FF", "xyz:7FF", "123:", "3FFFFFFF:1"])
    func badFilterTextIsRefused(text: String) {
        #expect(throws: CANFilterError.self) { try CANFilter(parsing: Substring(text)) }
    }
}

@Suite struct CANInterfaceControlHostTests {
    /// `lo` is refused on its link type, before any libsocketcan call (works without AF_CAN).
    @Test func loopbackIsRefusedAsNotACANInterface() {
        do {
            _ = try CANInterfaceControl(interface: "lo")
            Issue.record("lo was accepted for CAN interface control")
        } catch {
            #expect(error.kind == .notACANInterface)
            #expect(error.description.contains("nothing was changed"))
        }
    }

    @Test func missingInterfaceIsNotFound() {
        #expect(throws: LinkError.self) { try CANInterfaceControl(interface: "nosuchcan9") }
        do { _ = try CANInterfaceControl(interface: "nosuchcan9") } catch { #expect(error.kind == .notFound) }
    }
}
