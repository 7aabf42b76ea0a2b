import FlightHAL
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PseudoTerminalTests {
    @Test func bytesCrossBothWaysExactlyInRawMode() throws {
        let pty = try PseudoTerminal(name: "emulator")
        defer { pty.close() }
        #expect(pty.slavePath.hasPrefix("/dev/pts/"))
        let peer = SerialTestSupport.openRawPeer(pty.slavePath)
        try #require(peer >= 0, "could not open \(pty.slavePath)")
        defer { close(peer) }

        let toPeer = SerialTestSupport.pattern(3000)
        #expect(SerialTestSupport.writeAll(pty, toPeer))
        #expect(SerialTestSupport.readExactly(peer, toPeer.count) == toPeer)

        let fromPeer = SerialTestSupport.pattern(3000, seed: 5)
        #expect(SerialTestSupport.writeAll(peer, fromPeer))
        #expect(SerialTestSupport.readExactly(pty, fromPeer.count) == fromPeer)
        #expect(pty.statistics.bytesSent == 3000)
        #expect(pty.statistics.bytesReceived == 3000)
        #expect(pty.statistics.receiveOverruns == 0)
    }

    @Test func thePeerHangingUpIsReportedAndANewPeerReconnects() throws {
        let pty = try PseudoTerminal(name: "emulator", reopenCheckInterval: 5)
        defer { pty.close() }
        let first = SerialTestSupport.openRawPeer(pty.slavePath)
        try #require(first >= 0)
        #expect(SerialTestSupport.writeAll(first, [1, 2, 3]))
        #expect(SerialTestSupport.readExactly(pty, 3) == [1, 2, 3])
        close(first)

        #expect(SerialTestSupport.eventually { if case .lost = pty.state { true } else { false } })
        guard case .lost(let error) = pty.state else { Issue.record("not lost: \(pty.state)"); return }
        #expect(error.kind == .disconnected)
        #expect(error.device == pty.slavePath)
        // While nobody listens, sends are refused and counted.
        let refusedBefore = pty.statistics.sendRefused
        #expect([UInt8]([9]).withUnsafeBytes { pty.write($0) } == 0)
        #expect(pty.statistics.sendRefused == refusedBefore + 1)

        let second = SerialTestSupport.openRawPeer(pty.slavePath)
        try #require(second >= 0)
        defer { close(second) }
        #expect(SerialTestSupport.eventually { pty.state == .open })
        #expect(pty.statistics.reconnects == 1)
        #expect(SerialTestSupport.writeAll(pty, [7, 8]))
        #expect(SerialTestSupport.readExactly(second, 2) == [7, 8])
        #expect(SerialTestSupport.writeAll(second, [4, 5, 6]))
        #expect(SerialTestSupport.readExactly(pty, 3) == [4, 5, 6])
    }

    @Test func aFullRingCountsOverrunsAndCloseIsIdempotent() throws {
        let pty = try PseudoTerminal(receiveCapacity: 16)
        let peer = SerialTestSupport.openRawPeer(pty.slavePath)
        try #require(peer >= 0)
        defer { close(peer) }
        #expect(SerialTestSupport.writeAll(peer, SerialTestSupport.pattern(100)))
        #expect(SerialTestSupport.eventually { pty.statistics.receiveOverruns == 84 })
        #expect(SerialTestSupport.readExactly(pty, 16) == Array(SerialTestSupport.pattern(16)))
        pty.close()
        pty.close()
        #expect(pty.state == .closed)
        #expect([UInt8]([1]).withUnsafeBytes { pty.write($0) } == 0)
    }
}
