import Configuration
import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

/// The repository's board files, found from this file's path.
func boardPath(_ name: String) -> String {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/MissionsTests/<file>
    return parts.joined(separator: "/") + "/Boards/" + name
}

/// The in-process links of a simulated board, as a harness would give them: serial-style
/// devices on byte pairs, CAN devices on one simulated bus that the flight side shares through
/// one node (as ``Configuration/BoardLinks`` shares a real bus).
final class SimulatedBoard {
    let bus = SimulatedFrameBus(supportsFD: false)
    let shared: SharedFrameLink
    var deviceEnds: [String: DeviceEndpoint.Link] = [:]
    static let onBytes: Set<String> = ["imu", "altimeter", "power", "rover-imu"]

    init() { shared = SharedFrameLink(bus.attach("fc", queueCapacity: 4096)) }

    /// The flight side's link for `device` (BoardLinks' `simulated` closure).
    func flightLink(_ device: String) -> DeviceLink? {
        if Self.onBytes.contains(device) {
            let (fc, dev) = SimulatedByteLink.pair("fc-\(device)", device, capacity: 1 << 16)
            deviceEnds[device] = .bytes(dev)
            return .bytes(fc)
        }
        return .frames(shared.branch(device))
    }

    /// A device node on the bus (one per emulator).
    func node(_ name: String) -> DeviceEndpoint.Link { .frames(bus.attach(name)) }
}

