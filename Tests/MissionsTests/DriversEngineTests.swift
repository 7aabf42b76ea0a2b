import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

/// The engine controller driver (instance `engine`) on the lander's topics, with the engine
/// controller's emulator on the other end of its link.
struct EngineRig {
    let bench: DriverBench
    let driver: EngineControllerDriver
    let topics: LanderTopics
    let status: Subscription<EngineStatusSample>
    let emulator: EngineControllerEmulator

    init(_ kind: DriverLink, ratedThrust: Double = 7_500) throws {
        let link = BenchLink.make(kind)
        var parts: (EngineControllerDriver, LanderTopics, Subscription<EngineStatusSample>)?
        bench = try DriverBench { b in
            let topics = try LanderTopics(on: b.bus)
            let status = try topics.engineStatus.subscribe("test", capacity: 1024)
            let d = try EngineControllerDriver(link: link.flight, publishing: topics.engineStatus, following: topics.engineDemand, ratedThrust: ratedThrust)
            parts = (d, topics, status)
            b.add(d)
            return RateGroup("devices", d)
        }
        (driver, topics, status) = parts!
        emulator = EngineControllerEmulator(link: link.device)
        bench.emulators = [emulator]
    }

    func demand(_ d: EngineThrustDemand) { topics.engineDemand.publish(d) }
}

@Suite struct DriversEngineTests {
    @Test(arguments: DriverLink.allCases) func aBurnDemandArmsThenOpensTheValve(_ kind: DriverLink) throws {
        let rig = try EngineRig(kind)
        rig.emulator.measurement = .init(thrust: 3_700, chamberPressure: 0.85)
        rig.demand(.burn(thrust: 3_750))
        rig.bench.step()
        // First command: armed, valve held (the controller opens only once armed).
        #expect(rig.emulator.latestCommand == nil)
        rig.bench.step()
        let first = try #require(rig.emulator.latestCommand)
        #expect(first.arm && first.valve == .hold && !first.shutdown)
        #expect(rig.emulator.state.armed && !rig.emulator.state.isFiring)

        rig.bench.run(milliseconds: 100)
        let c = try #require(rig.emulator.latestCommand)
        #expect(c.arm && c.valve == .open && c.throttle == 50 && !c.shutdown)
        #expect(rig.emulator.state == .init(armed: true, valve: .open, throttle: 50))
        #expect(rig.emulator.rejectedCommands == 0)

        let s = try #require(rig.driver.latest)
        #expect(s.armed && s.valve == .open && s.isFiring && !s.shutdownLatched)
        #expect(s.thrust == 3_700 && abs(s.chamberPressure - 850_000) < 1e-6)  // MPa on the wire, Pa here
        #expect(s.thrustValid && s.pressureValid && s.faults == 0)
        #expect(s.commandAcknowledged && s.commandCounter == rig.driver.lastSent?.counter)
        #expect(drain(rig.status).count == 6)  // 50 Hz: 0, 20, ..., 100 ms
        #expect(try rig.bench.value("engine.Armed") == .bool(true))
        #expect(try rig.bench.value("engine.Valve") == .enumeration(1))
        #expect(try rig.bench.value("engine.ThrottleCommand") == .f64(50))
        #expect(try rig.bench.value("engine.CommandAcknowledged") == .bool(true))
        #expect(try rig.bench.count("engine.AckTimeouts") == 0)
        #expect(try rig.bench.health("engine") == .good)
    }

    @Test func anUnchangedCommandIsRepeatedEveryCommandPeriodWithANewCounter() throws {
        let rig = try EngineRig(.can)
        rig.demand(.burn(thrust: 1_500))
        rig.bench.run(milliseconds: 100)
        let accepted = rig.emulator.acceptedCommands
        rig.bench.run(milliseconds: 500)
        #expect(rig.emulator.acceptedCommands - accepted == 5)
        #expect(rig.emulator.rejectedCommands(.repeatedCounter) == 0)
        #expect(rig.emulator.state.throttle == 20)
    }

    @Test(arguments: DriverLink.allCases) func shutdownLatchesAndABurnAfterItClearsTheLatchFirst(_ kind: DriverLink) throws {
        let rig = try EngineRig(kind)
        rig.demand(.burn(thrust: 7_500))
        rig.bench.run(milliseconds: 100)
        #expect(rig.emulator.state.isFiring)

        rig.demand(.shutdownNow)
        rig.bench.run(milliseconds: 50)
        #expect(rig.emulator.state == .init(armed: false, valve: .closed, throttle: 0, shutdownLatched: true))
        #expect(rig.driver.latest?.shutdownLatched == true)

        rig.demand(.burn(thrust: 7_500))
        rig.bench.run(milliseconds: 200)
        #expect(rig.emulator.state == .init(armed: true, valve: .open, throttle: 100))
        // Safe command, arm, open: the controller refused nothing.
        #expect(rig.emulator.rejectedCommands == 0)
        #expect(try rig.bench.count("engine.AckTimeouts") == 0)
    }

