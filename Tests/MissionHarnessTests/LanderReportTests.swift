import Foundation
import MissionHarness
import Missions
import Simulator
import Testing

/// The final report of `regolith mission lander-descent`, from a real lockstep run.
@Suite("Lander descent report")
struct LanderReportTests {
    /// ACCEPTANCE.md: with the Apollo LM set, the closed-loop descent (flight software through
    /// the device links) follows Apollo 11's DSKY readings within +-20 % in altitude and
    /// altitude rate through P63; the report says so, and its JSON has every key.
    @Test func apolloLMFollowsApollo11AndTheReportSaysSo() throws {
        var options = LanderMission.Options()
        options.vehicle = .apolloLM
        let m = try LanderMission(options: options)
        m.run()
        let report = LanderReport(m, board: "sim (Boards/sim.yaml)", wallSeconds: 1)
        #expect(report.apollo11.map(\.time) == [116, 236, 296, 358, 416, 504])
        for p in report.apollo11 {
            #expect(p.within20Percent, "t \(p.time): altitude \(p.altitude ?? .nan) vs \(p.referenceAltitude), rate \(p.altitudeRate ?? .nan) vs \(p.referenceAltitudeRate)")
        }
        let apollo = try #require(report.checks.first { $0.name == "apollo11_p63" })
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
