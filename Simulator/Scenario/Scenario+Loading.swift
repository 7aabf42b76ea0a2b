public import Configuration

extension Scenario {
    /// Reads and validates a scenario file; every problem is reported with its location.
    public static func load(contentsOf path: String) throws(ConfigurationErrors) -> Scenario {
        let document: YAMLDocument
        do { document = try YAMLDocument(contentsOf: path) } catch { throw ConfigurationErrors([error]) }
        return try load(document)
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationErrors) -> Scenario {
        let document: YAMLDocument
        do { document = try YAMLDocument(text: text, file: file) } catch { throw ConfigurationErrors([error]) }
        return try load(document)
    }

    static let landerDevices: [FaultDevice] = [.imu, .altimeter, .engine, .attitude, .legs, .power]
    static let roverDevices: [FaultDevice] = [.wheels, .roverIMU, .hazard, .power]
    static let landerOnly = ["altitude-step", "thrust-loss", "thrust-dispersion", "engine-failure", "cycle-steal"]
    static let roverOnly = ["wheel-stall", "slip-patch", "motor-over-current"]

    static func load(_ document: YAMLDocument) throws(ConfigurationErrors) -> Scenario {
        var errors: [ConfigurationError] = []
        func collect<T>(_ body: () throws(ConfigurationError) -> T) -> T? {
            do { return try body() } catch { errors.append(error); return nil }
        }
        guard let top = collect({ () throws(ConfigurationError) in
            try document.root.mapping(allowed: ["scenario", "summary", "vehicle", "seed", "faults"])
        }) else { throw ConfigurationErrors(errors) }
        let name = collect { () throws(ConfigurationError) in try top.required("scenario").string() } ?? ""
        let summary = collect { () throws(ConfigurationError) in try top.optional("summary")?.string() ?? "" } ?? ""
        let vehicle = collect { () throws(ConfigurationError) -> Vehicle in
            Vehicle(rawValue: try top.required("vehicle").choice(Vehicle.allCases.map(\.rawValue)))!
        }
        let seed = collect { () throws(ConfigurationError) -> UInt64? in
            guard let v = top.optional("seed") else { return nil }
            return UInt64(try v.int(in: 0...Int.max))
        } ?? nil
        var faults: [ScheduledFault] = []
        if let list = collect({ () throws(ConfigurationError) in try top.required("faults").list() }), let vehicle {
            for item in list {
                if let f = collect({ () throws(ConfigurationError) in try scheduledFault(item, vehicle: vehicle) }) {
                    faults.append(f)
                }
            }
        }
        guard errors.isEmpty, let vehicle else { throw ConfigurationErrors(errors) }
        return Scenario(name: name, summary: summary, vehicle: vehicle, seed: seed, faults: faults, file: document.file)
    }

