// serial-peer-swift PATH BAUD COUNT
// The Swift end of the pyserial tests (Tests/peers/test_serial_*.py): opens PATH as a
// FlightHAL SerialPort at BAUD 8N1, prints "open <backend>", receives exactly COUNT bytes,
// sends them back with every byte XOR 0x5A, and prints "done <received> <sent> <overruns>
// <refused>". Exits 1 on any failure (10 s without progress), 2 on bad arguments.
import FlightHAL

#if canImport(Glibc)
    import Glibc
#endif

/// Prints a line and flushes it (the test reads lines as they come).
func say(_ line: String) {
    print(line)
    fflush(nil)
}

func fail(_ message: String, code: Int32 = 1) -> Never {
    say("error \(message)")
    exit(code)
}

let args = CommandLine.arguments
guard args.count == 4, let baud = Int(args[2]), let count = Int(args[3]) else {
    fail("usage: serial-peer-swift PATH BAUD COUNT", code: 2)
}
let port: SerialPort
do {
    port = try SerialPort(path: args[1], configuration: .baud(baud))
} catch {
    fail("\(error)")
}
say("open \(port.backend?.rawValue ?? "none")")

var received: [UInt8] = []
var buffer = [UInt8](repeating: 0, count: 4096)
var lastProgress = Syscall.monotonicNanoseconds()
while received.count < count {
    let n = buffer.withUnsafeMutableBytes { port.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<min($0.count, count - received.count)])) }
    if n > 0 {
        received += buffer[0..<n]
        lastProgress = Syscall.monotonicNanoseconds()
    } else {
        if Syscall.monotonicNanoseconds() - lastProgress > 10_000_000_000 { fail("received \(received.count) of \(count); state \(port.state)") }
        Syscall.sleep(milliseconds: 1)
    }
}
let answer = received.map { $0 ^ 0x5A }
var sent = 0
lastProgress = Syscall.monotonicNanoseconds()
while sent < answer.count {
    let n = answer[sent...].withUnsafeBytes { port.write($0) }
    if n > 0 {
        sent += n
        lastProgress = Syscall.monotonicNanoseconds()
    } else {
        if Syscall.monotonicNanoseconds() - lastProgress > 10_000_000_000 { fail("sent \(sent) of \(count); state \(port.state)") }
        Syscall.sleep(milliseconds: 1)
    }
}
// Let the kernel hand the last bytes over before the port closes.
Syscall.sleep(milliseconds: 200)
let s = port.statistics
say("done \(s.bytesReceived) \(s.bytesSent) \(s.receiveOverruns) \(s.sendRefused)")
port.close()
