import Configuration
import FlightHAL
import FlightWire
import Foundation
import Testing

@Suite("Opening a board's links on both sides")
struct BoardLinksTests {
    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "regolith-board-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A board like sim-pty.yaml in a private directory: the simulator side makes the PTYs and
    /// serves the bus, the flight side opens the same file's paths; bytes and frames cross.
    @Test func aSimulatorProcessBoardConnectsBothSides() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = """
            board: t
            simulator: process
            devices:
              imu: {pty: \(dir)/imu, baud: 921600}
              engine: {simbus: \(dir)/can.sock}
              legs: {simbus: \(dir)/can.sock}
            """
        let board = try Board.parse(text, file: "t.yaml")
        let sim = try BoardLinks(board: board, side: .simulator)
        defer { sim.close() }
        #expect(FileManager.default.fileExists(atPath: "\(dir)/imu"))
        let flight = try BoardLinks(board: board, side: .flight)
        defer { flight.close() }

        guard case .bytes(let simIMU)? = sim.link(for: "imu"), case .bytes(let fswIMU)? = flight.link(for: "imu") else {
            Issue.record("imu is not a byte link"); return
        }
        var got: [UInt8] = []
        // The PTY's far end is open once the flight side's SerialPort has opened the link.
        var written = 0
        for _ in 0..<500 where written == 0 {
            written = simIMU.writeAll([1, 2, 3, 4])
            if written == 0 { Syscall.sleep(milliseconds: 2) }
        }
        #expect(written == 4)
        for _ in 0..<2000 where got.count < 4 {
            var buf = [UInt8](repeating: 0, count: 16)
            let n = buf.withUnsafeMutableBytes { fswIMU.read(into: $0) }
            got += buf[0..<n]
            Syscall.sleep(milliseconds: 2)
        }
        #expect(got == [1, 2, 3, 4])

        guard case .frames(let simEngine)? = sim.link(for: "engine"), case .frames(let fswEngine)? = flight.link(for: "engine"),
            case .frames(let fswLegs)? = flight.link(for: "legs")
        else { Issue.record("CAN devices are not frame links"); return }
        let status = try CANFrame(id: .standard(0x11), data: [9, 9])
        #expect(simEngine.send(status) == .sent)
        var engineSaw: CANFrame?, legsSaw: CANFrame?
        for _ in 0..<500 where engineSaw == nil || legsSaw == nil {
            if engineSaw == nil { engineSaw = fswEngine.receive()?.frame }
            if legsSaw == nil { legsSaw = fswLegs.receive()?.frame }
            Syscall.sleep(milliseconds: 2)
        }
        #expect(engineSaw == status)
        #expect(legsSaw == status)  // both flight devices share one connection to the bus
    }

    @Test func aMissingDeviceNamesTheBoardLineAndDevice() throws {
        let board = try Board.parse("board: t\nsimulator: none\ndevices:\n  imu: {serial: /dev/regolith-no-such-port}\n", file: "t.yaml")
        do {
            _ = try BoardLinks(board: board, side: .flight)
            Issue.record("opened a port that does not exist")
        } catch {
            #expect(error.description.hasPrefix("t.yaml:4: device 'imu' on serial /dev/regolith-no-such-port @ 115200: "))
        }
    }

    @Test func theSimulatorRefusesToReplaceARegularFileWithAPTY() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: "\(dir)/imu", contents: Data("keep".utf8))
        let board = try Board.parse("board: t\nsimulator: process\ndevices:\n  imu: {pty: \(dir)/imu}\n", file: "t.yaml")
        #expect(throws: BoardLinkError.self) { try BoardLinks(board: board, side: .simulator) }
        #expect(FileManager.default.contents(atPath: "\(dir)/imu") == Data("keep".utf8))
    }

    @Test func inProcessDevicesUseTheCallersLinks() throws {
        let board = try Board.load(contentsOf: "Boards/sim.yaml")
        let (a, _) = SimulatedByteLink.pair()
        let links = try BoardLinks(board: board, side: .flight, devices: ["imu"]) { $0 == "imu" ? .bytes(a) : nil }
        #expect(links.links.map(\.device) == ["imu"])
        #expect(throws: BoardLinkError.self) { try BoardLinks(board: board, side: .flight) { _ in nil } }
    }
}
