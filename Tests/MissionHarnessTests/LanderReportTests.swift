import Foundation
import MissionHarness
import Missions
import Simulator
import Testing

/// The final report of `regolith mission lander-descent`, from a real lockstep run.
@Suite("Lander descent report")
struct LanderReportTests {
    /// The Apollo LM through the device links: the report compares the run with Apollo 11's
    /// P63 DSKY readings (each judged here again), lands inside the envelope, and its JSON has
    /// every key, null where there is nothing (keys are stable) and reads back equal.
    ///
    /// ACCEPTANCE.md asks the closed-loop Apollo LM descent to follow the readings within
    /// +-20 % in altitude and altitude rate; the DSKY showed the computer's estimates, so the
    /// report compares the flight software's navigation (ApolloComparisonTests asserts it).
    @Test func apolloLMReportAgainstApollo11() throws {
        var options = LanderMission.Options()
        options.vehicle = .apolloLM
        let m = try LanderMission(options: options)
        m.run()
        let report = LanderReport(m, board: "sim (Boards/sim.yaml)", wallSeconds: 1)
        #expect(report.insideEnvelope)
        #expect(report.apollo11.map(\.time) == [116, 236, 296, 358, 416, 504])
        let pdi = try #require(m.pdiTime)
        for p in report.apollo11 {
            let r = try #require(m.log.min { abs($0.time - pdi - p.time) < abs($1.time - pdi - p.time) })
            let h = r.navSiteAltitude
            #expect(p.altitude == h && p.altitudeRate == r.navVerticalSpeed)
            let within = abs(h - p.referenceAltitude) <= 0.2 * p.referenceAltitude
                && abs(r.navVerticalSpeed - p.referenceAltitudeRate) <= 0.2 * abs(p.referenceAltitudeRate)
            #expect(p.within20Percent == within)
        }
        let apollo = try #require(report.checks.first { $0.name == "apollo11_p63" })
        #expect(apollo.value == Double(report.apollo11.filter(\.within20Percent).count))
        for p in report.apollo11 {
            #expect(p.within20Percent, "t \(p.time): altitude \(p.altitude ?? .nan) vs \(p.referenceAltitude), rate \(p.altitudeRate ?? .nan) vs \(p.referenceAltitudeRate)")
        }
        #expect(apollo.pass == true)
        #expect(report.insideEnvelope == m.outcome.insideEnvelope)
        #expect(report.checks.filter(\.envelope).allSatisfy { $0.pass == true } == report.insideEnvelope)

        let json = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(json["vehicle"] as? String == "apollo")
        #expect(json["scenario"] is NSNull)  // present, null: keys are stable
        #expect(Set(json.keys).isSuperset(of: ["inside_envelope", "pdi_to_touchdown", "delta_v", "touchdown", "checks", "apollo11"]))
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { Set($0.keys) == ["name", "label", "value", "unit", "limit", "min", "max", "envelope", "pass"] })
        // Round trip.
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(LanderReport.self, from: report.json()) == report)
    }
}
