import ArgumentParser
import FlightHAL
import FlightWire
import Foundation

/// `regolith can dump|send <link>`: watch or drive a CAN bus through any of Regolith's frame
/// links, with can-utils' text forms (`cansend`'s `123#DEADBEEF`, `candump -L`'s log lines).
struct CANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "can",
        abstract: "Dump or send CAN frames on a SocketCAN, SLCAN or simulated bus link.",
        subcommands: [CANDump.self, CANSend.self])
}

/// Which frame link a command works on: `socketcan:vcan0` (or just `vcan0`),
/// `slcan:/dev/ttyACM0@500k`, `simbus:/path/to/socket`.
enum LinkSpec: Equatable, Sendable {
    case socketCAN(interface: String)
    case slcan(device: String, bitrate: String?)
    case simulatedBus(path: String)

    init(parsing text: String) throws(ValidationError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 1 {
            guard !text.isEmpty, !text.contains("/") else {
                throw ValidationError("link '\(text)': expected socketcan:<interface>, slcan:<device>[@<bitrate>] or simbus:<path>")
            }
            self = .socketCAN(interface: text)
            return
        }
        let rest = String(parts[1])
        switch parts[0] {
        case "socketcan", "can":
            guard !rest.isEmpty, rest.utf8.count < 16, !rest.contains("/") else {
                throw ValidationError("link '\(text)': a SocketCAN interface name is 1...15 characters, e.g. socketcan:vcan0")
            }
            self = .socketCAN(interface: rest)
        case "slcan":
            let dev = rest.split(separator: "@", maxSplits: 1)
            guard let d = dev.first, !d.isEmpty else { throw ValidationError("link '\(text)': slcan needs a device, e.g. slcan:/dev/ttyACM0@500k") }
            self = .slcan(device: String(d), bitrate: dev.count > 1 ? String(dev[1]) : nil)
        case "simbus", "sim":
            guard !rest.isEmpty else { throw ValidationError("link '\(text)': simbus needs a socket path, e.g. simbus:/tmp/regolith.bus") }
            self = .simulatedBus(path: rest)
        default:
            throw ValidationError("link '\(text)': unknown link type '\(parts[0])'; expected socketcan, slcan or simbus")
        }
    }

    /// Opens the link. SocketCAN filters run in the kernel; SLCAN and the simulated bus have
    /// no kernel, so the same filters run here, on each received frame.
    func open(filters: [CANFilter]) throws -> any FrameLink {
        switch self {
        case .socketCAN(let interface):
            var options = SocketCANLink.Options()
            if !filters.isEmpty { options.filters = filters }
            return try SocketCANLink(interface: interface, options: options)
        case .slcan(let device, let bitrateText):
            var configuration = SLCANLink.Configuration()
            configuration.bitrate = try Self.slcanBitrate(bitrateText)
            let port = try SerialPort(path: device)
            let link = SLCANLink(over: port, configuration: configuration)
            link.open()
            let state = link.waitUntilOpen()
            guard state == .open else {
                link.close()
                throw LinkUnavailable("slcan:\(device): the adapter did not open at \(configuration.bitrate): \(state)")
            }
            return FilteredFrameLink(link, filters: filters)
        case .simulatedBus(let path):
            let link = UnixSocketFrameLink(path: path)
            for _ in 0..<200 where link.state != .open { Syscall.sleep(milliseconds: 10) }
            guard link.state == .open else {
                let state = link.state
                link.close()
                throw LinkUnavailable("simbus:\(path): no simulated bus server answered (\(state)); start one with `regolith simbus serve \(path)`")
            }
            return FilteredFrameLink(link, filters: filters)
        }
    }

    /// "500k", "1M", "500000" or nil (500 kbit/s) as one of SLCAN's nine rates.
    static func slcanBitrate(_ text: String?) throws -> SLCANBitrate {
        guard let text, !text.isEmpty else { return .kbps500 }
        let lower = text.lowercased()
        let value: Int?
        if lower.hasSuffix("k") { value = Int(lower.dropLast()).map { $0 * 1000 } }
        else if lower.hasSuffix("m") { value = Int(lower.dropLast()).map { $0 * 1_000_000 } }
        else { value = Int(lower) }
        guard let v = value, let rate = SLCANBitrate(bitsPerSecond: v) else {
            let rates = SLCANBitrate.allCases.map { "\($0.bitsPerSecond)" }.joined(separator: ", ")
            throw ValidationError("slcan bitrate '\(text)' is not one of the adapter's rates: \(rates) (or 10k...1M)")
        }
        return rate
    }
}

