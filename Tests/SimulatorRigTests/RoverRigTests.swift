import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

@Suite struct RoverRigTests {
    static func drive(_ fc: FlightSide, speed: Double, counter: UInt8) {
        for w in 0..<6 { fc.send("wheels", .wheelCommand(WheelCommand(wheel: w, speed: speed, counter: counter))) }
    }

    /// Six wheel commands on one link drive the rover; each controller reports its wheel.
    @Test(arguments: Transport.allCases) func driveForward(_ transport: Transport) {
        let (rig, fc) = Fixtures.rover(transport: transport)
        for i in 0..<100 {  // 10 s, commands at 10 Hz (inside the 0.5 s timeout)
            Self.drive(fc, speed: 0.3, counter: UInt8(i + 1))
            rig.step(10)
        }
        #expect(rig.truth.distance > 0.3 && rig.truth.distance < 0.5)  // 0.3 rad/s x 0.15 m x 10 s = 0.45 m, less slip
        let statuses = fc.drain("wheels").wheelStatuses
        for w in 0..<6 {
            let last = statuses.last { $0.wheel == w }
            #expect(last.map { $0.valid && $0.enabled && abs($0.speed - 0.3) < 0.01 && !$0.stall } == true)
        }
        #expect(fc.drain("rover-imu").roverAttitudes.last.map { $0.inclinometerValid } == true)
        #expect(fc.drain("hazard").hazards.last.map { $0.valid == .all } == true)
        #expect(fc.drain("power").powers.last.map { $0.chargeValid } == true)
    }

    /// Without commands the controllers time out and the rover stops.
    @Test func commandTimeoutStops() {
        let (rig, fc) = Fixtures.rover(transport: .can)
        Self.drive(fc, speed: 0.3, counter: 1)
        rig.step(200)
        #expect(rig.world.command == .stop)
        #expect(fc.drain("wheels").wheelStatuses.last.map { $0.commandTimeout } == true)
    }
}
