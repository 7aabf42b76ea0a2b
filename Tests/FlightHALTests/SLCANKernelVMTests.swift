import FlightHAL
import FlightWire
import Foundation
import Synchronization
import Testing

/// Inside the test VM only (Tests/vm/guest.d/40-slcan-kernel.sh): the three backends meet the
/// real Linux slcan driver. Our SLCAN adapter emulator holds a PTY; `slcand` attaches the
/// kernel's slcan line discipline to it, which makes the CAN netdev slcan0. Then libsocketcan
/// (through CANInterfaceControl) sets the bitrate and brings it up, so the driver sends the
/// emulator `C`, `S6`, `O`; our SocketCANLink exchanges frames with the emulator's CAN side
/// through the kernel; and the emulator's `s` status lines move the kernel's controller state
/// (error-passive, bus-off), which both libsocketcan and the link's error frames report.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["REGOLITH_IN_VM"] == "1"))
struct SLCANKernelVMTests {
    /// The emulator as a child process: commands on stdin, its lines collected from stdout.
    final class EmulatorProcess: Sendable {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()
        private let lines = Mutex<[String]>([])

        init() throws {
            let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            process.executableURL = bin.appendingPathComponent("slcan-emulator")
            process.standardInput = input
            process.standardOutput = output
            output.fileHandleForReading.readabilityHandler = { [self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                self.lines.withLock { $0 += text.split(separator: "\n").map(String.init) }
            }
            try process.run()
        }

        func send(_ command: String) { input.fileHandleForWriting.write(Data((command + "\n").utf8)) }

        /// The first line starting with `prefix` seen so far, waiting up to `seconds`.
        func waitForLine(startingWith prefix: String, seconds: Double = 10) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let l = lines.withLock({ $0.first { $0.hasPrefix(prefix) } }) { return l }
                usleep(20_000)
            }
            return nil
        }

        /// The emulator's `status` line as key=value pairs.
        func status() -> [String: String] {
            lines.withLock { $0.removeAll { $0.hasPrefix("status ") } }
            send("status")
            guard let line = waitForLine(startingWith: "status ") else { return [:] }
            return Dictionary(uniqueKeysWithValues: line.split(separator: " ").dropFirst().compactMap { kv in
                let p = kv.split(separator: "=", maxSplits: 1)
                return p.count == 2 ? (String(p[0]), String(p[1])) : nil
            })
        }