/// A link type this build cannot open yet (said plainly, without the usage text).
struct LinkUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// can-utils' frame text: `cansend`'s input and `candump -L`'s output.
///   123#DEADBEEF      classic, standard id          12345678#00   extended id (8 hex digits)
///   123#R  123#R4     remote frame (length 0 / 4)   123##1AABB    CAN FD, flags nibble (1: BRS)
///   20000040#...      8 digits with CAN_ERR_FLAG (0x20000000): an error frame, as candump shows them
enum CANFrameText {
    static func parse(_ text: String) throws(ValidationError) -> CANFrame {
        func bad(_ why: String) -> ValidationError { ValidationError("frame '\(text)': \(why)") }
        guard let hash = text.firstIndex(of: "#") else { throw bad("expected <id>#<data>, e.g. 123#DEADBEEF") }
        let idText = text[..<hash]
        guard idText.count == 3 || idText.count == 8, let word = UInt32(idText, radix: 16) else {
            throw bad("the id is 3 hex digits (standard) or 8 (extended)")
        }
        var rest = text[text.index(after: hash)...]
        let isErrorFrame = idText.count == 8 && word & CANFrame.errFlag != 0
        let id: CANID
        if idText.count == 3 {
            guard word <= 0x7FF else { throw bad("standard id above 7FF") }
            id = .standard(UInt16(word))
        } else {
            id = .extended(word & CANID.maxExtended)
        }
        var fd = false, brs = false
        if rest.first == "#" {
            rest = rest.dropFirst()
            guard let flags = rest.first?.hexDigitValue else { throw bad("CAN FD needs a flags digit after ##") }
            fd = true
            brs = flags & 1 != 0
            rest = rest.dropFirst()
        } else if rest.first == "R" || rest.first == "r" {
            let n = rest.dropFirst()
            let length = n.isEmpty ? 0 : Int(n, radix: 16) ?? -1
            do throws(CANFrameError) { return try CANFrame.remote(id: id, length: length) } catch { throw bad("\(error)") }
        }
        let hex = rest.filter { $0 != "." }
        guard hex.count % 2 == 0 else { throw bad("data must be whole bytes (pairs of hex digits)") }
        var data: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { throw bad("'\(hex[i..<j])' is not a hex byte") }
            data.append(b)
            i = j
        }
        do throws(CANFrameError) {
            var f = try CANFrame(id: id, data: data, fd: fd, bitRateSwitch: brs)
            f.isError = isErrorFrame
            return f
        } catch {
            throw bad("\(error)")
        }
    }

    /// `candump -L`'s form of a frame (without the timestamp and interface).
    static func format(_ f: CANFrame) -> String {
        let idText: String
        if f.isError || f.id.isExtended {
            let v = f.id.rawValue | (f.isError ? CANFrame.errFlag : 0)
            idText = hex(v, width: 8)
        } else {
            idText = hex(f.id.rawValue, width: 3)
        }
        if f.isRemote { return idText + "#R" + (f.count > 0 ? String(f.count) : "") }
        let data = f.data.map { hex(UInt32($0), width: 2) }.joined()
        if f.isFD { return idText + "##" + (f.bitRateSwitch ? "1" : "0") + data }
        return idText + "#" + data
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

struct LinkArgument: ParsableArguments {
    @Argument(help: "The link: socketcan:<interface> (or just <interface>), slcan:<device>[@<bitrate>], simbus:<path>.")
    var link: String

    func spec() throws -> LinkSpec { try LinkSpec(parsing: link) }
}

/// `regolith can dump <link>`: prints each received frame as `candump -L` does.
struct CANDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print the frames received on a CAN link, one per line as `candump -L` does.",
        discussion: """
            Error frames are printed with the CAN_ERR_FLAG id (2xxxxxxx) and decoded on a following \
            '# error:' line. Timestamps are the kernel's receive time on SocketCAN.
            """)

    @OptionGroup var linkArgument: LinkArgument

    @Option(name: .shortAndLong, parsing: .singleValue, help: "A kernel filter <id>:<mask> in hex (~ inverts); repeatable.")
    var filter: [String] = []

    @Option(name: .shortAndLong, help: "Stop after this many frames.")
    var count: Int?

    @Option(name: .shortAndLong, help: "Stop after this many seconds without a frame.")
    var timeout: Double?

    @Flag(help: "Count frames without printing them (prints a rate summary at the end).")
    var quiet = false

    func validate() throws {
        _ = try linkArgument.spec()
        for f in filter { _ = try parseFilter(f) }
        if let c = count, c < 1 { throw ValidationError("--count must be at least 1, not \(c)") }
        if let t = timeout, !(t > 0) { throw ValidationError("--timeout must be positive, not \(t)") }
    }

    func parseFilter(_ text: String) throws -> CANFilter {
        do { return try CANFilter(parsing: Substring(text)) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let spec = try linkArgument.spec()
        let link = try spec.open(filters: try filter.map(parseFilter))
        defer { link.close() }
        var n = 0
        var first: UInt64 = 0, last: UInt64 = 0
        var lastFrameAt = Syscall.monotonicNanoseconds()
        let timeoutNs = timeout.map { UInt64($0 * 1e9) }
        var out = ""
        while count.map({ n < $0 }) ?? true {
            guard let r = link.receive() else {
                if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
                if let t = timeoutNs, Syscall.monotonicNanoseconds() - lastFrameAt > t { break }
                Syscall.sleep(milliseconds: 1)
                continue
            }
            lastFrameAt = Syscall.monotonicNanoseconds()
            // The rate summary uses the frames' own receive timestamps (the kernel's on SocketCAN).
            if n == 0 { first = r.timestamp }
            last = r.timestamp
            n += 1
            if quiet { continue }
            let stamp = String(format: "(%d.%06d)", r.timestamp / 1_000_000_000, (r.timestamp % 1_000_000_000) / 1000)
            out += "\(stamp) \(link.name) \(CANFrameText.format(r.frame))\n"
            if r.frame.isError, let report = CANErrorReport(r.frame) { out += "# error: \(report)\n" }
            if out.utf8.count > 16384 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
        }
        if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
        let s = link.statistics
        if quiet {
            let secs = Double(last &- first) / 1e9
            let rate = secs > 0 ? Double(n - 1) / secs : 0
            print("dump: \(n) frames in \(String(format: "%.3f", secs)) s (\(String(format: "%.0f", rate)) frames/s), \(s.receiveOverruns) receive overruns, \(s.errorFrames) error frames")
        }
    }
}

