import FlightHAL
import Foundation
import Testing

/// The TCP link on real loopback sockets.
@Suite(.serialized) struct TCPByteLinkTests {
    @Test func aMegabyteCrossesInOrderBothWays() throws {
        let server = try TCPByteLink.listening(on: TCPEndpoint(host: TCPEndpoint.loopback, port: 0), capacity: 4096)
        defer { server.close() }
        #expect(server.port != 0)
        let client = TCPByteLink.connecting(to: TCPEndpoint(host: "localhost", port: server.port))
        defer { client.close() }
        #expect(client.state == .open)
        #expect(waitUntil { server.state == .open })

        for (from, to) in [(client, server), (server, client)] {
            let total = 1_000_000
            let pattern = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
            var written = 0, received: [UInt8] = [], idle = 0
            var buffer = [UInt8](repeating: 0, count: 8192)
            received.reserveCapacity(total)
            while received.count < total && idle < 30_000 {
                if written < total { written += pattern[written...].prefix(16384).withUnsafeBytes { from.write($0) } }
                let n = buffer.withUnsafeMutableBytes { to.read(into: $0) }
                received += buffer[0..<n]
                if n == 0 { idle += 1; usleep(100) } else { idle = 0 }
            }
            #expect(received == pattern)
        }
    }

    @Test func theServerTakesTheNextClientAndCountsTheReconnect() throws {
        let server = try TCPByteLink.listening(port: 0)  // loopback by default
        defer { server.close() }
        #expect(server.endpoint.isLoopback)
        let first = TCPByteLink.connecting(to: TCPEndpoint(host: "127.0.0.1", port: server.port))
        #expect(waitUntil { server.state == .open })
        first.close()
        #expect(waitUntil { !server.state.isOpen })
        let second = TCPByteLink.connecting(to: TCPEndpoint(host: "127.0.0.1", port: server.port))
        defer { second.close() }
        #expect(waitUntil { server.state == .open })
        #expect(server.statistics.reconnects == 1)
        #expect(server.connectionCount == 2)
        _ = [UInt8]([1, 2, 3]).withUnsafeBytes { second.write($0) }
        var buf = [UInt8](repeating: 0, count: 8)
        #expect(waitUntil { buf.withUnsafeMutableBytes { server.read(into: $0) } == 3 })
    }

    @Test func aClientWaitsForItsServer() throws {
        // A port nothing listens on (bound and closed again).
        let probe = try TCPByteLink.listening(on: TCPEndpoint(host: "127.0.0.1", port: 0))
        let port = probe.port
        probe.close()
        let client = TCPByteLink.connecting(to: TCPEndpoint(host: "127.0.0.1", port: port), retryInterval: 20)
        defer { client.close() }
        guard case .lost(let e) = client.state else {
            Issue.record("expected lost, got \(client.state)")
            return
        }
        #expect(e.kind == .notFound)
        #expect(client.write(UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        let server = try TCPByteLink.listening(on: TCPEndpoint(host: "127.0.0.1", port: port))
        defer { server.close() }
        #expect(waitUntil { client.state == .open && server.state == .open })
    }

    @Test func badAddressesAreRefusedWithAReason() {
        #expect(throws: LinkError.self) { _ = try TCPByteLink.listening(on: TCPEndpoint(host: "example.org", port: 0)) }
        let c = TCPByteLink.connecting(to: TCPEndpoint(host: "not-an-address", port: 1))
        defer { c.close() }
        guard case .failed(let e) = c.state else {
            Issue.record("expected failed, got \(c.state)")
            return
        }
        #expect(e.kind == .invalidConfiguration)
        #expect(TCPEndpoint(host: "127.0.0.9", port: 1).isLoopback)
        #expect(!TCPEndpoint(host: "0.0.0.0", port: 1).isLoopback)
    }
}
