import FlightHAL
import FlightWire
import Synchronization
import Testing

/// A clock a test moves by hand.
final class SLCANTestClock: Sendable {
    private let value: Atomic<UInt64>
    init(_ start: UInt64 = 1_000_000_000) { value = Atomic(start) }
    var now: UInt64 { value.load(ordering: .relaxed) }
    func advance(milliseconds: UInt64) { value.wrappingAdd(milliseconds * 1_000_000, ordering: .relaxed) }
    func set(_ v: UInt64) { value.store(v, ordering: .relaxed) }
    var nanoseconds: @Sendable () -> UInt64 { { self.now } }
    var milliseconds: @Sendable () -> UInt32 { { UInt32(truncatingIfNeeded: self.now / 1_000_000) } }
}

/// Our SLCANLink against our emulator over an in-process byte link pair, with the emulator's
/// CAN side on a simulated bus where `peer` is another node. Stepped by hand: deterministic.
struct SLCANRig {
    let host: SimulatedByteLink
    let device: SimulatedByteLink
    let bus: SimulatedFrameBus
    let peer: SimulatedFrameLink
    let emulator: SLCANAdapterEmulator
    let link: SLCANLink
    let clock: SLCANTestClock
    let adapterClock: SLCANTestClock

    init(link configuration: SLCANLink.Configuration = .init(), emulator emulatorConfiguration: SLCANAdapterEmulator.Configuration = .init(), fd: Bool = false) {
        (host, device) = SimulatedByteLink.pair("host", "adapter")
        bus = SimulatedFrameBus(supportsFD: fd)
        let node = bus.attach("slcan-adapter")
        peer = bus.attach("peer")
        clock = SLCANTestClock()
        adapterClock = SLCANTestClock(0)
        emulator = SLCANAdapterEmulator(byteSide: device, canSide: node, configuration: emulatorConfiguration,
                                        millisecondClock: adapterClock.milliseconds)
        link = SLCANLink(over: host, configuration: configuration, clock: clock.nanoseconds)
    }

    /// Lets both sides answer each other a few times.
    func settle() {
        for _ in 0..<4 {
            emulator.pump()
            link.pump()
        }
    }

    func opened() -> SLCANRig {
        link.open()
        settle()
        #expect(link.state == .open)
        return self
    }

    func events() -> [SLCANEvent] {
        var out: [SLCANEvent] = []
        while let e = link.nextEvent() { out.append(e) }
        return out
    }
}

/// Reads everything waiting on a byte link, as text (CR shown as \r, BELL as \a).
func drainText(_ link: any ByteLink) -> String {
    var buffer = [UInt8](repeating: 0, count: 4096)
    var all: [UInt8] = []
    while true {
        let n = buffer.withUnsafeMutableBytes { link.read(into: $0) }
        if n == 0 { break }
        all += buffer[0..<n]
    }
    return all.map { b -> String in
        switch b {
        case 0x0D: "\\r"
        case 0x07: "\\a"
        default: String(UnicodeScalar(b))
        }
    }.joined()
}

func writeText(_ link: any ByteLink, _ text: String) {
    let bytes = Array(text.utf8)
    #expect(bytes.withUnsafeBytes { link.write($0) } == bytes.count)
}

#if canImport(Glibc)
    import Glibc
#endif

/// The peer end of a PTY, opened raw and non-blocking, as pyserial or slcand would hold it.
final class SLCANTestTerminal {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw LinkError(.notFound, device: path, errno: errno) }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
    }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 { off += n } else { Syscall.sleep(milliseconds: 1) }
        }
    }

    func readAvailable() -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    func close() { _ = Glibc.close(fd) }
}
