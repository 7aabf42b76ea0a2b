import FlightHAL
import FlightWire
import Testing

/// The emulator driven with raw bytes: exactly what the Linux 6.1 slcan driver, slcand and
/// python-can 4.6.1 write, and what they get back.
@Suite struct SLCANAdapterEmulatorTests {
    struct Bench {
        let host: SimulatedByteLink
        let emulator: SLCANAdapterEmulator
        let peer: SimulatedFrameLink

        init(_ configuration: SLCANAdapterEmulator.Configuration = .init(), fd: Bool = false) {
            let (host, device) = SimulatedByteLink.pair("host", "adapter")
            let bus = SimulatedFrameBus(supportsFD: fd)
            let node = bus.attach("adapter")
            peer = bus.attach("peer")
            self.host = host
            emulator = SLCANAdapterEmulator(byteSide: device, canSide: node, configuration: configuration,
                                            millisecondClock: { 1234 })
        }

        /// Writes `text`, lets the emulator answer, returns its answer as text.
        func exchange(_ text: String) -> String {
            writeText(host, text)
            emulator.pump()
            return drainText(host)
        }
    }

    @Test func answersTheLinux61DriverAndSlcand() throws {
        let b = Bench()
        // slcand -o -c -s6 -f: "C\rS6\r", "F\r", "O\r" before attaching the line discipline;
        // then `ip link set slcan0 up` (bitrate set with ip): "C\rS6\r", "F\r", "O\r" again.
        #expect(b.exchange("C\rS6\r") == "\\r\\r")
        #expect(b.exchange("F\r") == "F00\\r")
        #expect(b.exchange("O\r") == "\\r")
        #expect(b.exchange("C\rS6\r") == "\\r\\r")
        #expect(b.exchange("F\r") == "F00\\r")
        #expect(b.exchange("O\r") == "\\r")
        #expect(b.emulator.snapshot.isOpen && b.emulator.snapshot.bitrate == .kbps500)
        // slcand -b 031C: "C\rs031C\r".
        #expect(b.exchange("C\rs031C\r") == "\\r\\r")
        #expect(b.emulator.snapshot.bitTiming == 0x031C && b.emulator.snapshot.bitrate == nil)
        #expect(b.exchange("O\r") == "\\r")
        // A frame from the kernel (cansend slcan0 5A1#1122), acknowledged Lawicel-style.
        #expect(b.exchange("t5A121122\r") == "z\\r")
        #expect(b.peer.receive()?.frame == (try CANFrame(id: .standard(0x5A1), data: [0x11, 0x22])))
        #expect(b.exchange("T12ABCDEF2AA55\r") == "Z\\r")
        #expect(b.exchange("r1230\r") == "z\\r")
        // A frame from the bus, as the driver parses it.
        #expect(b.peer.send(try CANFrame(id: .standard(0x123), data: [0x1A, 0x2B, 0x3C])) == .sent)
        #expect(b.exchange("") == "t12331A2B3C\\r")
        // State and error lines in the driver's format ('s' state rx tx, 'e' count letters).
        b.emulator.inject(.controllerState(.errorWarning, receiveErrors: 57, transmitErrors: 96))
        b.emulator.inject(.busErrors([.bit0, .crc, .transmitOverrun]))
        b.emulator.inject(.controllerState(.busOff))
        #expect(b.exchange("") == "sw057096\\re3bcO\\rsb000256\\r")
        #expect(b.exchange("t1230\r") == "\\a")  // bus-off: no transmit
        #expect(b.exchange("F\r") == "F84\\r")  // error warning + bus error
        #expect(b.exchange("F\r") == "F00\\r")  // reading cleared them
        // `ip link set slcan0 down`: "C\r".
        #expect(b.exchange("C\r") == "\\r")
        #expect(!b.emulator.snapshot.isOpen)
    }

    @Test func answersPythonCanSlcan() throws {
        let b = Bench()
        // can.Bus(interface="slcan", bitrate=500000): C, S6, an empty data-bitrate line, O, O.
        #expect(b.exchange("C\rS6\r\rO\rO\r") == "\\r\\r\\r\\r\\a")
        #expect(b.exchange("V\rN\r") == "V1013\\rNRG01\\r")
        #expect(b.exchange("t12331A2B3C\r") == "z\\r")
        // Listen-only (listen_only=True): 'L'; transmits refused.
        #expect(b.exchange("C\rL\rt1230\r") == "\\r\\r\\a")
        // Bit rates python-can has and Lawicel does not (S9 = 83.3 kbit/s) are refused.
        #expect(b.exchange("C\rS9\r") == "\\r\\a")
    }