@Suite struct DriversSetTests {
    @Test func landerDriversFromTheDefaultBoardFileRunAgainstEveryEmulator() throws {
        let board = try Board.load(contentsOf: boardPath("sim.yaml"))
        let sim = SimulatedBoard()
        let links = try BoardLinks(board: board, side: .flight, devices: LanderDrivers.devices, simulated: sim.flightLink)
        defer { links.close() }
        #expect(links.links.map(\.device) == ["imu", "altimeter", "engine", "legs", "power"])

        var drivers: LanderDrivers?
        var subs: (Subscription<Missions.IMUSample>, Subscription<Missions.AltimeterSample>, Subscription<Missions.LegContactSample>, Subscription<Missions.PowerSample>, Subscription<EngineStatusSample>)?
        let bench = try DriverBench { b in
            let d = try LanderDrivers(links: DeviceEndpoint.Link.byDevice(links), into: &b)
            drivers = d
            subs = (
                try d.topics.imu.subscribe("navigation", capacity: 256), try d.topics.altimeter.subscribe("navigation", capacity: 64),
                try d.topics.legContact.subscribe("descent", capacity: 256), try d.topics.power.subscribe("faults", capacity: 8),
                try d.topics.engineStatus.subscribe("descent", capacity: 128)
            )
            return d.rateGroup()
        }
        let d = try #require(drivers)
        #expect(d.components.map(\.name) == ["imu", "altimeter", "engine", "legs", "power"])
        let imu = LanderIMUEmulator(link: try #require(sim.deviceEnds["imu"]))
        imu.measurement = .init(specificForce: (0, 0, 1.625))
        let altimeter = AltimeterEmulator(link: try #require(sim.deviceEnds["altimeter"]))
        altimeter.measurement.beams = Array(repeating: .init(range: 1_500, rangeRate: -20, rangeValid: true, rateValid: true), count: 4)
        let power = PowerUnitEmulator(link: try #require(sim.deviceEnds["power"]))
        let engine = EngineControllerEmulator(link: sim.node("engine"))
        let legs = LegContactEmulator(link: sim.node("legs"))
        bench.emulators = [imu, altimeter, power, engine, legs]
        d.topics.engineDemand.publish(.burn(thrust: 6_000))
        bench.run(milliseconds: 1_000)

        let (imuSub, altSub, legSub, powerSub, engineSub) = try #require(subs)
        #expect(drain(imuSub).count == 100)
        #expect(drain(altSub).allSatisfy { $0.range == SIMD4(repeating: 1_500) && $0.rangeValid == 0x0F })
        #expect(drain(legSub).count == 100)
        #expect(drain(powerSub).count == 2)
        #expect(drain(engineSub).last?.isFiring == true)
        #expect(engine.state == .init(armed: true, valve: .open, throttle: 80))
        for name in ["imu", "altimeter", "engine", "legs", "power"] {
            #expect(try bench.health(name) == .good, "\(name)")
            #expect(try bench.count("\(name).Rejected") == 0, "\(name)")
        }
        // The engine and legs share the bus through one node: each driver's endpoint takes only
        // its device's ids and counts the other's messages as ignored.
        #expect(try bench.count("legs.Ignored") > 0 && bench.count("engine.Ignored") > 0)
    }

    @Test func roverDriversFromTheDefaultBoardFile() throws {
        let board = try Board.load(contentsOf: boardPath("sim.yaml"))
        let sim = SimulatedBoard()
        let links = try BoardLinks(board: board, side: .flight, devices: RoverDrivers.devices, simulated: sim.flightLink)
        defer { links.close() }
        var drivers: RoverDrivers?
        var status: Subscription<WheelStatusSample>?
        let bench = try DriverBench { b in
            let d = try RoverDrivers(links: DeviceEndpoint.Link.byDevice(links), into: &b)
            drivers = d
            status = try d.topics.wheelStatus.subscribe("drive", capacity: 64)
            return d.rateGroup()
        }
        let d = try #require(drivers)
        #expect(d.power == nil)
        #expect(d.components.map(\.name) == ["wheels", "roverIMU", "hazard"])
        let wheels = (0..<6).map { WheelMotorEmulator(wheel: $0, link: sim.node("wheel\($0)")) }
        let attitude = RoverIMUEmulator(link: try #require(sim.deviceEnds["rover-imu"]))
        attitude.measurement = .init(roll: 0.05, pitch: -0.1)
        let hazard = HazardRangeEmulator(link: sim.node("hazard"))
        hazard.measurement = .init(left: 3, center: 2.5, right: nil)
        bench.emulators = wheels + [attitude, hazard]
        d.topics.wheelDemand.publish(.sides(left: 0.8, right: 0.8))
        bench.run(milliseconds: 500)
        #expect(wheels.map(\.commandedSpeed) == Array(repeating: 0.8, count: 6))
        #expect(drain(try #require(status)).last?.fresh == 0x3F)
        #expect(d.attitude.latest?.pitch == -0.1)
        #expect(d.hazard.latest?.clearance(2) == .infinity)
        for name in ["wheels", "roverIMU", "hazard"] { #expect(try bench.health(name) == .good, "\(name)") }
    }

    @Test func aMissingDeviceIsRefusedWithTheBoardsDevicesNamed() throws {
        var b = TopologyBuilder(name: "T", baseRate: 100)
        let (fc, _) = SimulatedByteLink.pair()
        #expect {
            _ = try LanderDrivers(links: ["imu": .bytes(fc)], into: &b)
        } throws: { error in
            "\(error)" == "the lander needs a link for device 'altimeter'; the board gives links for: imu"
        }
    }

    /// The local ids docs/services/device-drivers.md lists (its tables are checked here, so they
    /// cannot drift from the code).
    @Test func theDocumentedLocalIDsAreTheDictionarysOnes() throws {
        var b = TopologyBuilder(name: "Ids", baseRate: 100)
        let sim = SimulatedBoard()
        var lander: [String: DeviceEndpoint.Link] = [:]
        for d in LanderDrivers.devices { lander[d] = DeviceEndpoint.Link(try #require(sim.flightLink(d))) }
        var rover: [String: DeviceEndpoint.Link] = [:]
        for d in RoverDrivers.devices { rover[d] = DeviceEndpoint.Link(try #require(sim.flightLink(d))) }
        let l = try LanderDrivers(links: lander, into: &b)
        var r2 = TopologyBuilder(name: "Ids2", baseRate: 100)
        _ = try RoverDrivers(links: rover, into: &r2)
        b.add(l.rateGroup(), divisor: 1)
        let t = try b.build(), rt = try r2.build()
        func base(_ t: Topology, _ n: String) throws -> UInt32 { try #require(t.members.first { $0.component.name == n }).baseID }
        func channel(_ t: Topology, _ q: String) throws -> UInt32 {
            try #require(t.channelID(q)).rawValue - base(t, String(q.split(separator: ".")[0]))
        }
        func event(_ t: Topology, _ q: String) throws -> UInt32 {
            try #require(t.eventID(q)).rawValue - base(t, String(q.split(separator: ".")[0]))
        }
        func opcode(_ t: Topology, _ q: String) throws -> UInt32 {
            try #require(t.opcode(q)).rawValue - base(t, String(q.split(separator: ".")[0]))
        }
        #expect(try channel(t, "imu.Health") == 0x00 && channel(t, "imu.LastRejection") == 0x09 && channel(t, "imu.DrainLimited") == 0x0E)
        #expect(try channel(t, "imu.Saturated") == 0x20 && channel(t, "power.Faults") == 0x23)
        #expect(try event(t, "legs.HealthDegraded") == 0x00 && event(t, "legs.SendsRefused") == 0x04 && event(t, "legs.Resynced") == 0x06)
        #expect(try opcode(t, "altimeter.RESYNC") == 0 && opcode(t, "altimeter.CLEAR_COUNTS") == 1 && opcode(t, "altimeter.STALE_TIMEOUT_PRM_SET") == 2)
        #expect(try channel(t, "engine.Source") == 0x20 && channel(t, "engine.ThrustClamped") == 0x2E)
        #expect(try event(t, "engine.SourceChanged") == 0x20 && event(t, "engine.InvalidDemand") == 0x23)
        #expect(try opcode(t, "engine.ENGINE_SHUTDOWN") == 0x20 && opcode(t, "engine.ENGINE_MANUAL") == 0x22)
        #expect(t.parameters.value(of: ParameterID(try base(t, "engine") + 0x22)) == .f64(0.25))  // ACK_TIMEOUT
        #expect(try channel(rt, "wheels.Source") == 0x20 && channel(rt, "wheels.ControllerTimeouts") == 0x2B)
        #expect(try event(rt, "wheels.DemandTimedOut") == 0x21 && event(rt, "wheels.WheelsStale") == 0x24)
        #expect(try opcode(rt, "wheels.WHEELS_MANUAL") == 0x22)
        #expect(rt.parameters.value(of: ParameterID(try base(rt, "wheels") + 0x22)) == .f64(1))  // DEMAND_TIMEOUT
        #expect(try channel(rt, "roverIMU.Pitch") == 0x21 && channel(rt, "hazard.WorkingBeams") == 0x20)
        // Topic ids and names.
        #expect(t.bus.topics.map { String($0.id.rawValue, radix: 16) + " " + $0.name } == [
            "100 LanderIMU", "101 Altimeter", "102 LegContact", "103 EngineStatus", "104 LanderPower", "110 EngineThrustDemand",
        ])
        #expect(rt.bus.topics.map(\.name) == ["WheelStatus", "RoverAttitude", "Hazard", "RoverPower", "WheelDemand"])
    }
}