    static func scheduledFault(_ item: YAMLValue, vehicle: Vehicle) throws(ConfigurationError) -> ScheduledFault {
        let parameters = [
            "device", "channel", "value", "step", "remaining", "factor", "wheel", "east", "north", "radius", "slip", "current",
            "fraction",
        ]
        let m = try item.mapping(allowed: ["fault", "at", "when", "duration"] + parameters)
        let kindNode = try m.required("fault")
        let kind = try kindNode.choice(InjectedFault.kinds)
        if vehicle == .rover, landerOnly.contains(kind) {
            throw kindNode.error("'\(kind)' is a lander fault; this scenario's vehicle is the rover")
        }
        if vehicle == .lander, roverOnly.contains(kind) {
            throw kindNode.error("'\(kind)' is a rover fault; this scenario's vehicle is the lander")
        }
        let trigger: Trigger
        switch (m.optional("at"), m.optional("when")) {
        case (let at?, nil): trigger = .at(seconds: try at.quantity(.seconds, in: 0...1e6))
        case (nil, let when?): trigger = try conditions(when, vehicle: vehicle)
        case (nil, nil): throw item.error("fault '\(kind)' needs 'at: <time>' or 'when: <condition>'")
        case (_?, _?): throw item.error("fault '\(kind)' has both 'at' and 'when'; give one")
        }
        let duration = try m.optional("duration")?.quantity(.seconds, in: 0.001...1e6)

        func device() throws(ConfigurationError) -> FaultDevice {
            let allowed = (vehicle == .lander ? landerDevices : roverDevices).map(\.rawValue)
            return FaultDevice(rawValue: try m.required("device").choice(allowed))!
        }
        func wheel() throws(ConfigurationError) -> Int { try m.required("wheel").int(in: 0...5) }
        let fault: InjectedFault
        switch kind {
        case "sensor-dropout": fault = .sensorDropout(try device())
        case "stuck-value": fault = .stuck(try device())
        case "link-loss": fault = .linkLoss(try device())
        case "bias-step":
            fault = .biasStep(try device(), channel: try m.required("channel").string(), value: try m.required("value").double())
        case "altitude-step": fault = .altitudeStep(metres: try m.required("step").quantity(.metres, in: -1e5...1e5))
        case "thrust-loss": fault = .thrustLoss(remaining: try m.required("remaining").double(in: 0...1))
        case "thrust-dispersion": fault = .thrustDispersion(factor: try m.required("factor").double(in: 0.5...1.5))
        case "engine-failure": fault = .engineFailure
        case "wheel-stall": fault = .wheelStall(wheel: try wheel())
        case "slip-patch":
            fault = .slipPatch(
                east: try m.required("east").quantity(.metres), north: try m.required("north").quantity(.metres),
                radius: try m.required("radius").quantity(.metres, in: 0.01...1e4), slip: try m.required("slip").double(in: 0...1))
        case "motor-over-current":
            fault = .motorOverCurrent(wheel: try wheel(), amperes: try m.required("current").quantity(.amperes, in: 0...100))
        case "cycle-steal": fault = .cycleSteal(fraction: try m.required("fraction").double(in: 0...0.9))
        default: fault = .canBusOff
        }
        // A parameter the fault does not take is a mistake worth reporting (a typo'd kind).
        let used: Set<String> = {
            switch fault {
            case .sensorDropout, .stuck, .linkLoss: return ["device"]
            case .biasStep: return ["device", "channel", "value"]
            case .altitudeStep: return ["step"]
            case .thrustLoss: return ["remaining"]
            case .thrustDispersion: return ["factor"]
            case .engineFailure, .canBusOff: return []
            case .wheelStall: return ["wheel"]
            case .slipPatch: return ["east", "north", "radius", "slip"]
            case .motorOverCurrent: return ["wheel", "current"]
            case .cycleSteal: return ["fraction"]
            }
        }()
        for (key, keyNode, _) in m.pairs where parameters.contains(key) && !used.contains(key) {
            throw keyNode.error("'\(key)' does not apply to '\(kind)'\(used.isEmpty ? "" : " (it takes \(used.sorted().joined(separator: ", ")))")")
        }
        return ScheduledFault(trigger: trigger, fault: fault, duration: duration, line: item.line)
    }

    /// One condition, or several joined by `and` (all must hold at once).
    static func conditions(_ value: YAMLValue, vehicle: Vehicle) throws(ConfigurationError) -> Trigger {
        let clauses = try value.string().components(separatedBy: " and ")
        if clauses.count == 1 { return .when(try condition(value, clauses[0], vehicle: vehicle)) }
        var all: [Condition] = []
        for clause in clauses { all.append(try condition(value, clause, vehicle: vehicle)) }
        return .whenAll(all)
    }

    /// `altitude < 5000 m`: a quantity, a comparison, a value with an optional unit.
    static func condition(_ value: YAMLValue, _ text: String, vehicle: Vehicle) throws(ConfigurationError) -> Condition {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let quantities: [Condition.Quantity] =
            vehicle == .lander ? [.altitude, .verticalSpeed, .horizontalSpeed, .propellantUsed] : [.distance, .east, .north]
        guard parts.count == 3 || parts.count == 4 else {
            throw value.error("condition '\(text)' must read '<quantity> <comparison> <value> [unit]', e.g. 'altitude < 5000 m'")
        }
        guard let q = Condition.Quantity(rawValue: parts[0]), quantities.contains(q) else {
            let names = quantities.map(\.rawValue)
            throw value.error("condition '\(text)': unknown quantity '\(parts[0])' for the \(vehicle.rawValue)\(Suggestion.hint(for: parts[0], in: names)) (known: \(names.joined(separator: ", ")))")
        }
        guard let c = Condition.Comparison(rawValue: parts[1]) else {
            throw value.error("condition '\(text)': '\(parts[1])' is not one of <, <=, >, >=")
        }
        guard let v = Double(parts[2]), v.isFinite else { throw value.error("condition '\(text)': '\(parts[2])' is not a number") }
        var scale = 1.0
        if parts.count == 4 {
            let units: Units = q.units == "m/s" ? .metresPerSecond : q.units == "kg" ? Units(base: "kg", [("kg", 1), ("t", 1000)]) : .metres
            guard let f = units.factors.first(where: { $0.name == parts[3] }) else {
                throw value.error("condition '\(text)': unit '\(parts[3])' is not one of \(units.factors.map(\.name).joined(separator: ", "))")
            }
            scale = f.factor
        }
        return Condition(q, c, v * scale)
    }
}
