// simbus-peer: a second process on the cross-process simulated bus, for the tests in
// Tests/FlightHALTests/SimulatedSocketBusTests.swift (not shipped).
//
//   simbus-peer PATH send COUNT      send COUNT frames numbered 0..<COUNT (sequence number in
//                                    the first 4 data bytes, little-endian), waiting out
//                                    back-pressure; prints `sent COUNT refused R`
//   simbus-peer PATH receive COUNT   receive COUNT frames; prints `received N inorder B
//                                    overruns O malformed M`; exits 1 unless all arrived in order
//
// Exits 2 on bad arguments, 3 if the server cannot be reached.
import FlightHAL
import FlightWire

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ message: String, _ code: Int32) -> Never {
    print(message)
    exit(code)
}

let args = CommandLine.arguments
guard args.count == 4, let count = Int(args[3]), count >= 0 else {
    fail("usage: simbus-peer PATH send|receive COUNT", 2)
}
let link = UnixSocketFrameLink(path: args[1], name: "simbus-peer")
var waited = 0
while link.state != .open {
    waited += 1
    if waited > 1_000 { fail("cannot reach the bus server at \(args[1]): \(link.state)", 3) }
    Syscall.sleep(milliseconds: 10)
}

switch args[2] {
case "send":
    var refused = 0
    var i = 0
    while i < count {
        let f = withUnsafeBytes(of: (UInt32(i).littleEndian, UInt32(0x5EED_0000 | (i & 0xFFFF)))) {
            try! CANFrame(id: .standard(0x321), data: $0)
        }
        switch link.send(f) {
        case .sent: i += 1
        case .backPressure:
            refused += 1
            Syscall.sleep(milliseconds: 1)
        case .refused(let e): fail("send refused: \(e)", 1)
        }
    }
    print("sent \(count) refused \(refused)")
case "receive":
    var n = 0, inOrder = true, idle = 0
    while n < count {
        guard let r = link.receive() else {
            idle += 1
            if idle > 30_000 { break }  // 30 s of nothing: give up, the test reports it
            Syscall.sleep(milliseconds: 1)
            continue
        }
        idle = 0
        let seq = r.frame.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        if seq != UInt32(n) { inOrder = false }
        n += 1
    }
    let s = link.statistics
    print("received \(n) inorder \(inOrder) overruns \(s.receiveOverruns) malformed \(s.malformed)")
    link.close()
    exit(n == count && inOrder ? 0 : 1)
default:
    fail("usage: simbus-peer PATH send|receive COUNT", 2)
}
link.close()
