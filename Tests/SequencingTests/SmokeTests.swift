import FlightCore
import Testing

@testable import Sequencing

@Suite struct SmokeTests {
    @Test func aSequenceRunsItsCommands() throws {
        let h = try Harness()
        h.install("""
            sequence smoke
            var n: U32 = 0
            probe.PING
            after 1 s probe.SET_LEVEL level: 0.5
            repeat 3 times
                set n = n + 1
                probe.COUNT n: n label: "x"
            end
            wait until probe.Level > 0.4 timeout 2 s else abort
            """)
        #expect(h.command("SEQ_RUN", "smoke") == .ok)
        h.exec.step(300)
        #expect(h.probe.received.map(\.command) == ["PING", "SET_LEVEL", "COUNT", "COUNT", "COUNT"])
        #expect(h.probe.received.filter { $0.command == "COUNT" }.map(\.argument) == [1, 2, 3])
        #expect(h.sequencer.completed == 1)
    }
}