        func stop() {
            output.fileHandleForReading.readabilityHandler = nil
            send("quit")
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // SIGTERM is ignored here
            process.waitUntilExit()
        }
    }

    func waitUntil(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func receive(_ link: SocketCANLink, seconds: Double = 5) -> CANFrame? {
        var got: CANFrame?
        _ = waitUntil(seconds: seconds) {
            while let r = link.receive() {
                if !r.frame.isError {
                    got = r.frame
                    return true
                }
            }
            return false
        }
        return got
    }

    func events(_ link: SocketCANLink, until wanted: (CANControllerEvent) -> Bool) -> [CANControllerEvent] {
        var seen: [CANControllerEvent] = []
        _ = waitUntil {
            while let r = link.receive() { _ = r }  // error frames feed the event queue
            while let e = link.nextEvent() { seen.append(e) }
            return seen.contains(where: wanted)
        }
        return seen
    }

    func step(_ s: String) { FileHandle.standardError.write(Data("step: \(s)\n".utf8)) }

    @Test func kernelSLCANDriverBetweenOurSocketCANLinkAndOurEmulator() throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let ptyLine = try #require(emulator.waitForLine(startingWith: "pty "), "the emulator did not open a PTY")
        let pty = String(ptyLine.dropFirst(4))

        // slcand attaches the kernel's slcan driver to the PTY (foreground, no -s/-o: the
        // bitrate and open come from libsocketcan below, through the driver).
        let slcand = Process()
        slcand.executableURL = URL(fileURLWithPath: "/usr/bin/slcand")
        slcand.arguments = ["-F", pty, "slcan0"]
        try slcand.run()
        defer {
            // The test runner's children ignore SIGTERM, so stop slcand outright; closing the
            // emulator's PTY afterwards hangs up the line and the kernel removes slcan0.
            kill(slcand.processIdentifier, SIGKILL)
            slcand.waitUntilExit()
        }
        #expect(waitUntil { FileManager.default.fileExists(atPath: "/sys/class/net/slcan0") }, "slcan0 did not appear")

        // libsocketcan on a real CAN netdev: the link-type check passes, the bitrate is set.
        let control = try CANInterfaceControl(interface: "slcan0")
        #expect(control.kind == "can")
        try control.setBitrate(500_000)
        #expect(try control.bitrate() == 500_000)
        try control.start()
        #expect(waitUntil { emulator.status()["open"] == "1" }, "the driver did not open the adapter")
        let status = emulator.status()
        #expect(status["bitrate"] == "6", "the driver did not send S6 (500 kbit/s): \(status)")
        #expect(status["listen"] == "0")

        // Frames through the kernel: ours out to the emulator's bus, its echo back.
        step("link open")
        var options = SocketCANLink.Options()
        options.errorClasses = .all
        let link = try SocketCANLink(interface: "slcan0", options: options)
        defer { link.close() }
        step("sending 5A1")
        #expect(link.send(try CANFrame(id: .standard(0x5A1), data: [0x11, 0x22])) == .sent)
        #expect(emulator.waitForLine(startingWith: "rx std 5A1 1122") != nil, "the emulator's bus did not get our frame")
        step("waiting for echo")
        let echo = try #require(receive(link), "no echo came back through slcan0")
        #expect(echo.id == .standard(0x5A2) && echo.data == [0x22, 0x11])

        step("ext frame")
        emulator.send("send ext 1ABCDE 0102")
        let ext = try #require(receive(link), "the emulator's frame did not arrive")
        #expect(ext.id == .extended(0x1ABCDE) && ext.data == [0x01, 0x02])

        // Controller state moved by the adapter's status lines, seen by libsocketcan and by
        // the link's error frames.
        step("passive")
        emulator.send("fault passive")
        #expect(waitUntil { (try? control.state()) == .errorPassive }, "state: \(String(describing: try? control.state()))")
        let passive = events(link) { if case .errorPassive = $0 { true } else { false } }
        #expect(passive.contains { if case .errorPassive = $0 { true } else { false } }, "events: \(passive)")

        step("busoff")
        emulator.send("fault busoff")
        #expect(waitUntil { (try? control.state()) == .busOff }, "state: \(String(describing: try? control.state()))")
        let busOff = events(link) { $0 == .busOff }
        #expect(busOff.contains(.busOff), "events: \(busOff)")

        step("stop")
        // Down through libsocketcan: the driver closes the adapter ('C').
        try control.stop()
        #expect(waitUntil { emulator.status()["open"] == "0" }, "the driver did not close the adapter")

        // A bitrate change through libsocketcan reaches the adapter as S5 on the next open.
        step("bitrate change")
        try control.setBitrate(250_000)
        #expect(try control.bitrate() == 250_000)
        try control.start()
        #expect(waitUntil { emulator.status()["open"] == "1" }, "the driver did not reopen the adapter")
        #expect(emulator.status()["bitrate"] == "5", "the driver did not send S5 (250 kbit/s)")
        #expect(waitUntil { (try? control.state()) == .errorActive }, "a fresh open starts error-active")
        try control.stop()
        #expect(waitUntil { emulator.status()["open"] == "0" })

        step("listen-only")
        // Listen-only: the 6.1 slcan driver has no listen-only mode ('L' came later), so the
        // kernel refuses the control mode and libsocketcan reports it; if a newer kernel takes
        // it, the adapter must then be opened with 'L'.
        do {
            try control.setListenOnly(true)
            try control.start()
            #expect(waitUntil { emulator.status()["listen"] == "1" }, "listen-only accepted but the adapter was not opened with L")
            try control.stop()
            step("listen-only accepted; the adapter was opened with L")
        } catch {
            step("listen-only refused: \(error)")
            #expect(String(describing: error).contains("slcan0"), "a refusal names the interface: \(error)")
        }
    }
}
