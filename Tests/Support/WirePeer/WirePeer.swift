// wire-peer: FlightWire on a pipe, for the Python peer tests in Tests/peers.
//
// One request per line on stdin, answered by zero or more lines and then `end` on stdout.
// Byte strings are hex ("-" for none). Errors answer `err <reason>`. Requests:
//   sp-encode TYPE SECHDR APID SEQFLAGS COUNT DATA     -> hex packet
//   sp-decode HEX                                      -> ok TYPE SECHDR APID SEQFLAGS COUNT DATA
//   tc-encode SCID VCID DATA                           -> hex frame
//   tc-decode HEX                                      -> ok SCID VCID BYPASS CC SEQ DATA
//   tc-stream SCID VCID CHUNK...                       -> one `frame DATA` per frame found, then counts
//   tm-frame SCID VCID SIZE PACKET...                  -> one hex frame per line (flushed at end)
//   tm-decode SIZE FRAME...                            -> one hex packet per line, then counts
//   fp-command OPCODE ARGS                             -> hex space packet (TC, APID 0)
//   fp-telemetry ID BASE CTX SEC USEC VALUE            -> hex space packet (TM, APID 1)
//   fp-event ID BASE CTX SEC USEC ARGS                 -> hex space packet (TM, APID 2)
//   fp-decode HEX                                      -> command OP ARGS | telemetry ID B C S U V | event ...
//   can-plan                                           -> msg/sig lines of RegolithCAN
//   can-encode NAME SIGNAL=VALUE...                    -> ID HEXDATA
//   isotp-open DL PADDING BS STMIN_US                  -> (resets both halves)
//   isotp-send NOW_NS HEX | isotp-rx NOW_NS HEX | isotp-poll NOW_NS
//                                                      -> tx HEX / msg HEX lines, then state
import FlightCore
import FlightWire
#if canImport(Glibc)
import Glibc
#endif

struct Peer {
    var sequencer = SpacePacketSequencer()
    var isotpSender: ISOTPSender?
    var isotpReceiver: ISOTPReceiver?

    mutating func handle(_ words: [Substring], _ out: inout [String]) throws(PeerError) {
        guard let cmd = words.first else { return }
        let a = Array(words.dropFirst())
        switch cmd {
        case "sp-encode": try spEncode(a, &out)
        case "sp-decode": try spDecode(a, &out)
        case "tc-encode": try tcEncode(a, &out)
        case "tc-decode": try tcDecode(a, &out)
        case "tc-stream": try tcStream(a, &out)
        case "tm-frame": try tmFrame(a, &out)
        case "tm-decode": try tmDecode(a, &out)
        case "fp-command", "fp-telemetry", "fp-event": try fpEncode(String(cmd), a, &out)
        case "fp-decode": try fpDecode(a, &out)
        // Ground link: command authentication's hash and MAC.
        case "sha256": out.append(SHA256.hash(try data(a.first)).description)
        case "hmac": out.append(HMACSHA256(key: try data(a.first)).authenticate(try data(a.dropFirst().first)).description)
        case "can-plan": canPlan(&out)
        case "can-encode": try canEncode(a, &out)
        case "isotp-open": try isotpOpen(a, &out)
        case "isotp-send", "isotp-rx", "isotp-poll": try isotpStep(String(cmd), a, &out)
        default: throw .usage("unknown request \(cmd)")
        }
    }
}

enum PeerError: Error {
    case usage(String)
    case failed(String)
}

func int<T: FixedWidthInteger>(_ s: Substring?, _: T.Type = T.self) throws(PeerError) -> T {
    guard let s, let v = s.hasPrefix("0x") ? T(s.dropFirst(2), radix: 16) : T(s) else {
        throw .usage("bad number \(s ?? "<missing>")")
    }
    return v
}

func data(_ s: Substring?) throws(PeerError) -> [UInt8] {
    guard let s, let b = bytes(fromHex: s) else { throw .usage("bad hex \(s ?? "<missing>")") }
    return b
}

@main
struct WirePeer {
    static func main() {
        var peer = Peer()
        while let line = readLine() {
            var out: [String] = []
            do throws(PeerError) {
                try peer.handle(line.split(separator: " "), &out)
            } catch {
                switch error {
                case .usage(let m), .failed(let m): out.append("err \(m)")
                }
            }
            for l in out { print(l) }
            print("end")
            #if canImport(Glibc)
            fflush(nil)  // stdout is a pipe: flush every answer
            #endif
        }
    }
}
