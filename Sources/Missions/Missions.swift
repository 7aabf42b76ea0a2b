// Missions: the lander's and the rover's flight software (docs/missions.md), built on the
// flight core, with the device drivers they share.
import FlightCore

extension TopologyBuilder {
    /// A mission's fault protection, when it flies with a fault table: the system mode over
    /// `modes` (starting in STANDBY), health pings and the fault manager in the `faults` rate
    /// group at 10 Hz, half a 10 Hz period after the 100 Hz groups it watches. Nil without a
    /// table. Both missions wire theirs here, so they run it the same way.
    mutating func addMissionFaultProtection(modes: [String], table: FaultTable?) -> FaultProtection? {
        guard let table else { return nil }
        return addFaultProtection(modes: SystemMode(modes: modes, initial: "STANDBY"), table: table, divisor: 10, offset: 5)
    }
}
