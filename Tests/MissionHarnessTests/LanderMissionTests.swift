import Foundation
import MissionHarness
import Missions
import Simulator
import Testing

/// The lander's flight software against the simulator, through the device links of
/// Boards/sim.yaml, in lockstep (issue 9's nominal descent).
@Suite("Lander descent in lockstep through the device links")
struct LanderMissionTests {
    /// ACCEPTANCE.md: lands inside the touchdown envelope, in 700-800 s, with 1.9-2.3 km/s.
    @Test func nominalDescentLandsInsideTheEnvelope() throws {
        let m = try LanderMission(options: LanderMission.Options())
        m.run()
        let o = m.outcome
        let t = try #require(o.touchdown, "no touchdown; last phase \(o.finalPhase)")
        #expect(o.insideEnvelope, "touchdown \(t)")
        #expect((700...800).contains(t.time), "PDI to touchdown \(t.time) s")
        #expect((1_900...2_300).contains(o.deltaV), "delta-v \(o.deltaV) m/s")
        #expect(o.finalPhase == .landed)
        #expect(m.commandResponses.allSatisfy { $0.response == .ok })
        // The phases came in order, each once.
        let phases = m.flight.descent.phaseLog.map(\.phase)
        #expect(phases == [.braking, .approach, .hover, .terminalDescent, .freeFall, .landed])
    }
}
