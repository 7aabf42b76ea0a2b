import FlightHAL
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SerialPort over real PTYs (the termios backend): a ``PseudoTerminal`` plays the device.
@Suite struct SerialPortPTYTests {
    @Test(arguments: [9600, 115_200, 921_600, 250_000])
    func exactBytesBothWaysAt(baud: Int) throws {
        let pty = try PseudoTerminal(name: "device")
        defer { pty.close() }
        let port = try SerialPort(path: pty.slavePath, configuration: .baud(baud))
        defer { port.close() }
        #expect(port.backend == .termios, "libserialport cannot open a PTY; termios must have taken it")
        #expect(port.state == .open)

        let down = SerialTestSupport.pattern(2000, seed: UInt8(baud % 251))
        #expect(SerialTestSupport.writeAll(port, down))
        #expect(SerialTestSupport.readExactly(pty, down.count) == down)
        let up = SerialTestSupport.pattern(2000, seed: 3)
        #expect(SerialTestSupport.writeAll(pty, up))
        #expect(SerialTestSupport.readExactly(port, up.count) == up)
        #expect(port.statistics.bytesSent == 2000)
        #expect(port.statistics.bytesReceived == 2000)

        // The slave really carries the requested settings.
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        if fd >= 0 {  // (exclusive open does not stop root)
            defer { close(fd) }
            var t = termios()
            tcgetattr(fd, &t)
            #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
            #expect(t.c_lflag & tcflag_t(ICANON | ECHO) == 0)
            if baud != 250_000 {
                #expect(Int(cfgetospeed(&t)) == Int([9600: B9600, 115_200: B115200, 921_600: B921600][baud]!))
            }
        }
    }

    @Test func otherCharacterFormatsAndFlowControlAreApplied() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let config = SerialConfiguration(baudRate: 19200, dataBits: 7, parity: .even, stopBits: 2, flowControl: .xonXoff,
                                         exclusive: false)
        let port = try SerialPort(path: pty.slavePath, configuration: config)
        defer { port.close() }
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        try #require(fd >= 0)
        defer { close(fd) }
        var t = termios()
        tcgetattr(fd, &t)
        // A PTY has no line: Linux forces CS8 without parity there (documented), and keeps the rest.
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & tcflag_t(CSTOPB) == tcflag_t(CSTOPB))
        #expect(Int(cfgetospeed(&t)) == Int(B19200))
        #expect(t.c_iflag & tcflag_t(IXON | IXOFF) == tcflag_t(IXON | IXOFF))
        #expect(port.modemStatus == nil, "a PTY has no modem lines")
        #expect(port.setDTR(true) == false)
    }

    @Test(arguments: [
        (SerialConfiguration.baud(0), "baud 0 is not supported"),
        (SerialConfiguration.baud(5_000_000), "baud 5000000 is not supported; use 1 to 4000000"),
        (SerialConfiguration(dataBits: 9), "9 data bits is not supported; use 5, 6, 7 or 8"),
        (SerialConfiguration(stopBits: 3), "3 stop bits is not supported; use 1 or 2"),
    ])
    func invalidConfigurationsAreRefusedWithAReason(config: SerialConfiguration, reason: String) {
        do {
            _ = try SerialPort(path: "/dev/null-not-touched", configuration: config)
            Issue.record("\(config) was accepted")
        } catch {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.device == "/dev/null-not-touched")
            #expect(error.detail.hasPrefix(reason), "\(error.detail)")
        }
    }

    @Test func aMissingDeviceAndANonTerminalAreReported() {
        #expect(throws: LinkError(.notFound, device: "/dev/regolith-no-such-port", errno: ENOENT, detail: "open failed")) {
            try SerialPort(path: "/dev/regolith-no-such-port")
        }
        do {
            _ = try SerialPort(path: "/dev/null")
            Issue.record("/dev/null opened as a serial port")
        } catch {
            #expect(error.kind == .unsupported)
        }
    }

    @Test func exclusiveOpenKeepsOthersOut() throws {
        // TIOCEXCL does not stop root; only check where we are not root.
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let port = try SerialPort(path: pty.slavePath, configuration: SerialConfiguration(exclusive: true))
        defer { port.close() }
        if geteuid() != 0 {
            #expect(throws: LinkError.self) { try SerialPort(path: pty.slavePath) }
        }
    }

    @Test func theDeviceVanishingIsReportedAndTheLinkReopensWhenItReturns() throws {
        // The PTY's other side closing is a hang-up on the slave: the link must go lost and
        // come back by itself once the slave is usable again (here: a new peer on the master
        // side of a new pair, reached through a symlink as socat's link= does).
        let dir = "/tmp/regolith-serial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o700)
        defer { rmdir(dir) }
        let link = dir + "/dev"
        var pty: PseudoTerminal? = try PseudoTerminal()
        symlink(pty!.slavePath, link)
        defer { unlink(link) }
        let port = try SerialPort(path: link, reopenInterval: 10)
        defer { port.close() }
        #expect(SerialTestSupport.writeAll(pty!, [1, 2, 3]))
        #expect(SerialTestSupport.readExactly(port, 3) == [1, 2, 3])

        pty!.close()
        pty = nil
        unlink(link)
        #expect(SerialTestSupport.eventually { if case .lost = port.state { true } else { false } })
        if case .lost(let e) = port.state { #expect(e.kind == .disconnected) } else { Issue.record("not lost: \(port.state)") }
        #expect(port.backend == nil)
        #expect([UInt8]([1]).withUnsafeBytes { port.write($0) } == 0)

        let again = try PseudoTerminal()
        defer { again.close() }
        symlink(again.slavePath, link)
        #expect(SerialTestSupport.eventually { port.state == .open })
        #expect(port.statistics.reconnects == 1)
        #expect(SerialTestSupport.writeAll(port, [4, 5]))
        #expect(SerialTestSupport.readExactly(again, 2) == [4, 5])
        #expect(SerialTestSupport.writeAll(again, [6, 7, 8]))
        #expect(SerialTestSupport.readExactly(port, 3) == [6, 7, 8])
    }
}
