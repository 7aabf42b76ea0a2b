import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

@Suite struct LanderRigTests {
    /// Engine off in free flight: the IMU reads ~0 specific force, 100 samples per simulated
    /// second with consecutive counters; the altimeter ranges about the altitude.
    @Test(arguments: Transport.allCases) func freeFlightThroughTheLinks(_ transport: Transport) {
        let (rig, fc) = Fixtures.lander(transport: transport)
        rig.step(1_000)
        let acc = fc.drain("imu").accelerations
        #expect(acc.count == 100)
        #expect(acc.allSatisfy { $0.valid && abs($0.x) < 0.05 && abs($0.y) < 0.05 && abs($0.z) < 0.05 })
        #expect(zip(acc, acc.dropFirst()).allSatisfy { $1.counter == $0.counter &+ 1 })
        let beams = fc.drain("altimeter").beams.filter { $0.beam == 0 }
        #expect(beams.count == 20)
        // Beam 0 looks straight down from 15 km (the feet are ~2 m lower).
        #expect(beams.allSatisfy { $0.rangeValid && abs($0.range - 15_000) < 30 })
        #expect(fc.drain("power").powers.last.map { $0.chargeValid && $0.stateOfCharge > 90 } == true)
        #expect(fc.drain("legs").legs.last.map { $0.contact.isEmpty && $0.valid == .all } == true)
        #expect(rig.truth.thrust == 0 && rig.unconnectedDevices.isEmpty)
    }

    /// Arm, then fire at full throttle: the world's thrust follows the controller, the engine
    /// status and the IMU see it.
    @Test(arguments: Transport.allCases) func armAndFire(_ transport: Transport) {
        let (rig, fc) = Fixtures.lander(transport: transport)
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 1)))
        rig.step(20)
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 100, valve: .open, arm: true, counter: 2)))
        rig.step(2_000)
        #expect(rig.engine.state.isFiring && rig.engine.acceptedCommands == 2)
        let vehicle = rig.world.simulation.dynamics.vehicle
        #expect(abs(rig.truth.thrust - vehicle.maxThrust) < 0.01 * vehicle.maxThrust)
        let status = fc.drain("engine").engineStatuses
        #expect(status.last.map { $0.armed && $0.valve == .open && $0.thrust > 7_000 && $0.commandCounter == 2 } == true)
        let a = fc.drain("imu").accelerations.last!
        let f = (a.x * a.x + a.y * a.y + a.z * a.z).squareRoot()
        #expect(abs(f - rig.truth.thrust / rig.truth.state.mass) < 0.05)
        #expect(rig.truth.propellantUsed > 0)
    }

    /// An attitude target turns the thrust axis; the unit's pointing error shrinks to settled.
    @Test func attitudeTarget() {
        let (rig, fc) = Fixtures.lander(transport: .can)
        let back = -1 * rig.world.state.velocity.normalized
        fc.send("attitude", .attitudeCommand(AttitudeCommand(axis: (back.x, back.y, back.z), counter: 1)))
        rig.step(100)
        let first = fc.drain("attitude").attitudeStatuses.last!
        #expect(first.pointingError > 45 && !first.holding)
        var last = first
        for _ in 0..<300 {  // 30 s, read as a driver would (the bus queues are bounded)
            rig.step(100)
            last = fc.drain("attitude").attitudeStatuses.last ?? last
        }
        #expect(last.pointingError < 1 && last.settled)
        #expect(rig.world.attitude.thrustAxis.dot(back) > 0.999)
    }

    /// A rate that is no whole number of steps (30 Hz at 1 ms: every 33 steps) still gives
    /// one publication per model sample.
    @Test func publicationFollowsTheModelsSamples() {
        let fc = FlightSide(LanderRig.devices, transport: .bytes)
        var c = LanderRig.Configuration.descent(seed: 4, terrain: Fixtures.terrain)
        c.world.imu.rate = 30
        let rig = LanderRig(c, links: fc.links)
        rig.step(33 * 30)
        #expect(rig.world.imu.latest.sequence == 30)
        #expect(fc.drain("imu").accelerations.count == 30 && rig.imu.publication.schedule.skipped == 0)
    }

    /// The sim-pty layout (byte and CAN devices mixed) in one process.
    @Test func mixedLayout() {
        let fc = FlightSide(InProcessDeviceLinks.lander())
        let rig = LanderRig(.descent(seed: 2, terrain: Fixtures.terrain), links: fc.links)
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 1)))
        rig.step(500)
        #expect(fc.drain("imu").accelerations.count == 50 && fc.drain("engine").engineStatuses.last?.armed == true)
        #expect(rig.unconnectedDevices.isEmpty)
    }

    /// Bad bytes from the flight side are counted by the emulator's endpoint, never fatal.
    @Test func garbageFromTheFlightSide() {
        let flight = FlightSide(LanderRig.devices, transport: .bytes)
        let rig = LanderRig(.descent(seed: 1, terrain: Fixtures.terrain), links: flight.links)
        guard case .bytes(let engineLink) = flight.endpoints["engine"]!.link else { return }
        var junk = [UInt8](repeating: 0, count: 3_000)
        for i in junk.indices { junk[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        _ = engineLink.writeAll(junk)
        rig.step(100)
        #expect(rig.engine.endpoint.counts.rejected > 0 && rig.engine.acceptedCommands == 0)
    }
}
