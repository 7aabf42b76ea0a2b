import Configuration
import Testing

@Suite("Board files")
struct BoardTests {
    static let boards = ["sim", "sim-pty", "sim-vcan", "bench"]

    @Test(arguments: boards)
    func shippedBoardsLoad(name: String) throws {
        let board = try Board.load(contentsOf: "Boards/\(name).yaml")
        #expect(board.name == name)
        #expect(Set(board.devices.map(\.name)) == Set(Board.knownDevices))
    }

    @Test func theDefaultBoardIsAllInProcess() throws {
        let board = try Board.load(contentsOf: "Boards/sim.yaml")
        #expect(board.simulator == .embedded)
        #expect(board.devices.allSatisfy { $0.transport == .simulated })
        #expect(board.canBuses.isEmpty)
    }

    @Test func canDevicesOnOneTransportShareOneBus() throws {
        let board = try Board.load(contentsOf: "Boards/sim-vcan.yaml")
        #expect(board.device("imu")?.transport == .pty(path: "/tmp/regolith-sim/imu", baud: 921_600))
        #expect(board.canBuses.count == 1)
        #expect(board.canBuses.first?.transport == .socketCAN(interface: "vcan0"))
        #expect(board.canBuses.first?.devices == ["engine", "attitude", "legs", "wheels", "hazard"])
        let bench = try Board.load(contentsOf: "Boards/bench.yaml")
        #expect(bench.canBuses.map(\.transport) == [
            .socketCAN(interface: "can0"), .socketCAN(interface: "can1"), .slcan(path: "/dev/ttyACM0", bitrate: 500_000),
        ])
        #expect(bench.ground == .tcpListen(host: "127.0.0.1", port: 50000))
    }

    /// Each bad board and the one error it must give (line:col and message).
    @Test(arguments: [
        ("board: x\nsimulator: embedded\ndevices:\n  imu: sim\n  gyro: sim\n",
         "b.yaml:5:3: error: unknown device 'gyro' (known: imu, altimeter, engine, attitude, legs, power, wheels, rover-imu, hazard)"),
        ("board: x\nsimulator: embedded\ndevices:\n  altimetr: sim\n",
         "b.yaml:4:3: error: unknown device 'altimetr'; did you mean 'altimeter'? (known: imu, altimeter, engine, attitude, legs, power, wheels, rover-imu, hazard)"),
        ("board: x\nsimulator: none\ndevices:\n  imu: {serial: /dev/ttyUSB0, baud: 115201}\n",
         "b.yaml:4:37: error: device 'imu': baud 115201 is not a rate the serial driver can set; nearest is 115200"),
        ("board: x\nsimulator: none\ndevices:\n  imu: {baud: 9600}\n",
         "b.yaml:4:8: error: device 'imu' needs a transport: one of sim, serial, pty, unix, can, slcan, simbus"),
        ("board: x\nsimulator: none\ndevices:\n  imu: sim\n",
         "b.yaml:4:8: error: device 'imu' is on 'sim', the in-process simulated link, but the board's simulator is 'none': only 'embedded' has one"),
        ("board: x\nsimulator: none\ndevices:\n  engine: {can: a_very_long_interface}\n",
         "b.yaml:4:17: error: device 'engine': 'a_very_long_interface' is not a network interface name (1 to 15 characters, no '/' or spaces, e.g. can0)"),
        ("board: x\nsimulator: none\ndevices:\n  imu: {serial: ttyUSB0}\n",
         "b.yaml:4:17: error: device 'imu': 'ttyUSB0' must be an absolute path"),
        ("board: x\nsimulator: none\ndevices:\n  imu: {serial: /dev/ttyUSB0}\n  power: {serial: /dev/ttyUSB0}\n",
         "b.yaml:5:3: error: device 'power' is on /dev/ttyUSB0, which 'imu' already uses; a byte stream has one device"),
        ("board: x\nsimulator: lockstep\ndevices:\n  imu: sim\n",
         "b.yaml:2:12: error: 'simulator' is 'lockstep', expected one of embedded, process, none"),
        ("board: x\nsimulator: embedded\ndevices:\n  imu: sim\nground: {tcp: localhost}\n",
         "b.yaml:5:15: error: ground: 'localhost' must be host:port with a port 1...65535, e.g. 127.0.0.1:50000"),
        ("board: x\nsimulatr: embedded\ndevices:\n  imu: sim\n",
         "b.yaml:2:1: error: unknown key 'simulatr' in the document; did you mean 'simulator'? (allowed: board, summary, simulator, devices, ground)"),
        ("board: x\nsimulator: none\ndevices:\n  hazard: {slcan: /dev/ttyACM0, bitrate: 300000}\n",
         "b.yaml:4:42: error: device 'hazard': an SLCAN adapter runs at 10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000 bit/s, not 300000"),
        ("board: x\nsimulator: embedded\ndevices:\n  imu: {pty: /tmp/imu}\n",
         "b.yaml:4:8: error: device 'imu': 'pty' needs 'simulator: process' (the simulator process creates the terminal)"),
        ("board: x\nsimulator: embedded\ndevices:\n  imu: [sim\n",
         "b.yaml:5:1: error: YAML syntax: did not find expected ',' or ']' while parsing a flow sequence"),
        ("- just\n- a list\n", "b.yaml:1:1: error: the document must be a mapping, found a list"),
    ])
    func badBoardsAreRefusedWithTheirLocation(text: String, expected: String) {
        do {
            _ = try Board.parse(text, file: "b.yaml")
            Issue.record("accepted a bad board")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func everyProblemInAFileIsReportedAtOnce() {
        let text = "board: x\nsimulator: none\ndevices:\n  gyro: sim\n  imu: {serial: rel}\n  engine: {can: ''}\n"
        do {
            _ = try Board.parse(text, file: "b.yaml")
            Issue.record("accepted a bad board")
        } catch {
            #expect(error.errors.map(\.line) == [4, 5, 6])
        }
    }
}
