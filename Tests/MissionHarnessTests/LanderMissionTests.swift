import Foundation
import MissionHarness
import Missions
import Simulator
import Testing

@Suite("Lander descent, flight software and simulator in lockstep (Boards/sim.yaml)")
struct LanderMissionTests {
    @Test func nominalDescentProbe() throws {
        var o = LanderMission.Options()
        o.maxTime = Double(ProcessInfo.processInfo.environment["T"] ?? "1100")!
        let m = try LanderMission(options: o)
        m.run()
        for r in m.log where Int(r.time) % 25 == 0 {
            print(String(format: "t %6.1f %@ h %8.1f sph %8.1f nav %8.1f vz %7.2f vh %7.2f T %6.0f prop %6.1f d %8.0f", r.time, "\(r.phase)", r.altitude, r.sphereAltitude, r.navAltitude, r.verticalSpeed, r.horizontalSpeed, r.thrust, r.propellantUsed, r.distanceToSite))
        }
        print(m.commandResponses.map { "\($0.name) \($0.response)" })
        print("touchdown", m.rig.world.touchdown as Any)
        for e in m.flight.topology.events.records.suffix(80) { print(e.time, m.flight.topology.events.infos.first { $0.id == e.id }?.qualifiedName ?? "?", e.arguments) }
    }
}

@Suite struct NavProbe {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["T"] != nil)) func navVsTruth() throws {
        let m = try LanderMission(options: LanderMission.Options())
        var next = 0.0
        // Step by hand: 1 s at a time.
        let t1 = Double(ProcessInfo.processInfo.environment["T"]!)!
        m.runFor(seconds: 0)
        while m.rig.time < t1 {
            m.runFor(seconds: m.rig.time < 3 ? 0.1 : 0.5)
            if m.rig.time >= next {
                next += m.rig.time < 3 ? 0.1 : 1
                let nav = m.flight.navigator.navigation
                let s = m.rig.world.state
                let q = m.rig.world.attitude.attitude
                let tq = Quaternion(w: q.w, v: SIMD3(q.x, q.y, q.z))
                let zt = tq.rotate([0, 0, 1]), zn = nav.attitude.rotate([0, 0, 1])
                let ang = acos(min(1, max(-1, dot(zt, zn)))) * 180 / .pi
                let dv = nav.velocity - SIMD3(s.velocity.x, s.velocity.y, s.velocity.z)
                let dr = nav.position - SIMD3(s.position.x, s.position.y, s.position.z)
                print(String(format: "t %5.1f axisErr %.3f deg dv %.3f dr %.1f  f %.3f valid %d", m.rig.time, ang, length(dv), length(dr), m.flight.navigator.latest.specificForce, m.flight.navigator.latest.imuValid ? 1 : 0), nav.velocityAccepted, nav.velocityRejected, nav.altitudeAccepted, nav.altitudeRejected, nav.reacquisitions)
            }
        }
    }
}
