import Foundation
import Testing

@testable import RegolithCLI

/// `regolith faults check` against the core topology, on files it writes.
@Suite struct FaultsCommandTests {
    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "regolith-faults-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aGoodTableIsReportedWithItsCounts() throws {
        let path = try write("""
            monitors:
              - name: slips
                event: rateGroups.CycleSlip
                modes: [OPERATE]
            responses:
              - name: slipSafe
                on: slips
                level: system
                do: [safe]
            lockouts:
              - command: prmDb.PRM_LOAD_FILE
                modes: [OPERATE]
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try FaultsCheck.parse([path]).check()
        #expect(result.ok)
        #expect(result.lines == ["\(path): 1 monitors, 1 responses, 1 lock-outs: no problems against RegolithCore"])
    }

    @Test func aBadTableListsEveryProblemWithItsPlace() throws {
        let path = try write("""
            sequenceCommand: cmdDisp.CMD_NO_OP
            monitors:
              - name: slips
                event: rateGroups.CycleSlp
              - name: hot
                channel: tlmChan.SamplesAccepted
                limit: {redLow: 10, redHigh: 5}
            responses:
              - name: restart
                on: slips
                do:
                  - sequence: recover
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try FaultsCheck.parse([path, "--sequence", "recovery"]).check()
        #expect(!result.ok)
        #expect(result.lines == [
            "\(path):1:18: error: sequence command 'cmdDisp.CMD_NO_OP' must take one string argument (the sequence's name)",
            "\(path):4:12: error: unknown event 'rateGroups.CycleSlp'; did you mean 'rateGroups.CycleSlip'?",
            "\(path):7:12: error: low limit 10 is not below high limit 5: every sample would violate",
            "\(path):12:9: error: unknown sequence 'recover'; did you mean 'recovery'?",
        ])
    }
}
