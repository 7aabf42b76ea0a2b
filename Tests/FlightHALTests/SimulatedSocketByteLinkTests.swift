import FlightHAL
import Foundation
import Testing

@Suite(.serialized) struct UnixSocketByteLinkTests {
    @Test func aMegabyteCrossesInOrderThroughBackPressure() throws {
        let path = socketPath("bytes")
        let device = try UnixSocketByteLink.listening(at: path, name: "device", capacity: 1024)
        defer { device.close() }
        let driver = UnixSocketByteLink.connecting(to: path, name: "driver")
        defer { driver.close() }
        #expect(driver.state == .open)
        #expect(waitUntil { device.state == .open })

        let total = 1_000_000
        let pattern = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var written = 0, received: [UInt8] = [], idle = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        received.reserveCapacity(total)
        // Fill the socket and the reader's ring without reading, until the driver is refused.
        while written < total {
            let n = pattern[written...].prefix(8192).withUnsafeBytes { driver.write($0) }
            written += n
            if n < 8192 { break }
        }
        #expect(written < total)
        #expect(driver.statistics.sendRefused >= 1)
        while received.count < total && idle < 30_000 {
            if written < total {
                written += pattern[written...].prefix(8192).withUnsafeBytes { driver.write($0) }
            }
            let n = buffer.withUnsafeMutableBytes { device.read(into: $0) }
            received += buffer[0..<n]
            if n == 0 { idle += 1; usleep(100) } else { idle = 0 }
        }
        #expect(received.count == total)
        #expect(received == pattern)
        #expect(driver.statistics.bytesSent == UInt64(total))
        #expect(device.statistics.bytesReceived == UInt64(total))
    }

    @Test func theConnectingEndReconnectsWhenTheListenerReturns() throws {
        let path = socketPath("bytes-reconnect")
        var device: UnixSocketByteLink? = try UnixSocketByteLink.listening(at: path, name: "device")
        let driver = UnixSocketByteLink.connecting(to: path, name: "driver", retryInterval: 10)
        defer { driver.close() }
        #expect(waitUntil { device?.state == .open })
        device?.close()
        device = nil
        #expect(waitUntil { if case .lost = driver.state { true } else { false } })
        #expect([UInt8(1)].withUnsafeBytes { driver.write($0) } == 0)
        let again = try UnixSocketByteLink.listening(at: path, name: "device")
        defer { again.close() }
        #expect(waitUntil { driver.state == .open && again.state == .open })
        #expect(driver.statistics.reconnects == 1)
        #expect([UInt8](1...3).withUnsafeBytes { driver.write($0) } == 3)
        var got: [UInt8] = []
        waitUntil {
            var b = [UInt8](repeating: 0, count: 8)
            let n = b.withUnsafeMutableBytes { again.read(into: $0) }
            got += b[0..<n]
            return got.count == 3
        }
        #expect(got == [1, 2, 3])
    }
}
