import FlightCore
import Foundation
import MissionHarness

/// What the lander's and the rover's fault-scenario suites share (`FailureScenarioTests`,
/// `RoverFaultScenarioTests`): where the scenarios are, a topology's event counts and system
/// mode, and the suite's fault coverage written where `make test-swift` checks it.
enum FaultScenarioSupport {
    static let scenarios = (MissionSequences.repositoryDirectory as NSString).deletingLastPathComponent + "/Simulator/Scenarios"

    /// How many times the event `name` (component.Event) was emitted; 0 for a name the
    /// topology does not have.
    static func emissions(_ topology: Topology, _ name: String) -> UInt64 {
        let events = topology.events
        return events.infos.first { $0.qualifiedName == name }.flatMap { events.emissions(of: $0.id) } ?? 0
    }

    /// The system mode's name now.
    static func mode(_ protection: FaultProtection) -> String {
        protection.modes.names[protection.modes.current]
    }
}

/// A suite's fault coverage: each run's activity is recorded, and with the environment
/// variable `environment` set (`make test-swift`) the coverage so far is written to that file
/// after each run. The last write, once every test has recorded, is the whole suite's; the
/// Makefile fails the run unless its last line says every monitor and response fired.
final class SuiteFaultCoverage: Sendable {
    let coverage = FaultCoverage()
    let environment: String
    /// Serialises writing the file (the suite's tests run in parallel).
    private let lock = NSLock()

    init(environment: String) { self.environment = environment }

    func record(_ faults: FaultManager, scenario: String) throws {
        coverage.record(faults, scenario: scenario)
        guard let path = ProcessInfo.processInfo.environment[environment] else { return }
        lock.lock()
        defer { lock.unlock() }
        try (coverage.report() + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
