// slcan-emulator: Regolith's SLCAN adapter emulator on a PTY, for real peers (python-can's
// `slcan` interface, slcand and the Linux slcan driver). Not shipped.
//
// Prints `pty <slave path>` once the PTY exists; open that path as the adapter's serial port.
// The emulator's CAN side is a simulated bus with one other node, the echo node: it answers
// every frame it receives with a data frame whose id is one more (wrapping within 11 or 29
// bits) and whose data is reversed (for a remote frame: bytes 0, 1, ... of the requested
// length), and prints the frame it received:
//   rx <std|ext> <HEXID> <HEXDATA|->            data frame
//   rx <std|ext> <HEXID> rtr <LEN>              remote frame
// Commands on stdin, one per line:
//   send <std|ext> <HEXID> <HEXDATA|->          the echo node sends a frame
//   fault <active|warning|passive|busoff>       the emulated controller enters a state
//   fault buserror                              an 'e' line with ACK and CRC errors
//   status                                      -> status open=<0|1> listen=<0|1> bitrate=<n|-> timestamps=<0|1> state=<a|w|p|b>
//   quit
import FlightHAL
import FlightWire
#if canImport(Glibc)
    import Glibc
#endif

/// One whole line per write(2), so the worker's and the main thread's lines never interleave.
func say(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        off += n
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.isEmpty ? "-" : bytes.map { b in
        let s = String(b, radix: 16, uppercase: true)
        return b < 16 ? "0" + s : s
    }.joined()
}

func unhex(_ s: Substring) -> [UInt8]? {
    if s == "-" { return [] }
    guard s.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
        out.append(b)
        i = j
    }
    return out
}

func describe(_ f: CANFrame) -> String {
    let kind = f.id.isExtended ? "ext" : "std"
    let id = String(f.id.rawValue, radix: 16, uppercase: true)
    return f.isRemote ? "rx \(kind) \(id) rtr \(f.count)" : "rx \(kind) \(id) \(hex(f.data))"
}

func echo(of f: CANFrame) -> CANFrame? {
    let id: CANID =
        switch f.id {
        case .standard(let v): .standard((v &+ 1) & CANID.maxStandard)
        case .extended(let v): .extended((v &+ 1) & CANID.maxExtended)
        }
    let data = f.isRemote ? (0..<f.count).map { UInt8($0) } : Array(f.data.reversed())
    return try? CANFrame(id: id, data: data, fd: f.isFD, bitRateSwitch: f.bitRateSwitch)
}

let pty: PseudoTerminal
do {
    pty = try PseudoTerminal(name: "slcan-emulator")
} catch {
    say("error \(error)")
    exit(1)
}
let bus = SimulatedFrameBus(name: "simcan0", supportsFD: true)
let emulator = SLCANAdapterEmulator(byteSide: pty, canSide: bus.attach("slcan-adapter"))
let echoNode = bus.attach("echo")
let cancellation = Cancellation()

let worker = LinkThread.spawn {
    while !cancellation.isCancelled {
        var busy = emulator.pump()
        while let r = echoNode.receive() {
            busy = true
            say(describe(r.frame))
            if let e = echo(of: r.frame) { _ = echoNode.send(e) }
        }
        if !busy { _ = cancellation.sleep(milliseconds: 1) }
    }
}

say("pty \(pty.slavePath)")

while let line = readLine() {
    let words = line.split(separator: " ")
    guard let command = words.first else { continue }
    switch command {
    case "quit":
        break
    case "send":
        guard words.count == 4, let raw = UInt32(words[2], radix: 16), let data = unhex(words[3]) else {
            say("err usage: send <std|ext> <HEXID> <HEXDATA|->")
            continue
        }
        let id: CANID = words[1] == "ext" ? .extended(raw) : .standard(UInt16(truncatingIfNeeded: raw))
        do {
            let outcome = echoNode.send(try CANFrame(id: id, data: data))
            say(outcome == .sent ? "ok" : "err \(outcome)")
        } catch {
            say("err \(error)")
        }
        continue
    case "fault":
        switch words.dropFirst().first {
        case "active": emulator.inject(.controllerState(.errorActive))
        case "warning": emulator.inject(.controllerState(.errorWarning))
        case "passive": emulator.inject(.controllerState(.errorPassive))
        case "busoff": emulator.inject(.controllerState(.busOff))
        case "buserror": emulator.inject(.busErrors([.acknowledgement, .crc]))
        default:
            say("err unknown fault")
            continue
        }
        say("ok")
        continue
    case "status":
        let s = emulator.snapshot
        let bitrate = s.bitrate.map { "\($0.code)" } ?? "-"
        say("status open=\(s.isOpen ? 1 : 0) listen=\(s.listenOnly ? 1 : 0) bitrate=\(bitrate) timestamps=\(s.timestamps ? 1 : 0) state=\(UnicodeScalar(s.controllerState.rawValue))")
        continue
    default:
        say("err unknown command")
        continue
    }
    break
}

cancellation.cancel()
worker.join()
pty.close()
