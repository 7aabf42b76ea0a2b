import FlightHAL
import FlightWire
import Foundation
import Testing

/// The SocketCAN backend against the real kernel CAN stack: runs only inside the test VM
/// (Tests/vm/guest.d/30-socketcan.sh sets up vcan0 mtu 16, vcan1 mtu 72, vcan2, loads
/// can-raw and can-isotp, and runs this suite with REGOLITH_IN_VM=1).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["REGOLITH_IN_VM"] == "1"))
struct SocketCANVMTests {
    /// Runs a shell command; returns its exit code and standard output.
    @discardableResult
    static func sh(_ command: String) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts a shell command in the background (its output goes to `file`).
    static func background(_ command: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        try p.run()
        return p
    }

    /// Drains `link` until `n` frames arrived or `seconds` passed.
    static func collect(_ link: SocketCANLink, _ n: Int, seconds: Double = 10) -> [ReceivedFrame] {
        var got: [ReceivedFrame] = []
        let end = Date().addingTimeInterval(seconds)
        while got.count < n, Date() < end {
            if let f = link.receive() { got.append(f) } else { usleep(1000) }
        }
        return got
    }

    @Test func classicFramesFromCansendArriveExactlyWithKernelTimestamps() throws {
        let link = try SocketCANLink(interface: "vcan0")
        defer { link.close() }
        #expect(!link.supportsFD)
        let (rc, out) = Self.sh("cansend vcan0 123#DEADBEEF && cansend vcan0 1ABCDEF0#0011223344556677 && cansend vcan0 7FF#R3 && cansend vcan0 000#")
        #expect(rc == 0, "cansend: \(out)")
        let got = Self.collect(link, 4)
        #expect(got.map(\.frame) == [
            try CANFrame(id: .standard(0x123), data: [0xDE, 0xAD, 0xBE, 0xEF]),
            try CANFrame(id: .extended(0x1ABC_DEF0), data: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]),
            try CANFrame.remote(id: .standard(0x7FF), length: 3),
            try CANFrame(id: .standard(0), data: []),
        ])
        #expect(got.allSatisfy { $0.timestampSource == .kernel })
        let stamps = got.map(\.timestamp)
        #expect(stamps == stamps.sorted(), "kernel timestamps must not go backwards: \(stamps)")
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        #expect(stamps.allSatisfy { $0 <= now && now - $0 < 60_000_000_000 }, "CLOCK_REALTIME stamps near now")
        #expect(link.statistics.framesReceived == 4)
    }

    @Test func fdFramesBothWaysAgainstCandumpAndCansend() throws {
        let link = try SocketCANLink(interface: "vcan1")
        defer { link.close() }
        #expect(link.supportsFD)
        let dump = try Self.background("timeout 15 candump -L -n 2 vcan1 > /tmp/sc-fd.log 2>&1")
        usleep(1_000_000)
        let payload = (0..<64).map { UInt8($0) }
        #expect(link.send(try CANFrame(id: .standard(0x321), data: payload, fd: true, bitRateSwitch: true)) == .sent)
        #expect(link.send(try CANFrame(id: .extended(0x1234_5678), data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], fd: true)) == .sent)
        dump.waitUntilExit()
        let log = (try? String(contentsOfFile: "/tmp/sc-fd.log", encoding: .utf8)) ?? ""
        let lines = log.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
        let hex64 = payload.map { String(format: "%02X", $0) }.joined()
        // candump prints the frame's flags: the kernel (6.1) adds CANFD_FDF (4) to our BRS (1).
        #expect(lines == ["vcan1 321##5" + hex64, "vcan1 12345678##40102030405060708090A0B0C"], "candump -L: \(log)")
        // And the other way: cansend's FD syntax into our link.
        #expect(Self.sh("cansend vcan1 456##1" + String(repeating: "AB", count: 48)).0 == 0)
        let got = Self.collect(link, 1)
        #expect(got.first?.frame == (try CANFrame(id: .standard(0x456), data: [UInt8](repeating: 0xAB, count: 48), fd: true, bitRateSwitch: true)))
        // A classic link refuses FD frames.
        let classic = try SocketCANLink(interface: "vcan0")
        defer { classic.close() }
        guard case .refused(let e) = classic.send(try CANFrame(id: .standard(1), data: [UInt8](repeating: 0, count: 12), fd: true)) else {
            Issue.record("FD frame accepted on mtu-16 vcan0")
            return
        }
        #expect(e.kind == .unsupported)
    }

    @Test func kernelFiltersKeepOtherFramesOut() throws {
        var options = SocketCANLink.Options()
        options.filters = [.exact(.standard(0x123)), CANFilter(id: .extended(0x1800_0000), mask: 0x1F00_0000)]
        let link = try SocketCANLink(interface: "vcan0", options: options)
        defer { link.close() }
        let (rc, out) = Self.sh("for f in 124#01 123#02 00000123#03 18FF0001#04 19000000#05 523#06 123#07; do cansend vcan0 $f || exit 1; done")
        #expect(rc == 0, "\(out)")
        let got = Self.collect(link, 4, seconds: 3)
        #expect(got.map { $0.frame.data } == [[0x02], [0x04], [0x07]], "only 123 (standard) and 18xxxxxx (extended) may pass")
    }

    @Test func injectedErrorFramesBecomeReportsAndEvents() throws {
        let link = try SocketCANLink(interface: "vcan0")
        defer { link.close() }
        // cansend with 8 id digits and CAN_ERR_FLAG (0x20000000) sends an error frame; vcan
        // loops it back and the kernel delivers it to sockets whose CAN_RAW_ERR_FILTER matches.
        #expect(Self.sh("cansend vcan0 20000240#00000000000000F8 && cansend vcan0 20000004#0030000000000000").0 == 0)
        // And from a second link of ours: a "restarted" report.
        let injector = try SocketCANLink(interface: "vcan0")
        defer { injector.close() }
        #expect(injector.send(CANErrorReport(classes: [.restarted]).frame()) == .sent)
        let got = Self.collect(link, 3)
        let reports = got.compactMap { CANErrorReport($0.frame) }
        #expect(reports.count == 3)
        #expect(reports.first?.classes == [.busOff, .counters])
        #expect(reports.first?.txErrorCount == 0)
        #expect(reports.first?.rxErrorCount == 0xF8)
        #expect(reports.dropFirst().first?.controller == [.rxPassive, .txPassive])
        var events: [CANControllerEvent] = []
        while let e = link.nextEvent() { events.append(e) }
        #expect(events == [.busOff, .errorPassive([.rxPassive, .txPassive]), .restarted])
        #expect(link.statistics.errorFrames == 3)
        // A link that asked for no error classes sees none.
        var quiet = SocketCANLink.Options()
        quiet.errorClasses = []
        let q = try SocketCANLink(interface: "vcan0", options: quiet)
        defer { q.close() }
        #expect(Self.sh("cansend vcan0 20000040#0000000000000000 && cansend vcan0 111#01").0 == 0)
        #expect(Self.collect(q, 2, seconds: 2).map { $0.frame.id } == [.standard(0x111)])
    }

    @Test func interfaceDownIsLostAndUpReopens() throws {
        let link = try SocketCANLink(interface: "vcan2")
        defer { link.close() }
        #expect(Self.sh("ip link set vcan2 down").0 == 0)
        var lost = false
        for _ in 0..<200 where !lost {
            if case .lost = link.state { lost = true } else { usleep(10_000) }
        }
        #expect(lost, "state after down: \(link.state)")
        guard case .refused = link.send(try CANFrame(id: .standard(1), data: [1])) else {
            Issue.record("send on a lost link was not refused")
            return
        }
        #expect(Self.sh("ip link set vcan2 up").0 == 0)
        for _ in 0..<300 where !link.state.isOpen { usleep(10_000) }
        #expect(link.state == .open)
        #expect(link.statistics.reconnects == 1)
        #expect(Self.sh("cansend vcan2 222#22").0 == 0)
        #expect(Self.collect(link, 1).first?.frame.id == .standard(0x222))
    }

    @Test func interfaceControlIsRefusedOnVcanAndLo() {
        do {
            _ = try CANInterfaceControl(interface: "vcan0")
            Issue.record("vcan0 accepted for interface control")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.description.contains("kind vcan"))
        }
        do {
            _ = try CANInterfaceControl(interface: "lo")
            Issue.record("lo accepted for interface control")
        } catch {
            #expect(error.kind == .notACANInterface)
        }
        // lo was not touched: still up, mtu unchanged.
        #expect(Self.sh("ip link show lo").1.contains("UP"))
        // And a CAN link on lo is refused the same way.
        #expect(throws: LinkError.self) { try SocketCANLink(interface: "lo") }
    }

    // MARK: ISO-TP against the kernel's can-isotp

    static let isotpSizes = [1, 7, 8, 62, 63, 100, 4095]

    static func payload(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) } }

    static func channel() throws -> ISOTPChannel {
        var options = SocketCANLink.Options()
        options.filters = [.exact(.standard(0x708))]
        let link = try SocketCANLink(interface: "vcan0", options: options)
        return try ISOTPChannel(link: link, txID: .standard(0x700), rxID: .standard(0x708))
    }

    @Test func isotpOursToKernelIsotprecv() throws {
        let ch = try Self.channel()
        defer { ch.link.close() }
        for n in Self.isotpSizes {
            // One isotprecv per message (without -l it exits after one PDU): no signals needed.
            let log = "/tmp/sc-isotprecv-\(n).log"
            let recv = try Self.background("exec timeout 30 isotprecv -s 708 -d 700 vcan0 > \(log) 2>&1")
            usleep(1_000_000)
            let state = try ch.sendAndWait(Self.payload(n))
            #expect(state == .completed, "payload \(n): \(state)")
            recv.waitUntilExit()
            let line = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let expected = Self.payload(n).map { String(format: "%02X", $0) }.joined(separator: " ")
            #expect(recv.terminationStatus == 0, "isotprecv for \(n) bytes exited \(recv.terminationStatus)")
            #expect(line == expected, "\(n) bytes: isotprecv printed \(line.count) chars '\(line.prefix(30))...\(line.suffix(30))', wanted \(expected.count) chars")
        }
    }

    @Test func isotpKernelIsotpsendToOurs() throws {
        let ch = try Self.channel()
        defer { ch.link.close() }
        for n in Self.isotpSizes {
            let hex = Self.payload(n).map { String(format: "%02X", $0) }.joined(separator: " ")
            try hex.write(toFile: "/tmp/sc-isotpsend.txt", atomically: true, encoding: .utf8)
            let send = try Self.background("isotpsend -s 708 -d 700 vcan0 < /tmp/sc-isotpsend.txt")
            let got = ch.receiveMessage(timeout: .seconds(10))
            send.waitUntilExit()
            #expect(send.terminationStatus == 0, "isotpsend \(n)")
            #expect(got == Self.payload(n), "payload \(n): got \(got?.count ?? -1) bytes")
        }
        #expect(ch.receiverCounts.messages == Self.isotpSizes.count)
    }
}
