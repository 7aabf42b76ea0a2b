/// The three fault-protection components of a topology, added together by
/// ``TopologyBuilder/addFaultProtection(modes:table:knownSequences:divisor:offset:healthWarning:healthFatal:)``.
public struct FaultProtection {
    public let modes: SystemMode
    public let health: HealthMonitor
    public let faults: FaultManager
}

extension TopologyBuilder {
    /// Base ids of the fault-protection components: the system mode, health, and the fault
    /// manager (high, so that a table of thousands of monitors never reaches another id).
    public static let modeBaseID: UInt32 = 0x0700
    public static let healthBaseID: UInt32 = 0x0800
    public static let faultManagerBaseID: UInt32 = 0x1_0000

    /// Adds the system mode, a health monitor pinging every component the rate groups added so
    /// far run, and a fault manager running `table`, at their base ids, ticked in that order in
    /// one rate group `faults` (add it after the groups whose telemetry it watches, so it
    /// samples what they wrote on the same tick).
    @discardableResult
    public mutating func addFaultProtection(
        modes: SystemMode, table: FaultTable, knownSequences: [String]? = nil, divisor: Int, offset: Int = 0,
        healthWarning: UInt32 = 3, healthFatal: UInt32 = 6
    ) -> FaultProtection {
        let health = HealthMonitor(watching: activeComponentNames, warningCycles: healthWarning, fatalCycles: healthFatal)
        let faults = FaultManager(table: table, modes: modes, knownSequences: knownSequences)
        add(modes, baseID: Self.modeBaseID)
        add(health, baseID: Self.healthBaseID)
        add(faults, baseID: Self.faultManagerBaseID)
        add(RateGroup("faults", modes, health, faults), divisor: divisor, offset: offset)
        return FaultProtection(modes: modes, health: health, faults: faults)
    }
}

extension FaultTable {
    /// Fault protection of the flight core itself, for any topology with
    /// ``TopologyBuilder/addFaultProtection(modes:table:knownSequences:divisor:offset:healthWarning:healthFatal:)``:
    /// executive cycle slips, rate-group overruns and load shedding (the Apollo 1202 alarm), components that stop
    /// answering health pings (SAFE mode), event records lost before they were read.
    /// A mission appends its own monitors and responses.
    public static let core = FaultTable(
        monitors: [
            MonitorSpec("cycleSlip", .event("rateGroups.CycleSlip"), level: .system, summary: "The real-time executive missed a deadline"),
            MonitorSpec("overrun", .event("rateGroups.RateGroupOverrun"), level: .subsystem, summary: "A rate group ran longer than its budget"),
            MonitorSpec("loadShed", .event("rateGroups.LoadShed"), level: .system, latching: true, summary: "A rate group overran and shed low-priority work"),
            MonitorSpec("pingWarning", .event("health.HealthPingWarning"), level: .subsystem, summary: "A component stopped answering health pings"),
            MonitorSpec("pingLate", .event("health.HealthPingLate"), level: .system, latching: true, summary: "A component has not answered for the fatal number of cycles"),
            MonitorSpec("eventsLost", .limit(channel: "eventLogger.EventsOverwritten", redHigh: 1), level: .subsystem, latching: true, summary: "The event log overwrote records"),
        ],
        responses: [
            ResponseSpec("slipAlarm", on: "cycleSlip", level: .system, actions: [.event(.warningHigh)], cooldown: .seconds(10)),
            ResponseSpec("overrunNotice", on: "overrun", level: .subsystem, actions: [.event(.warningLow)], cooldown: .seconds(10)),
            ResponseSpec("executiveAlarm", on: "loadShed", level: .system, actions: [.event(.warningHigh)]),
            ResponseSpec("componentLost", on: "pingLate", level: .system, actions: [.event(.fatal), .safe]),
            ResponseSpec("eventsLostAlarm", on: "eventsLost", level: .subsystem, actions: [.event(.warningLow)]),
        ])
}
