public import Foundation

/// A lander descent's final report: the touchdown against ACCEPTANCE.md's envelope and the
/// nominal descent's figures, with PASS/FAIL each; printed by `regolith mission
/// lander-descent` and written as JSON with `--report` (keys in docs/cli.md, stable:
/// `report_version` changes when one does).
public struct LanderReport: Codable, Sendable, Equatable {
    /// One figure against its limit.
    public struct Check: Codable, Sendable, Equatable {
        /// Stable key (`touchdown_vertical_speed`, `delta_v`, ...).
        public var name: String
        /// What the text report calls it.
        public var label: String
        /// nil when there was nothing to measure (no touchdown).
        public var value: Double?
        public var unit: String
        /// The limit as ACCEPTANCE.md writes it ("<= 3.05"), or "none".
        public var limit: String
        /// The limit's bounds (nil: unbounded on that side).
        public var min: Double?
        public var max: Double?
        /// Part of the touchdown envelope: these decide the exit status.
        public var envelope: Bool
        /// nil when there is no limit (a figure reported, not judged).
        public var pass: Bool?

        enum CodingKeys: String, CodingKey { case name, label, value, unit, limit, min, max, envelope, pass }

        /// Every key always present (null when nil).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(label, forKey: .label)
            try c.encode(value, forKey: .value)
            try c.encode(unit, forKey: .unit)
            try c.encode(limit, forKey: .limit)
            try c.encode(min, forKey: .min)
            try c.encode(max, forKey: .max)
            try c.encode(envelope, forKey: .envelope)
            try c.encode(pass, forKey: .pass)
        }
    }

    /// The state at leg contact.
    public struct Contact: Codable, Sendable, Equatable {
        /// Simulation time of contact, s.
        public var time: Double
        /// m/s, positive descending.
        public var verticalSpeed: Double
        public var horizontalSpeed: Double
        public var tiltDeg: Double
        public var angularRateDeg: Double
        public var slopeDeg: Double
    }

    /// The run beside one Apollo 11 DSKY reading (the run's altitude above the landing site's
    /// level, as the DSKY's; its altitude rate along local up).
    public struct ReferencePoint: Codable, Sendable, Equatable {
        /// Seconds from PDI.
        public var time: Double
        public var program: String
        public var referenceAltitude: Double
        public var altitude: Double?
        public var referenceAltitudeRate: Double
        public var altitudeRate: Double?
        /// Within +-20 % in altitude and altitude rate.
        public var within20Percent: Bool

        enum CodingKeys: String, CodingKey {
            case time, program, referenceAltitude, altitude, referenceAltitudeRate, altitudeRate, within20Percent
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(time, forKey: .time)
            try c.encode(program, forKey: .program)
            try c.encode(referenceAltitude, forKey: .referenceAltitude)
            try c.encode(altitude, forKey: .altitude)
            try c.encode(referenceAltitudeRate, forKey: .referenceAltitudeRate)
            try c.encode(altitudeRate, forKey: .altitudeRate)
            try c.encode(within20Percent, forKey: .within20Percent)
        }
    }

    public struct Command: Codable, Sendable, Equatable {
        public var name: String
        public var response: String
    }

    public var reportVersion = 1
    public var mission = "lander-descent"
    /// `change` or `apollo`.
    public var vehicle: String
    public var seed: UInt64
    public var scenario: String?
    public var board: String
    public var landed: Bool
    /// The descent's last phase (LANDED, ABORTED, ...).
    public var finalPhase: String
    /// Inside the touchdown envelope (all `envelope` checks pass).
    public var insideEnvelope: Bool
    /// Simulation time of PDI, s.
    public var pdiTime: Double?
    public var pdiToTouchdown: Double?
    public var touchdown: Contact?
    public var deltaV: Double
    public var propellantUsed: Double
    public var distanceToSite: Double
    public var checks: [Check]
    /// The braking phase (P63) beside Apollo 11's DSKY readings. A check for the Apollo LM;
    /// a reference for the Chang'e-class lander, which flies its own plan.
    public var apollo11: [ReferencePoint]
    /// The commands the harness sent (as the ground would) and the dispatcher's answers
    /// (`OK`, `EXECUTION_ERROR`, ...): a descent refused at its arming checks shows here.
    public var commands: [Command]
    public var simulatedSeconds: Double
    public var wallSeconds: Double
    /// Simulated seconds per wall second.
    public var realTimeFactor: Double
    /// What the fault table did (nil: the run had no fault table).
    public var faultProtection: FaultSummary?

    /// The fault protection at the end of the run: the system mode, and each monitor that
    /// tripped and each response that fired, with their counts.
    public struct FaultSummary: Codable, Equatable, Sendable {
        public var mode: String
        public var monitorsTripped: [Count]
        public var responsesFired: [Count]
        public struct Count: Codable, Equatable, Sendable {
            public var name: String
            public var count: UInt32
        }
    }

    public init(_ mission: LanderMission, board: String, wallSeconds: Double) {
        let o = mission.outcome
        let td = o.touchdown
        vehicle = mission.options.vehicle.rawValue
        seed = mission.options.scenario?.seed ?? mission.options.seed
        scenario = mission.options.scenario?.name
        self.board = board
        landed = mission.flight.descent.phase == .landed
        finalPhase = "\(o.finalPhase)"
        insideEnvelope = o.insideEnvelope
        let pdi = mission.pdiTime
        pdiTime = pdi
        pdiToTouchdown = td.flatMap { t in pdi.map { t.time - $0 } }
        touchdown = td.map {
            Contact(time: $0.time, verticalSpeed: $0.verticalSpeed, horizontalSpeed: $0.horizontalSpeed,
                    tiltDeg: $0.tiltDegrees, angularRateDeg: $0.angularRateDegrees, slopeDeg: $0.slopeDegrees)
        }
        deltaV = o.deltaV
        propellantUsed = o.propellantUsed
        distanceToSite = o.distanceToSite

        // The Apollo 11 comparison, from the 1 Hz log at each reading's time after PDI.
        let log = mission.log
        func at(_ t: Double) -> LanderMission.Record? {
            guard let pdi, let r = log.min(by: { abs($0.time - pdi - t) < abs($1.time - pdi - t) }),
                abs(r.time - pdi - t) <= 1
            else { return nil }
            return r
        }
        // As the DSKY showed them: the guidance computer's own estimates of altitude above the
        // landing site's radius and of altitude rate — here, the flight software's navigation.
        apollo11 = Apollo11Descent.braking.map { row in
            let r = at(row.time)
            let h = r?.navSiteAltitude
            let rate = row.altitudeRate ?? 0
            let within = r.map { abs($0.navSiteAltitude - row.altitude) <= 0.2 * row.altitude && abs($0.navVerticalSpeed - rate) <= 0.2 * abs(rate) } ?? false
            return ReferencePoint(
                time: row.time, program: row.program, referenceAltitude: row.altitude, altitude: h,
                referenceAltitudeRate: rate, altitudeRate: r?.navVerticalSpeed, within20Percent: within)
        }

        let deg = 180 / Double.pi
        func check(_ name: String, _ label: String, _ value: Double?, _ unit: String, min: Double? = nil, max: Double? = nil,
                   strict: Bool = false, envelope: Bool = false) -> Check {
            var limit = "none"
            if let min, let max { limit = "\(Self.number(min))-\(Self.number(max))" }
            else if let max { limit = (strict ? "< " : "<= ") + Self.number(max) }
            else if let min { limit = ">= " + Self.number(min) }
            var pass: Bool?
            if min != nil || max != nil {
                pass = value.map { v in
                    (min.map { v >= $0 } ?? true) && (max.map { strict ? v < $0 : v <= $0 } ?? true)
                } ?? false
            }
            return Check(name: name, label: label, value: value.flatMap { $0.isFinite ? $0 : nil }, unit: unit, limit: limit,
                         min: min, max: max, envelope: envelope, pass: pass)
        }
        checks = [
            check("touchdown_vertical_speed", "vertical speed", td?.verticalSpeed, "m/s", max: 3.05, envelope: true),
            check("touchdown_horizontal_speed", "horizontal speed", td?.horizontalSpeed, "m/s", max: 1.22, envelope: true),
            check("touchdown_tilt", "tilt", td.map { $0.tilt * deg }, "deg", max: 6, envelope: true),
            check("touchdown_angular_rate", "angular rate", td.map { $0.angularRate * deg }, "deg/s", max: 2, strict: true, envelope: true),
            check("touchdown_slope", "slope under the lander", td.map { $0.slope * deg }, "deg", max: 12, envelope: true),
            check("pdi_to_touchdown", "PDI to touchdown", pdiToTouchdown, "s", min: 700, max: 800),
            check("delta_v", "delta-v", o.deltaV, "m/s", min: 1_900, max: 2_300),
            check("distance_to_site", "distance from target", o.distanceToSite, "m"),
            check("propellant_used", "propellant used", o.propellantUsed, "kg"),
        ]
        if mission.options.vehicle == .apolloLM {
            let n = apollo11.filter(\.within20Percent).count
            var c = check("apollo11_p63", "Apollo 11 P63 readings within 20 %", Double(n), "of \(apollo11.count)",
                          min: Double(apollo11.count))
            c.limit = "all"
            checks.append(c)
        }
        commands = mission.commandResponses.map { Command(name: $0.name, response: "\($0.response)") }
        simulatedSeconds = mission.rig.time
        self.wallSeconds = wallSeconds
        realTimeFactor = wallSeconds > 0 ? mission.rig.time / wallSeconds : 0
        faultProtection = mission.flight.faultProtection.map { f in
            let a = f.faults.activity
            return FaultSummary(
                mode: f.modes.names[f.modes.current],
                monitorsTripped: a.monitors.filter { $0.trips > 0 }.map { .init(name: $0.name, count: $0.trips) },
                responsesFired: a.responses.filter { $0.firings > 0 }.map { .init(name: $0.name, count: $0.firings) })
        }
    }

    enum CodingKeys: String, CodingKey {
        case reportVersion, mission, vehicle, seed, scenario, board, landed, finalPhase, insideEnvelope, pdiTime,
            pdiToTouchdown, touchdown, deltaV, propellantUsed, distanceToSite, checks, apollo11, commands, simulatedSeconds,
            wallSeconds, realTimeFactor, faultProtection
    }

    /// Every key always present (null when nil).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reportVersion, forKey: .reportVersion)
        try c.encode(mission, forKey: .mission)
        try c.encode(vehicle, forKey: .vehicle)
        try c.encode(seed, forKey: .seed)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(board, forKey: .board)
        try c.encode(landed, forKey: .landed)
        try c.encode(finalPhase, forKey: .finalPhase)
        try c.encode(insideEnvelope, forKey: .insideEnvelope)
        try c.encode(pdiTime, forKey: .pdiTime)
        try c.encode(pdiToTouchdown, forKey: .pdiToTouchdown)
        try c.encode(touchdown, forKey: .touchdown)
        try c.encode(deltaV, forKey: .deltaV)
        try c.encode(propellantUsed, forKey: .propellantUsed)
        try c.encode(distanceToSite, forKey: .distanceToSite)
        try c.encode(checks, forKey: .checks)
        try c.encode(apollo11, forKey: .apollo11)
        try c.encode(commands, forKey: .commands)
        try c.encode(simulatedSeconds, forKey: .simulatedSeconds)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(realTimeFactor, forKey: .realTimeFactor)
        try c.encode(faultProtection, forKey: .faultProtection)
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(format: "%g", d)
    }

    /// Every check with a limit passed.
    public var allChecksPass: Bool { checks.allSatisfy { $0.pass != false } }

    /// The JSON document: snake_case keys, sorted, indented.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The report as the terminal shows it.
    public var text: String {
        let vehicleName = vehicle == "apollo" ? "Apollo LM" : "Chang'e-class lander"
        var s = "Lander descent: \(vehicleName), seed \(seed)\(scenario.map { ", scenario \($0)" } ?? ""), board \(board)\n"
        if let td = touchdown {
            s += String(format: "  touchdown at %.1f s", td.time)
            if let p = pdiToTouchdown { s += String(format: " (%.1f s after PDI)", p) }
            s += ", final phase \(finalPhase)\n"
        } else {
            s += "  no touchdown: final phase \(finalPhase) after \(String(format: "%.1f", simulatedSeconds)) s\n"
        }
        for c in commands where c.response != "OK" { s += "  command \(c.name) answered \(c.response)\n" }
        func pad(_ x: String, _ n: Int) -> String { x.count >= n ? x : x + String(repeating: " ", count: n - x.count) }
        s += "  " + pad("", 36) + pad("value", 16) + pad("limit", 16) + "result\n"
        for c in checks {
            let value = c.value.map { v in c.name == "apollo11_p63" ? "\(Int(v)) \(c.unit)" : String(format: "%.2f ", v) + c.unit } ?? "-"
            let limit = c.limit == "none" ? "(none)" : c.name == "apollo11_p63" ? c.limit : "\(c.limit) \(c.unit)"
            let result = c.pass.map { $0 ? "PASS" : "FAIL" } ?? "-"
            s += "  " + pad(c.label, 36) + pad(value, 16) + pad(limit, 16) + result + "\n"
        }
        s += "  Inside the touchdown envelope: \(insideEnvelope ? "yes" : "NO")\n"
        if let f = faultProtection {
            func list(_ c: [FaultSummary.Count]) -> String { c.isEmpty ? "none" : c.map { "\($0.name) x\($0.count)" }.joined(separator: ", ") }
            s += "  fault protection: mode \(f.mode); monitors tripped: \(list(f.monitorsTripped)); responses fired: \(list(f.responsesFired))\n"
        }
        s += String(format: "  %.0f simulated seconds in %.2f s of wall time (%.0fx real time)\n", simulatedSeconds, wallSeconds, realTimeFactor)
        return s
    }
}
