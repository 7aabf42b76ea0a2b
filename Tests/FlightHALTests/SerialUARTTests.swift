import FlightHAL
import Foundation
import Testing

/// libserialport on a real 16550A UART: runs only inside the test VM with the host peer on
/// ttyS1's socket (Tests/vm/guest.d/20-serial.sh; `make test-vm`). The host peer
/// (Tests/vm/serial-peer.py) answers "XOR <n>\n" + n bytes with the same header and each
/// byte XOR 0x5A, so both directions carry bytes the other side could not have guessed.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["REGOLITH_VM_SERIAL"] == "1"
        && ProcessInfo.processInfo.environment["REGOLITH_IN_VM"] == "1", "only in the test VM with the UART peer"))
struct SerialUARTTests {
    static let path = "/dev/ttyS1"

    @Test func enumerationListsTheUARTAsNative() throws {
        let ports = try SerialPortInfo.list()
        let uart = ports.first { $0.name == Self.path }
        #expect(uart != nil, "\(Self.path) not listed: \(ports.map(\.name))")
        #expect(uart?.transport == .native)
    }

    @Test func libserialportOpensConfiguresAndExchangesBytesWithTheHostPeer() throws {
        let port = try SerialPort(path: Self.path, configuration: .baud(115_200))
        defer { port.close() }
        #expect(port.backend == .libserialport, "a real UART must go through libserialport")
        #expect(port.state == .open)
        // The kernel really holds 115200 8N1 raw now.
        let fd = open(Self.path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        if fd >= 0 {
            var t = termios()
            tcgetattr(fd, &t)
            #expect(cfgetospeed(&t) == speed_t(B115200))
            #expect(t.c_cflag & tcflag_t(CSIZE | PARENB | CSTOPB) == tcflag_t(CS8))
            #expect(t.c_lflag & tcflag_t(ICANON | ECHO) == 0)
            close(fd)
        }
        #expect(port.modemStatus != nil, "a 16550A has modem-status lines")
        #expect(port.setDTR(true))

        // Whatever the smoke check left in flight is discarded.
        usleep(300_000)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while scratch.withUnsafeMutableBytes({ port.read(into: $0) }) > 0 {}

        var payload = [UInt8](repeating: 0, count: 512)
        for i in payload.indices { payload[i] = UInt8.random(in: 0...255) }
        let header = Array("XOR \(payload.count)\n".utf8)
        #expect(SerialTestSupport.writeAll(port, header + payload))

        // Read until the answer's header, then its payload.
        var got: [UInt8] = []
        let deadline = SerialTestSupport.now() + 30
        var body: ArraySlice<UInt8>? = nil
        while SerialTestSupport.now() < deadline {
            let n = scratch.withUnsafeMutableBytes { port.read(into: $0) }
            if n == 0 { usleep(2000); continue }
            got += scratch[0..<n]
            if let r = find(header, in: got), got.count >= r + payload.count {
                body = got[r..<(r + payload.count)]
                break
            }
        }
        let answer = try #require(body, "no answer from the host peer; got \(got.count) bytes")
        #expect(Array(answer) == payload.map { $0 ^ 0x5A })
        #expect(port.statistics.receiveOverruns == 0)
        #expect(port.statistics.bytesSent == UInt64(header.count + payload.count))
        _ = SerialTestSupport.writeAll(port, Array("SERIAL-DONE\n".utf8))
        usleep(200_000)
    }

    /// The index just after `needle` in `haystack`.
    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i + needle.count
        }
        return nil
    }
}