/// `regolith can send <link> <frame>...`: sends frames given as `cansend` does.
struct CANSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send CAN frames written as `cansend` takes them (123#DEADBEEF, 12345678#00, 123##1AABB, 123#R).")

    @OptionGroup var linkArgument: LinkArgument

    @Argument(help: "Frames to send, in order.")
    var frames: [String]

    @Option(name: .shortAndLong, help: "Send the frames this many times over (back-pressure is waited out).")
    var count: Int = 1

    func validate() throws {
        _ = try linkArgument.spec()
        guard !frames.isEmpty else { throw ValidationError("give at least one frame, e.g. 123#DEADBEEF") }
        for f in frames { _ = try CANFrameText.parse(f) }
        guard count >= 1 else { throw ValidationError("--count must be at least 1, not \(count)") }
    }

    func run() throws {
        let parsed = try frames.map(CANFrameText.parse)
        let link = try linkArgument.spec().open(filters: [])
        defer { link.close() }
        let t0 = Syscall.monotonicNanoseconds()
        for _ in 0..<count {
            for f in parsed {
                while true {
                    switch link.send(f) {
                    case .sent: break
                    case .backPressure:
                        Syscall.sleep(milliseconds: 1)
                        continue
                    case .refused(let e): throw e
                    }
                    break
                }
            }
        }
        // Let the send queue empty before closing.
        if let s = link as? SocketCANLink {
            while s.queuedFrames > 0 { Syscall.sleep(milliseconds: 1) }
        }
        if count > 1 {
            let secs = Double(Syscall.monotonicNanoseconds() - t0) / 1e9
            let total = count * parsed.count
            let stats = link.statistics
            FileHandle.standardError.write(Data("send: \(total) frames in \(String(format: "%.3f", secs)) s (\(String(format: "%.0f", Double(total) / secs)) frames/s), \(stats.sendRetries) retries, \(stats.sendRefused) refused\n".utf8))
        }
    }
}
