import Foundation
import Missions
import Simulator
import Testing

/// Not a test but the tool that found `LanderPlans`' targets (docs/missions.md): a random,
/// then local, search scored on the Apollo 11 DSKY log (apollo) or on a 750 s descent that
/// absorbs +-10 % thrust with nominal guidance wanting at most MARGIN (0.87) of the maximum thrust (changE). It asserts nothing and is skipped unless asked for:
/// `REGOLITH_TUNE=apollo [N=1500] [START=...] swift test --filter DescentTuning`. What the
/// plans must meet is asserted by DescentLoopTests and the mission tests.
@Suite struct DescentTuning {
    static let apolloRows: [(t: Double, h: Double, hdot: Double)] = [
        (116, 14786, -8.9), (236, 12883, -24.3), (296, 11088, -33.7), (358, 8223, -38.3), (416, 5975, -37.8), (504, 2249, -38.3),
    ]

    @Test(.enabled(if: ["apollo", "changE"].contains(ProcessInfo.processInfo.environment["REGOLITH_TUNE"] ?? "")))
    func search() {
        let which = ProcessInfo.processInfo.environment["REGOLITH_TUNE"]!
        var rng = SystemRandomNumberGenerator()
        var best = (score: Double.infinity, text: "")
        let ranges: [ClosedRange<Double>] = [440_000...540_000, 1_500...3_500, -14_000 ... -4_000, -60 ... -20, 80...250, -0.5...1.0, -3.0 ... -0.3, -0.02...0.03, 0...80,
                                             -400 ... -50, -8 ... -2, 2...15, 0...0.4, -0.8...0]
        let start = ProcessInfo.processInfo.environment["START"].map { $0.split(separator: ",").map { Double($0)! } }
        var centre = start
        for i in 0..<Int(ProcessInfo.processInfo.environment["N"] ?? "300")! {
            var p: [Double] = []
            for (k, r) in ranges.enumerated() {
                if let c = centre {
                    let width = (r.upperBound - r.lowerBound) * 0.04
                    p.append(c[k] + Double.random(in: -width...width, using: &rng))
                } else {
                    p.append(Double.random(in: r, using: &rng))
                }
            }
            // DOWNRANGE pins PDI's distance from the site (the simulator's start must then agree).
            if let pinned = ProcessInfo.processInfo.environment["DOWNRANGE"].flatMap(Double.init) { p[0] = pinned }
            // ENDTGO pins the braking phase's end t_go: the quadratic law's gains grow as 1/t_go^2,
            // so a phase handed over too close to its target amplifies navigation's corrections.
            if let pinned = ProcessInfo.processInfo.environment["ENDTGO"].flatMap(Double.init) { p[8] = pinned }
            let (D, xf, zf, vx, vz, ax, az, jz, end) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], max(0, p[8]))
            let approach = which == "apollo" ? LanderPlans.apollo11.approach
                : DescentPlan.GuidedPhase(target: .init(position: [110, 0, p[9]], velocity: [p[10], 0, p[11]], acceleration: [p[12], 0, p[13]], downRangeJerk: 0), endTimeToGo: 3, plannedDuration: 120)
            let plan = DescentPlan(
                braking: .init(target: .init(position: [xf, 0, zf], velocity: [vx, 0, vz], acceleration: [ax, 0, az], downRangeJerk: jz), endTimeToGo: end, plannedDuration: which == "apollo" ? 510 : 550),
                approach: approach)
            let run = which == "apollo"
                ? DescentRun(vehicle: .apolloLM, plan: plan, altitude: 15_231, speed: 1_694.6, altitudeRate: -0.7, downRange: D, dt: 0.05, guidanceEvery: 4, slewing: true)
                : DescentRun(vehicle: .changE, plan: plan, altitude: 15_000, speed: 1_692, altitudeRate: 0, downRange: D, dt: 0.05, guidanceEvery: 4, slewing: true)
            var score = 0.0
            if which == "changE" {
                // As the mission flies: ignition once the thrust axis has turned (slewing), the
                // engine dispersed by +-10 % after its throttle limits. Nominal guidance must
                // want no more than `margin` of the maximum thrust, so that -10 % still fits.
                let margin = Double(ProcessInfo.processInfo.environment["MARGIN"] ?? "0.87")!
                for factor in [0.9, 1.0, 1.1] {
                    let r = DescentRun(vehicle: .changE, plan: plan, altitude: 15_000, speed: 1_692, altitudeRate: 0, downRange: D, thrustFactor: factor, dt: 0.05, guidanceEvery: 4, slewing: true)
                    if let td = r.touchdown {
                        score += (td.verticalSpeed > 2.5 ? 10 : 0) + (td.horizontalSpeed > 1.0 ? 10 : 0)
                        score += pow(max(0, abs(td.time - 750) - 30) / 10, 2)
                    } else { score += 50 }
                    score += Double(r.controller.saturatedCycles.reduce(0, +)) / 20
                    score += pow(max(0, abs(r.deltaV - 2100) - 120) / 50, 2)
                    if factor == 1.0 {
                        let peak = max(r.peakWanted[1], r.peakWanted[2]) / LanderVehicle.changE.maxThrust
                        score += pow(max(0, peak - margin) * 100, 2)
                    }
                }
            }
            if which == "apollo" {
                for row in Self.apolloRows {
                    guard let s = run.at(row.t), abs(s.t - row.t) < 1 else { score += 100; continue }
                    score += pow((s.altitude - row.h) / (0.2 * row.h), 2) + pow((s.altitudeRate - row.hdot) / (0.2 * abs(row.hdot)), 2)
                }
                // high gate reached near 506 s
                let hg = run.log.first { $0.phase == .approach }?.t ?? 0
                score += pow((hg - 506) / 20, 2)
            }
            if let td = run.touchdown { score += td.verticalSpeed > 3 ? 10 : 0 } else { score += 50 }
            if score < best.score {
                if start != nil { centre = p }
                best = (score, String(format: "#%d score %.2f td %.0f dv %.0f sat %d %d peak %.0f %.0f", i, score, run.touchdown?.time ?? -1, run.deltaV,
                    run.controller.saturatedCycles[1], run.controller.saturatedCycles[2], run.peakWanted[1], run.peakWanted[2]))
                print(best.text)
                print("START=" + p.map { String($0) }.joined(separator: ","))
            }
        }
    }
}
