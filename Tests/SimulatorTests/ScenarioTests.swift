import Configuration
import Foundation
import Simulator
import Testing

@Suite("Fault-injection scenarios")
struct ScenarioTests {
    static let shipped = try! FileManager.default.contentsOfDirectory(atPath: "Simulator/Scenarios")
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test func everyShippedScenarioLoads() throws {
        #expect(Self.shipped.count >= 7)
        for file in Self.shipped {
            let s = try Scenario.load(contentsOf: "Simulator/Scenarios/\(file)")
            #expect(s.name + ".yaml" == file)
            #expect(!s.faults.isEmpty)
        }
    }

    @Test func theHakutoCaseReadsAsWritten() throws {
        let s = try Scenario.load(contentsOf: "Simulator/Scenarios/hakuto-r-crater-rim.yaml")
        #expect(s.vehicle == .lander)
        #expect(s.faults == [
            ScheduledFault(trigger: .when(Condition(.altitude, .less, 5000)), fault: .altitudeStep(metres: 3000), duration: 20, line: 10),
        ])
    }

    /// `and` joins conditions that must all hold at once: the loss near 50 m in the vertical
    /// descent, not over a peak in the approach at 39 m/s across.
    @Test func conditionsJoinedByAndMustAllHold() throws {
        let s = try Scenario.parse(
            "scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, when: altitude < 50 m and horizontal-speed < 2 m/s}\n",
            file: "t.yaml")
        #expect(s.faults[0].trigger == .whenAll([Condition(.altitude, .less, 50), Condition(.horizontalSpeed, .less, 2)]))
        #expect(s.faults[0].trigger.description == "when altitude < 50.0 m and horizontal-speed < 2.0 m/s")
        var runner = ScenarioRunner(s)
        let world = Recorder()
        world.altitude = 40
        world.horizontal = 39  // low over a peak, fast: not yet
        runner.update(time: 1, target: world)
        #expect(world.applied.isEmpty)
        world.altitude = 80
        world.horizontal = 0.5  // slow, but high: not yet
        runner.update(time: 2, target: world)
        #expect(world.applied.isEmpty)
        world.altitude = 49
        runner.update(time: 3, target: world)
        #expect(world.applied == [.engineFailure])
        do {
            _ = try Scenario.parse(
                "scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, when: altitude < 50 m and speed < 2 m/s}\n", file: "t.yaml")
            Issue.record("accepted an unknown quantity after 'and'")
        } catch {
            #expect("\(error)".contains("condition 'speed < 2 m/s': unknown quantity 'speed' for the lander"), "\(error)")
        }
    }

    /// A world that records what the scenario did, with an altitude the test sets.
    final class Recorder: FaultTarget {
        var altitude = 10_000.0
        var horizontal = 0.0
        var applied: [InjectedFault] = []
        var removed: [InjectedFault] = []
        func trueValue(of quantity: Condition.Quantity) -> Double? {
            switch quantity {
            case .altitude: altitude
            case .horizontalSpeed: horizontal
            default: nil
            }
        }
        func apply(_ fault: InjectedFault) { applied.append(fault) }
        func remove(_ fault: InjectedFault) { removed.append(fault) }
    }

    @Test func faultsStartOnTheirTriggerOnceAndEndAfterTheirDuration() throws {
        let s = try Scenario.parse("""
            scenario: t
            vehicle: lander
            faults:
              - {fault: sensor-dropout, device: imu, at: 2 s, duration: 500 ms}
              - {fault: engine-failure, when: altitude < 100 m}
            """, file: "t.yaml")
        var runner = ScenarioRunner(s)
        let world = Recorder()
        for step in 0...4000 {
            let t = Double(step) * 0.001
            world.altitude = 10_000 - 3000 * t  // below 100 m just after 3.3 s, then keeps falling
            runner.update(time: t, target: world)
        }
        #expect(world.applied == [.sensorDropout(.imu), .engineFailure])
        #expect(world.removed == [.sensorDropout(.imu)])
        #expect(runner.transitions.map(\.kind) == [.started, .ended, .started])
        #expect(abs(runner.transitions[0].time - 2.0) < 1e-9)
        #expect(abs(runner.transitions[1].time - 2.5) < 1e-9)
        #expect(abs(runner.transitions[2].time - 3.301) < 1e-9)
        #expect(runner.active == [.engineFailure])
    }

    @Test(arguments: [
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: wheel-stall, wheel: 1, at: 1 s}\n",
         "t.yaml:4:13: error: 'wheel-stall' is a rover fault; this scenario's vehicle is the lander"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: sensor-dropuot, device: imu, at: 1 s}\n",
         "t.yaml:4:13: error: 'faults[0].fault' is 'sensor-dropuot', expected one of sensor-dropout, bias-step, stuck-value, altitude-step, thrust-loss, thrust-dispersion, engine-failure, wheel-stall, slip-patch, motor-over-current, link-loss, can-bus-off, cycle-steal; did you mean 'sensor-dropout'?"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure}\n",
         "t.yaml:4:5: error: fault 'engine-failure' needs 'at: <time>' or 'when: <condition>'"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: thrust-loss, remaining: 1.5, at: 1 s}\n",
         "t.yaml:4:37: error: 'faults[0].remaining' is 1.5, outside 0...1"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, when: altitud < 5 m}\n",
         "t.yaml:4:35: error: condition 'altitud < 5 m': unknown quantity 'altitud' for the lander; did you mean 'altitude'? (known: altitude, vertical-speed, horizontal-speed, propellant-used)"),
        ("scenario: t\nvehicle: rover\nfaults:\n  - {fault: link-loss, device: imu, at: 1 s}\n",
         "t.yaml:4:32: error: 'faults[0].device' is 'imu', expected one of wheels, rover-imu, hazard, power"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, at: 5 sec}\n",
         "t.yaml:4:33: error: 'faults[0].at': unknown unit 'sec'; expected ms, s, min, h"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, at: 1 s, device: imu}\n",
         "t.yaml:4:38: error: 'device' does not apply to 'engine-failure'"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: engine-failure, at: 1 s, when: altitude < 3 m}\n",
         "t.yaml:4:5: error: fault 'engine-failure' has both 'at' and 'when'; give one"),
        ("scenario: t\nvehicle: lander\nfaults:\n  - {fault: cycle-steal, fraction: 0.95, at: 1 s}\n",
         "t.yaml:4:36: error: 'faults[0].fraction' is 0.95, outside 0...0.9"),
        ("scenario: t\nvehicle: rover\nfaults:\n  - {fault: cycle-steal, fraction: 0.1, at: 1 s}\n",
         "t.yaml:4:13: error: 'cycle-steal' is a lander fault; this scenario's vehicle is the rover"),
    ])
    func badScenariosAreRefusedWithTheirLocation(text: String, expected: String) {
        do {
            _ = try Scenario.parse(text, file: "t.yaml")
            Issue.record("accepted a bad scenario")
        } catch {
            #expect(error.description == expected)
        }
    }
}
