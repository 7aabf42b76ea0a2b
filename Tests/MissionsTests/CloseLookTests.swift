import Foundation
@testable import Missions
import Testing

/// The close look of TERMINAL_DESCENT (Chang'e-3's obstacle avoidance): between the close-look
/// height and the commit height a slope over the limit stops the descent and slides the lander
/// downhill until the beams read under the limit by the hysteresis. The campaign of seeds
/// (`make campaign`) shows it over the simulator's terrain; these pin the law.
struct CloseLookTests {
    static let R = 1_737_400.0
    /// Site frame components (up, cross, down) are the Moon frame's (x, y, z) here.
    static let site = SiteFrame(site: [R, 0, 0], approachFrom: [R * cos(0.01), 0, -R * sin(0.01)])
    static let plan = LanderPlans.changE

    static func controller() -> DescentController {
        var c = DescentController(plan: plan, site: site, vehicle: .init(minThrust: 1_500, maxThrust: 7_500))
        c.enter(.terminalDescent, at: 0)
        return c
    }

    /// Hovering still over the site, feet `foot` m up, the beams reading `slope` deg falling
    /// towards `downhill` (Moon frame).
    static func input(time: Double, foot: Double, slope: Double?, downhill: SIMD3<Double>? = nil) -> DescentController.Inputs {
        .init(
            time: time, position: [R + foot + 1.5, 0, 0], velocity: .zero, gravity: [-1.62, 0, 0], mass: 1_500,
            footHeight: foot, groundSlope: slope.map { $0 * Double.pi / 180 }, groundDownhill: downhill)
    }

    @Test func aSteepSlopeInTheCloseLookStopsTheDescentAndSlidesDownhill() {
        var c = Self.controller()
        // Falling towards -cross: the thrust axis tips that way, and the descent stops.
        let demand = c.update(Self.input(time: 1, foot: 10, slope: 15, downhill: [0, -1, 0]))
        #expect(c.isSliding)
        #expect(c.lateralMoves == 1)
        #expect(c.phase == .terminalDescent)
        #expect(demand.on)
        #expect(demand.direction.y < -0.05, "tipped downhill: \(demand.direction)")
        #expect(abs(demand.direction.z) < 1e-9)
        // Vertical thrust holds the height (about the weight), not the 0.7 m/s descent's less.
        #expect(abs(demand.thrust * demand.direction.x - 1_500 * 1.62) < 60)

        // Still steep a second later: still sliding, one move counted.
        _ = c.update(Self.input(time: 2, foot: 10, slope: 12, downhill: [0, -1, 0]))
        #expect(c.isSliding && c.lateralMoves == 1)
        // Under the limit but inside the hysteresis (limit 8 deg, hysteresis 1 deg): still sliding.
        _ = c.update(Self.input(time: 3, foot: 10, slope: 7.5, downhill: [0, -1, 0]))
        #expect(c.isSliding)
        // Clear: the slide ends and the descent goes on.
        _ = c.update(Self.input(time: 4, foot: 10, slope: 6, downhill: [0, -1, 0]))
        #expect(!c.isSliding)
        #expect(c.lateralMoves == 1)
    }

    @Test func withoutADirectionTheSlideGoesDownRange() {
        var c = Self.controller()
        let demand = c.update(Self.input(time: 1, foot: 10, slope: 15, downhill: nil))
        #expect(c.isSliding)
        #expect(demand.direction.z > 0.05, "tipped down-range: \(demand.direction)")
    }

    @Test(arguments: [15.0, 4.9])
    func aboveTheCloseLookAndBelowTheCommitHeightNothingMoves(foot: Double) {
        // Above 12 m the beams' spots are far outside the footprint; below 5 m there is no
        // height left to stop a slide in.
        var c = Self.controller()
        _ = c.update(Self.input(time: 1, foot: foot, slope: 20, downhill: [0, 1, 0]))
        #expect(!c.isSliding)
        #expect(c.lateralMoves == 0)
    }

    @Test func theSlidesStopWhenTheirTimeIsUsed() {
        var c = Self.controller()
        var t = 1.0
        _ = c.update(Self.input(time: t, foot: 10, slope: 15, downhill: [0, 1, 0]))
        while c.isSliding, t < 100 {
            t += 0.01
            _ = c.update(Self.input(time: t, foot: 10, slope: 15, downhill: [0, 1, 0]))
        }
        #expect(abs((t - 1) - Self.plan.maxSlideTime) < 0.02)
        // Used up: a steep reading no longer starts another.
        _ = c.update(Self.input(time: t + 1, foot: 9, slope: 15, downhill: [0, 1, 0]))
        #expect(!c.isSliding)
        #expect(c.lateralMoves == 1)
    }
}