    @Test func engineShutdownCommandOverridesTheDemandUntilFollowDemand() throws {
        let rig = try EngineRig(.bytes)
        rig.demand(.burn(thrust: 3_000))
        rig.bench.run(milliseconds: 100)
        #expect(try rig.bench.send("engine.ENGINE_SHUTDOWN") == .ok)
        rig.bench.run(milliseconds: 50)
        #expect(rig.emulator.state.shutdownLatched && !rig.emulator.state.isFiring)
        rig.demand(.burn(thrust: 3_000))  // ignored while shut down by command
        rig.bench.run(milliseconds: 200)
        #expect(!rig.emulator.state.isFiring)
        #expect(try rig.bench.value("engine.Source") == .enumeration(2))

        #expect(try rig.bench.send("engine.ENGINE_FOLLOW_DEMAND") == .ok)
        rig.bench.run(milliseconds: 200)
        #expect(rig.emulator.state == .init(armed: true, valve: .open, throttle: 40))
        #expect(try rig.bench.events("engine.SourceChanged").map(\.args) == [[.enumeration(2)], [.enumeration(0)]])
    }

    @Test func engineManualIsHazardousAndFollowedOnceArmed() throws {
        let rig = try EngineRig(.can)
        rig.bench.run(milliseconds: 20)
        let manual: [ArgumentValue] = [.value(.bool(true)), .value(.bool(true)), .value(.f64(25))]
        #expect(try rig.bench.send("engine.ENGINE_MANUAL", manual) != .ok)
        let op = try #require(rig.bench.topology.opcode("engine.ENGINE_MANUAL"))
        #expect(try rig.bench.send("cmdDisp.ARM", [.value(.u32(op.rawValue))]) == .ok)
        #expect(try rig.bench.send("engine.ENGINE_MANUAL", manual) == .ok)
        rig.bench.run(milliseconds: 100)
        #expect(rig.emulator.state == .init(armed: true, valve: .open, throttle: 25))
        #expect(try rig.bench.value("engine.Source") == .enumeration(1))
    }

    @Test func aCommandTheStatusNeverEchoesIsReported() throws {
        let rig = try EngineRig(.bytes)
        rig.demand(.burn(thrust: 3_000))
        rig.bench.run(milliseconds: 100)
        rig.emulator.publication.faults.muted = true
        rig.demand(.burn(thrust: 6_000))
        rig.bench.run(milliseconds: 240)
        #expect(try rig.bench.count("engine.AckTimeouts") == 0)
        rig.bench.run(milliseconds: 20)
        #expect(try rig.bench.count("engine.AckTimeouts") == 1)
        #expect(try rig.bench.value("engine.CommandAcknowledged") == .bool(true), "the last status seen did echo its command")
        let event = try #require(try rig.bench.events("engine.CommandNotAcknowledged").first)
        #expect(event.args[1].doubleValue > 0.25)
        #expect(try rig.bench.health("engine") == .stale)
        // The controller did take the commands: only its status is lost. Still firing, at 80 %.
        #expect(rig.emulator.state.throttle == 80)

        rig.emulator.publication.faults.muted = false
        rig.bench.run(milliseconds: 50)
        #expect(try rig.bench.health("engine") == .good)
        #expect(rig.driver.latest?.commandAcknowledged == true)
    }

    @Test func thrustIsClampedAndABadThrustIsZero() throws {
        let rig = try EngineRig(.can)
        rig.demand(.burn(thrust: 10_000))
        rig.bench.run(milliseconds: 100)
        #expect(rig.emulator.state.throttle == 100)
        #expect(try rig.bench.count("engine.ThrustClamped") > 0)
        rig.demand(.burn(thrust: .nan))
        rig.bench.run(milliseconds: 50)
        #expect(rig.emulator.state.throttle == 0)
        #expect(try rig.bench.count("engine.InvalidDemands") == 1)
        #expect(try rig.bench.events("engine.InvalidDemand").count == 1)
        rig.demand(.burn(thrust: -5))
        rig.bench.run(milliseconds: 50)
        #expect(try rig.bench.count("engine.InvalidDemands") == 1, "one report per episode of bad demands")
    }

    @Test func ratedThrustIsAParameter() throws {
        let rig = try EngineRig(.can)
        #expect(try rig.bench.send("engine.RATED_THRUST_PRM_SET", [.value(.f64(45_040))]) == .ok)
        rig.demand(.burn(thrust: 22_520))
        rig.bench.run(milliseconds: 100)
        #expect(rig.emulator.state.throttle == 50)
    }

    @Test func theEngineReportsItsFaults() throws {
        let rig = try EngineRig(.can)
        rig.bench.run(milliseconds: 50)
        rig.emulator.measurement.faults = [.flameout]
        rig.bench.run(milliseconds: 50)
        #expect(rig.driver.latest?.faults == EngineControllerStatus.Faults.flameout.rawValue)
        #expect(try rig.bench.events("engine.EngineFaults").map(\.args) == [[.u8(2)]])
        #expect(try rig.bench.value("engine.Faults") == .u8(2))
    }
}
