// device-peer DEVICE LINK
// One device emulator (Simulator/Devices) on a real link, for the real-peer tests: pyserial
// on a PTY (Tests/peers/test_device_serial.py) and python-can + cantools on vcan in the test
// VM (Tests/vm/guest.d/50-devices.sh). Not shipped.
//
//   DEVICE  imu | altimeter | legs | power | engine | wheel0 ... wheel5 | rover-imu | hazard
//   LINK    pty               a new pseudo-terminal; prints "pty <slave path>"
//           socketcan:IFACE   a SocketCAN interface; prints "can <IFACE>"
// then "ready". It steps the emulator every millisecond on the wall clock (time since start)
// with these fixed measurements, which the tests check field by field:
//   imu        specific force (0.25, -0.5, 1.625) m/s^2, rate (0.01, -0.02, 0.0035) rad/s
//   altimeter  beam i: range 1000 + 100 i m, range rate -(10 + i) m/s; beam 3 invalid
//   legs       contact on legs 2 and 4, all switches valid
//   power      28 V, 3.5 A, 87.5 %
//   rover-imu  roll 0.125 rad, pitch -0.25 rad, heading rate 0.01 rad/s
//   hazard     left 2.5 m, centre no return, right 1.75 m
//   engine     while firing: thrust = throttle % x 75 N, chamber pressure = thrust / 7500 MPa
//   wheelN     speed = the commanded speed, current 0.5 + |speed| A, 1000 ticks per radian
// Commands on stdin, one per line: "counts" prints the counters; "quit" or end of input
// prints them and exits 0:
//   counts published=N sendFailures=N received=N ignored=N rejected=N <reason>=N ...
//          accepted=N <command rejection>=N ...
import Devices
import FlightCore
import FlightHAL
import Simulator

#if canImport(Glibc)
    import Glibc
#endif

func say(_ line: String) {
    print(line)
    fflush(nil)
}

func fail(_ message: String, code: Int32 = 1) -> Never {
    say("error \(message)")
    exit(code)
}

let args = CommandLine.arguments
guard args.count == 3 else { fail("usage: device-peer DEVICE pty|socketcan:IFACE", code: 2) }

let link: DeviceEndpoint.Link
var keepAlive: AnyObject?
do {
    if args[2] == "pty" {
        let pty = try PseudoTerminal(name: args[1], receiveCapacity: 1 << 16)
        keepAlive = pty
        link = .bytes(pty)
        say("pty \(pty.slavePath)")
    } else if args[2].hasPrefix("socketcan:") {
        let iface = String(args[2].dropFirst("socketcan:".count))
        let can = try SocketCANLink(interface: iface)
        keepAlive = can
        link = .frames(can)
        say("can \(iface)")
    } else {
        fail("unknown link \(args[2]): use pty or socketcan:IFACE", code: 2)
    }
} catch {
    fail("\(error)")
}

guard let device = makeDevice(args[1], link) else { fail("unknown device \(args[1])", code: 2) }
say("ready")

let start = Syscall.monotonicNanoseconds()
var lastNanoseconds: Int64 = 0
var input = StdinLines()
while true {
    let now = Int64(Syscall.monotonicNanoseconds() - start)
    device.feed(dt: Double(now - lastNanoseconds) / 1e9)
    lastNanoseconds = now
    device.emulator.step(to: FlightDuration.nanoseconds(now))
    switch input.next() {
    case .line("counts"): say(device.countsLine())
    case .line("quit"), .end:
        say(device.countsLine())
        exit(0)
    case .line(let other): say("error unknown command \(other)")
    case .none: break
    }
    Syscall.sleep(milliseconds: 1)
}