    @Test func refusesWhatARealAdapterRefuses() {
        let b = Bench()
        #expect(b.exchange("t1230\r") == "\\a")  // closed
        #expect(b.exchange("O\rS4\rZ1\rO\r") == "\\r\\a\\a\\a")  // settings only while closed
        #expect(b.exchange("hello\rt8001\r" + String(repeating: "A", count: 300) + "\r") == "\\a\\a\\a")
        #expect(b.exchange("d1239" + String(repeating: "00", count: 12) + "\r") == "\\a")  // FD on a classic bus
        #expect(b.emulator.statistics.malformed == 3)
        #expect(b.emulator.statistics.commandsRefused == 5)

        var strict = SLCANAdapterEmulator.Configuration()
        strict.defaultBitrate = nil
        strict.transmitReply = .carriageReturn
        let s = Bench(strict)
        #expect(s.exchange("O\rS6\rO\rt1230\r") == "\\a\\r\\r\\r")
    }

    @Test func timestampsFollowTheAdapterClockAndFramesAreDroppedWhileClosed() throws {
        let b = Bench()
        #expect(b.peer.send(try CANFrame(id: .standard(1), data: [])) == .sent)
        #expect(b.exchange("") == "")
        #expect(b.emulator.statistics.framesDropped == 1)
        #expect(b.exchange("Z1\rO\r") == "\\r\\r")
        #expect(b.peer.send(try CANFrame(id: .extended(0x1FFF_FFFF), data: [0xFF])) == .sent)
        #expect(b.exchange("") == "T1FFFFFFF1FF04D2\\r")  // 1234 ms
    }

    @Test func aRealPTYCarriesTheSameBytes() throws {
        let pty = try PseudoTerminal(name: "slcan-pty")
        let bus = SimulatedFrameBus()
        let emulator = SLCANAdapterEmulator(byteSide: pty, canSide: bus.attach("adapter"))
        let peer = bus.attach("peer")
        let slave = try SLCANTestTerminal(path: pty.slavePath)
        defer { slave.close(); pty.close() }
        slave.write("C\rS6\rO\rt12331A2B3C\r")
        var answer = ""
        for _ in 0..<5000 where answer.utf8.count < 5 {
            emulator.pump()
            answer += slave.readAvailable()
            Syscall.sleep(milliseconds: 1)
        }
        #expect(answer == "\r\r\rz\r")
        #expect(peer.receive()?.frame == (try CANFrame(id: .standard(0x123), data: [0x1A, 0x2B, 0x3C])))
    }

    @Test func ourLinkOverASerialPortTalksToTheEmulatorOnAPTY() throws {
        // Everything real but the CAN bus: the emulator on a PTY master (on its own thread, as
        // a simulator runs it), SLCANLink over a SerialPort opening the slave.
        let pty = try PseudoTerminal(name: "slcan-pty")
        let bus = SimulatedFrameBus()
        let emulator = SLCANAdapterEmulator(byteSide: pty, canSide: bus.attach("adapter"))
        let peer = bus.attach("peer")
        let stop = Cancellation()
        let thread = LinkThread.spawn { emulator.run(until: stop) }
        defer {
            stop.cancel()
            thread.join()
            pty.close()
        }
        var configuration = SLCANLink.Configuration()
        configuration.bitrate = .kbps250
        configuration.timestamps = true
        let link = SLCANLink(over: try SerialPort(path: pty.slavePath), configuration: configuration)
        defer { link.close() }
        link.open()
        #expect(link.waitUntilOpen(timeoutMilliseconds: 5000) == .open)
        #expect(emulator.snapshot.bitrate == .kbps250 && emulator.snapshot.timestamps)

        let out = try CANFrame(id: .extended(0x18FE_F100), data: [0xCA, 0xFE])
        #expect(link.send(out) == .sent)
        let inbound = try CANFrame(id: .standard(0x321), data: [1, 2, 3])
        #expect(peer.send(inbound) == .sent)
        var got: ReceivedFrame?
        var atPeer: CANFrame?
        for _ in 0..<5000 where got == nil || atPeer == nil {
            if got == nil { got = link.receive() }
            if atPeer == nil { atPeer = peer.receive()?.frame }
            Syscall.sleep(milliseconds: 1)
        }
        #expect(atPeer == out)
        #expect(got?.frame == inbound)
        #expect(got?.timestampSource == .adapter)
        #expect(link.statistics.malformed == 0)
    }
}
