import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

/// A scenario file replays identically with the same seed: the same transitions at the same
/// times and the same bytes at the flight side.
@Suite struct ScenarioReplayTests {
    static let text = """
        scenario: replay
        summary: faults by time and by condition
        vehicle: lander
        seed: 11
        faults:
          - fault: bias-step
            device: imu
            channel: accel
            value: 0.5
            at: 0.5 s
            duration: 0.5 s
          - fault: thrust-dispersion
            factor: 1.1
            when: propellant-used > 1 kg
          - fault: link-loss
            device: altimeter
            at: 1.2 s
            duration: 0.3 s
        """

    struct Run: Equatable {
        var transitions: [ScenarioRunner.Transition]
        var messages: [String]
        var mass: Double
    }

    func run(seed: UInt64) throws -> Run {
        let scenario = try Scenario.parse(Self.text, file: "replay.yaml")
        let (rig, fc) = Fixtures.lander(seed: scenario.seed ?? seed, transport: .can)
        rig.run(scenario)
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 1)))
        rig.step(10)
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 60, valve: .open, arm: true, counter: 2)))
        var messages: [String] = []
        for _ in 0..<20 {
            rig.step(100)
            for d in LanderRig.devices { messages += fc.drain(d).map { "\($0)" } }
        }
        return Run(transitions: rig.scenario!.transitions, messages: messages, mass: rig.truth.state.mass)
    }

    @Test func replaysIdentically() throws {
        let a = try run(seed: 1)
        let b = try run(seed: 2)  // the scenario's seed replaces the run's
        #expect(a == b)
        #expect(a.transitions.map(\.kind) == [.started, .started, .ended, .started, .ended])
        #expect(a.transitions[0].time == 0.5)
        #expect(a.messages.count > 500)
    }

    @Test func shippedScenariosLoadAndRun() throws {
        for name in ["slim-engine-loss", "beresheet-imu-fault", "hakuto-r-crater-rim", "rover-hazards"] {
            let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
            let s = try Scenario.load(contentsOf: "/\(path)/Simulator/Scenarios/\(name).yaml")
            if s.vehicle == .lander {
                let (rig, _) = Fixtures.lander(transport: .bytes)
                rig.run(s)
                rig.step(100)
                #expect(rig.ignoredFaults.isEmpty)
            } else {
                let (rig, _) = Fixtures.rover(transport: .bytes)
                rig.run(s)
                rig.step(10)
                #expect(rig.ignoredFaults.isEmpty && rig.activeFaults.count == 1)  // the slip patch at 0 s
            }
        }
    }
}
