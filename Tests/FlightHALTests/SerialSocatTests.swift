import FlightHAL
import Foundation
import Testing

/// A real peer: `socat` makes a PTY pair reachable through two symlinks. Killing socat makes
/// the PTY vanish (the symlinks go too); starting it again with the same link names brings
/// it back, and the SerialPort must reopen it by itself.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"), "needs socat (make test-deps)"))
struct SerialSocatTests {
    final class Socat {
        let process = Process()
        init(_ a: String, _ b: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
            process.arguments = ["pty,raw,echo=0,link=\(a)", "pty,raw,echo=0,link=\(b)"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            _ = SerialTestSupport.eventually { FileManager.default.fileExists(atPath: a) && FileManager.default.fileExists(atPath: b) }
        }
        /// SIGKILL: the test runner's children inherit a signal mask that can block SIGTERM.
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        deinit { stop() }
    }

    @Test func thePTYVanishingIsLostAndItsReturnReopensTheLink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("regolith-socat-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let x = dir + "/x", y = dir + "/y"

        var socat = try Socat(x, y)
        let port = try SerialPort(path: x, configuration: .baud(115_200), reopenInterval: 20)
        defer { port.close() }
        #expect(port.backend == .termios)
        var peer = SerialTestSupport.openRawPeer(y)
        try #require(peer >= 0)
        #expect(SerialTestSupport.writeAll(port, Array("before".utf8)))
        #expect(SerialTestSupport.readExactly(peer, 6) == Array("before".utf8))

        close(peer)
        socat.stop()
        // socat killed outright leaves its links behind, dangling; the PTYs are gone.
        unlink(x)
        unlink(y)
        #expect(SerialTestSupport.eventually { if case .lost = port.state { true } else { false } })
        guard case .lost(let error) = port.state else { Issue.record("not lost after socat exited: \(port.state)"); return }
        #expect(error.kind == .disconnected)
        #expect(error.device == x)
        #expect(port.statistics.reconnects == 0)

        socat = try Socat(x, y)
        #expect(SerialTestSupport.eventually { port.state == .open })
        #expect(port.statistics.reconnects == 1)
        peer = SerialTestSupport.openRawPeer(y)
        try #require(peer >= 0)
        defer { close(peer) }
        let after = SerialTestSupport.pattern(1000, seed: 9)
        #expect(SerialTestSupport.writeAll(port, after))
        #expect(SerialTestSupport.readExactly(peer, after.count) == after)
        #expect(SerialTestSupport.writeAll(peer, Array("after".utf8)))
        #expect(SerialTestSupport.readExactly(port, 5) == Array("after".utf8))
        socat.stop()
    }
}
