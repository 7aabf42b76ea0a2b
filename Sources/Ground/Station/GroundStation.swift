import Foundation
import FlightCore
public import FlightHAL
public import FlightWire
import Synchronization

/// `regolith ground`'s engine: one link to a running flight software; commands out by name
/// (checked against the dictionary), every downlinked packet decoded, shown and archived.
///
/// Single-threaded loop (``run(for:)``): poll the link every few milliseconds, decode, print,
/// append to the archive, and commit the archive every ``commitInterval`` seconds or
/// ``commitBatch`` packets. Command lines may come from any thread (``enqueue(_:)``: stdin).
public final class GroundStation {
    public let dictionary: GroundDictionary
    public let link: any ByteLink
    public let archive: PacketArchive?
    var codec: GroundLinkCodec
    let output: (String) -> Void
    let status: (String) -> Void
    /// Queues commands and stops the loop from other threads (stdin, signals).
    public let control = Control()
    public var commitInterval = 0.1
    public var commitBatch = 1000
    /// Print every packet (false: archive only, print events and command results).
    public var showTelemetry = true

    public private(set) var packetsReceived = 0
    public private(set) var commandsSent = 0
    public private(set) var commandErrors = 0

    /// - Parameters:
    ///   - output: where console lines go (stdout).
    ///   - status: where archive commits and errors are reported (stderr).
    public init(
        dictionary: GroundDictionary, link: any ByteLink, archive: PacketArchive?, key: [UInt8]?,
        dataLink: DataLinkConfiguration = .fprimeDefault,
        output: @escaping (String) -> Void, status: @escaping (String) -> Void
    ) {
        self.dictionary = dictionary
        self.link = link
        self.archive = archive
        self.output = output
        self.status = status
        codec = GroundLinkCodec(
            configuration: dataLink, key: key, firstCounter: UInt64(Date().timeIntervalSince1970 * 1e6))
    }

    /// The station's thread-safe handle.
    public final class Control: Sendable {
        let inbox = Mutex<[String]>([])
        let stopFlag = Atomic<Bool>(false)

        /// Queues a command line (`NAME arg …`) to send.
        public func enqueue(_ line: String) { inbox.withLock { $0.append(line) } }

        /// Asks ``GroundStation/run(for:)`` to finish (after a last commit).
        public func stop() { stopFlag.store(true, ordering: .relaxed) }

        var isStopped: Bool { stopFlag.load(ordering: .relaxed) }
    }

    public func enqueue(_ line: String) { control.enqueue(line) }

    /// Runs until ``stop()`` or `seconds` pass (nil: until stopped). Commits the archive
    /// before returning.
    public func run(for seconds: Double? = nil) throws(ArchiveError) {
        let start = Date()
        var lastCommit = Date()
        var wasOpen = link.state.isOpen
        status("link: \(link.name) \(link.state)")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while !control.isStopped {
            if let s = seconds, Date().timeIntervalSince(start) >= s { break }
            let open = link.state.isOpen
            if open != wasOpen {
                status(open ? "link: \(link.name) open" : "link: \(link.name) \(link.state)")
                wasOpen = open
            }
            if open { sendQueued() }
            // At most 16 reads per pass, so a stream faster than this loop still gets its
            // commits on time (the link's ring and TCP push back on the sender meanwhile).
            var got = false
            for _ in 0..<16 {
                let n = link.read(into: buffer)
                guard n > 0 else { break }
                got = true
                codec.ingest(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { packet in receive(packet) }
            }
            if let archive, archive.uncommittedCount > 0,
                archive.uncommittedCount >= commitBatch || Date().timeIntervalSince(lastCommit) >= commitInterval
            {
                let total = try archive.commit()
                status("archive: \(total) packets committed")
                lastCommit = Date()
            }
            if !got { usleep(2000) }
        }
        if let archive, archive.uncommittedCount > 0 {
            let total = try archive.commit()
            status("archive: \(total) packets committed")
        }
    }

    func receive(_ packet: [UInt8]) {
        packetsReceived += 1
        let d = dictionary.decode(packet)
        archive?.append(d)
        if showTelemetry || d.kind == .event { output(d.line) }
    }

    func sendQueued() {
        let lines: [String] = control.inbox.withLock { q in
            defer { q.removeAll() }
            return q
        }
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                try send(line)
            } catch {
                commandErrors += 1
                status("command refused: \(error)")
            }
        }
    }

    /// Checks and sends one command line now.
    public func send(_ line: String) throws {
        let (cmd, args) = try dictionary.parseCommand(line)
        let frame = try codec.commandFrame(opcode: cmd.opcode, arguments: args)
        var done = 0
        let deadline = Date().addingTimeInterval(2)
        while done < frame.count {
            done += frame.withUnsafeBytes { link.write(UnsafeRawBufferPointer(rebasing: $0[done...])) }
            if done < frame.count {
                guard Date() < deadline else { throw GroundError.linkFailed("the link took only \(done) of \(frame.count) bytes of the command frame in 2 s") }
                usleep(1000)
            }
        }
        commandsSent += 1
        status("sent \(cmd.name) (opcode 0x\(String(cmd.opcode.rawValue, radix: 16)))" + (codec.isSigning ? ", signed, counter \(codec.nextCounter - 1)" : ""))
    }

    /// Reads a key file: 32 or more bytes as hex (whitespace ignored).
    public static func loadKey(path: String) throws(GroundError) -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .keyFile(path: path, reason: "cannot read it") }
        // ASCII hex digits only (Character.isHexDigit also takes full-width forms).
        let digits = Array(text.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard digits.count % 2 == 0, digits.allSatisfy({ nibble($0) != nil }) else {
            throw .keyFile(path: path, reason: "it must hold the key in hexadecimal")
        }
        var key: [UInt8] = []
        for k in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = nibble(digits[k]), let lo = nibble(digits[k + 1]) else { break }
            key.append(hi << 4 | lo)
        }
        guard key.count >= 16 else { throw .keyFile(path: path, reason: "the key is \(key.count) bytes; use at least 16 (32 recommended)") }
        return key
    }
}
