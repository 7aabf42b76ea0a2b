import FlightCore
import Foundation
import Testing

@testable import Ground

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("regolith-ground-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// The archive on a real SQLite file (GRDB, WAL): what goes in comes out identical, and a file
/// that is not an archive, or is damaged, is refused with a clear reason.
@Suite struct PacketArchiveTests {
    static func packet(_ i: Int) -> DecodedPacket {
        // Pseudo-random bytes, cheap to make (a debug build makes 100,000 of these).
        let n = 12 + i % 40
        var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1
        let bytes = [UInt8](unsafeUninitializedCapacity: n) { buf, count in
            for k in 0..<n {
                x ^= x << 13
                x ^= x >> 7
                x ^= x << 17
                buf[k] = UInt8(truncatingIfNeeded: x)
            }
            count = n
        }
        switch i % 3 {
        case 0: return DecodedPacket(kind: .telemetry, apid: 1, item: UInt32(0x300 + i % 7), name: "tlm.C\(i % 7)", flightTime: Double(i) / 100, value: Double(i) * 0.5 - 3, text: "\(i)", bytes: bytes)
        case 1: return DecodedPacket(kind: .event, apid: 2, item: 0x101, name: "cmdDisp.OpCodeCompleted", flightTime: Double(i) / 100, value: nil, text: "COMMAND: Opcode \(i), \"quoted\"", bytes: bytes)
        default: return DecodedPacket(kind: .other, apid: 3, item: nil, name: nil, flightTime: nil, value: nil, text: nil, bytes: bytes)
        }
    }

    @Test func aHundredThousandPacketsComeBackIdentical() throws {
        let path = temporaryPath("big.sqlite")
        let packets = (0..<100_000).map(Self.packet)
        do {
            let archive = try PacketArchive(path: path)
            for (i, p) in packets.enumerated() {
                archive.append(p, received: 1_700_000_000 + Double(i))
                if archive.uncommittedCount == 1000 { try archive.commit() }
            }
            try archive.commit()
            #expect(archive.committedCount == 100_000)
        }
        let reopened = try PacketArchive(path: path, create: false)
        let rows = try reopened.rows()
        #expect(rows.count == 100_000)
        #expect(rows.map(\.packet) == packets)
        #expect(rows.map(\.id) == (1...100_000).map(Int64.init))
        #expect(rows.last?.received == Double(1_700_099_999))
        // Filters.
        let c3 = try reopened.rows(.init(names: ["tlm.C3"], fromFlightTime: 10, toFlightTime: 20))
        #expect(!c3.isEmpty && c3.allSatisfy { $0.packet.name == "tlm.C3" && (10...20).contains($0.packet.flightTime!) })
        #expect(try reopened.rows(.init(kind: .event, limit: 5)).count == 5)
        // Write-ahead logging is on.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aFileThatIsNotAnArchiveIsRefusedClearly() throws {
        let garbage = temporaryPath("garbage.sqlite")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: garbage))
        #expect {
            _ = try PacketArchive(path: garbage, create: false)
        } throws: { e in
            "\(e)".contains("is not a Regolith archive: the file is not an SQLite database")
        }
        #expect { _ = try PacketArchive(path: temporaryPath("absent.sqlite"), create: false) } throws: { "\($0)".contains("no such file") }
    }

    @Test func aDamagedArchiveIsRefusedClearly() throws {
        let path = temporaryPath("damaged.sqlite")
        do {
            let archive = try PacketArchive(path: path)
            for i in 0..<5000 { archive.append(Self.packet(i)) }
            try archive.commit()
        }
        // Checkpoint the WAL into the main file (a fresh open does), then damage pages in the middle.
        _ = try PacketArchive(path: path, create: false).rows(.init(limit: 1))
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        handle.write(Data(repeating: 0x5A, count: 3 * 4096))
        try handle.close()
        #expect {
            let a = try PacketArchive(path: path, create: false)
            _ = try a.rows()
        } throws: { e in
            let s = "\(e)"
            return s.contains("damaged") || s.contains("malformed")
        }
    }

    @Test func csvQuotesWhatNeedsQuotingAndCarriesTheBytes() {
        let rows = [PacketArchive.Row(id: 1, received: 2.5, packet: Self.packet(1))]
        let csv = PacketArchive.csv(rows)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == Substring(PacketArchive.csvHeader))
        #expect(lines[1].contains("\"COMMAND: Opcode 1, \"\"quoted\"\"\""))
        #expect(lines[1].hasSuffix(rows[0].packet.bytes.map { String(format: "%02x", $0) }.joined()))
    }

    @Test func plotHasOnePolylinePerChannelWithEveryPoint() {
        let svg = TelemetryPlot(title: "a < b", series: [
            .init(name: "x", points: (0..<10).map { (Double($0), Double($0 * $0)) }),
            .init(name: "y", points: [(0, 1), (9, -1)]),
        ]).svg
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("a &lt; b"))
        let polylines = svg.components(separatedBy: "<polyline").dropFirst()
        #expect(polylines.count == 2)
        #expect(polylines.first!.components(separatedBy: "points=\"")[1].split(separator: "\"")[0].split(separator: " ").count == 10)
    }
}
