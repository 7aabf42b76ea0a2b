internal import FlightCore
internal import Yams

/// Builds a ``FaultTable`` from YAML nodes, collecting structural errors and locations.
struct FaultTableParser {
    let file: String
    var table = FaultTable()
    var errors: [ConfigurationError] = []
    var locations: [FaultTablePath: FaultTableFile.Location] = [:]

    static let topKeys = ["monitors", "responses", "lockouts", "sequenceCommand"]
    static let kindKeys = ["limit", "range", "expect", "delta", "stale", "event", "all", "any", "not"]
    static let monitorKeys = ["name", "summary", "channel", "tolerance", "where", "persistence", "clear", "level", "modes", "latching", "enabled"] + kindKeys
    static let responseKeys = ["name", "summary", "on", "level", "after", "cooldown", "limit", "modes", "enabled", "do"]
    static let levels = ["device", "subsystem", "system"]
    /// Durations a table may give, in seconds (a year; and negative ones, which the table's
    /// check refuses with its own message); beyond, nanoseconds would not fit 64 bits.
    static let durations: ClosedRange<Double> = -31_536_000...31_536_000
    static let severities: [String: EventSeverity] = ["FATAL": .fatal, "WARNING_HI": .warningHigh, "WARNING_LO": .warningLow, "ACTIVITY_HI": .activityHigh]

    init(file: String) { self.file = file }

    mutating func note(_ path: FaultTablePath, _ node: YAMLValue) {
        locations[path] = FaultTableFile.Location(line: node.line, column: node.column)
    }

    /// Drops the locations of an element left out of the table (the next one takes its index).
    mutating func forget(_ element: FaultTablePath.Element) {
        locations = locations.filter { $0.key.element != element }
    }

    /// Runs `body`, keeping its error; returns its value or nil.
    mutating func attempt<T>(_ body: () throws(ConfigurationError) -> T) -> T? {
        do {
            return try body()
        } catch {
            errors.append(error)
            return nil
        }
    }

    mutating func parse(_ root: YAMLValue) {
        guard let top = attempt({ () throws(ConfigurationError) in try root.mapping(allowed: Self.topKeys) }) else { return }
        note(FaultTablePath(.table), root)
        if let s = top.optional("sequenceCommand") {
            note(FaultTablePath(.table, "sequenceCommand"), s)
            table.sequenceCommand = attempt { () throws(ConfigurationError) in try s.string() }
        }
        if let list = top.optional("monitors") {
            note(FaultTablePath(.table, "monitors"), list)
            for node in attempt({ () throws(ConfigurationError) in try list.list() }) ?? [] { monitor(node) }
        }
        if let list = top.optional("responses") {
            note(FaultTablePath(.table, "responses"), list)
            for node in attempt({ () throws(ConfigurationError) in try list.list() }) ?? [] { response(node) }
        }
        if let list = top.optional("lockouts") {
            for node in attempt({ () throws(ConfigurationError) in try list.list() }) ?? [] { lockout(node) }
        }
    }

    // MARK: Monitors

    mutating func monitor(_ node: YAMLValue) {
        let k = table.monitors.count
        let before = errors.count
        let at = { (f: String) in FaultTablePath(.monitor(k), f) }
        guard let m = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: Self.monitorKeys) }) else { return }
        note(FaultTablePath(.monitor(k)), node)
        for (key, _, value) in m.pairs { note(at(key), value) }
        let name = attempt { () throws(ConfigurationError) in try m.required("name").string() } ?? ""
        let kinds = m.keys.filter { Self.kindKeys.contains($0) }
        var kind: MonitorKind?
        if kinds.count != 1 {
            errors.append(node.error(kinds.isEmpty
                ? "monitor '\(name)' needs one of \(Self.kindKeys.joined(separator: ", "))"
                : "monitor '\(name)' has \(kinds.joined(separator: " and ")); a monitor watches one way"))
        } else {
            kind = monitorKind(kinds[0], m, k, name)
        }
        var spec = MonitorSpec(name, kind ?? .event(""))
        spec.summary = attempt { () throws(ConfigurationError) in try m.optional("summary")?.string() ?? "" } ?? ""
        if let p = m.optional("persistence") {
            spec.persistence = persistence(p, k) ?? spec.persistence
        }
        if let c = m.optional("clear") {
            if let cm = attempt({ () throws(ConfigurationError) in try c.mapping(allowed: ["samples", "deadband"]) }) {
                for (key, _, value) in cm.pairs { note(at("clear.\(key)"), value) }
                if let s = cm.optional("samples") { spec.clear.samples = attempt { () throws(ConfigurationError) in try s.int() } ?? 1 }
                if let d = cm.optional("deadband") { spec.clear.deadband = attempt { () throws(ConfigurationError) in try d.double() } ?? 0 }
            }
        }
        if let l = m.optional("level") { spec.level = level(l) ?? .device }
        if let ms = m.optional("modes") { spec.modes = names(ms) }
        if let l = m.optional("latching") { spec.latching = attempt { () throws(ConfigurationError) in try l.bool() } ?? false }
        if let e = m.optional("enabled") { spec.enabled = attempt { () throws(ConfigurationError) in try e.bool() } ?? true }
        guard errors.count == before, kind != nil else { return forget(.monitor(k)) }
        table.monitors.append(spec)
    }

    mutating func monitorKind(_ key: String, _ m: YAMLMapping, _ k: Int, _ name: String) -> MonitorKind? {
        let node = m[key]!
        let at = { (f: String) in FaultTablePath(.monitor(k), f) }
        let needsChannel = !["event", "all", "any", "not"].contains(key)
        var channel = ""
        if needsChannel {
            guard let c = attempt({ () throws(ConfigurationError) in try m.required("channel").string() }) else { return nil }
            channel = c
        } else if let c = m["channel"] {
            errors.append(c.error("a '\(key)' monitor watches no channel; remove 'channel'"))
            return nil
        }
        if key != "expect", let t = m["tolerance"] {
            errors.append(t.error("'tolerance' belongs to 'expect' monitors"))
        }
        if key != "event", let w = m["where"] {
            errors.append(w.error("'where' belongs to 'event' monitors"))
        }
        switch key {
        case "limit":
            guard let lm = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: ["redLow", "yellowLow", "yellowHigh", "redHigh"]) }) else { return nil }
            var v: [String: Double] = [:]
            for (f, _, value) in lm.pairs {
                note(at("limit.\(f)"), value)
                if let d = attempt({ () throws(ConfigurationError) in try value.double() }) { v[f] = d }
            }
            return .limit(channel: channel, redLow: v["redLow"], yellowLow: v["yellowLow"], yellowHigh: v["yellowHigh"], redHigh: v["redHigh"])
        case "range":
            guard let rm = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: ["min", "max"]) }) else { return nil }
            for (f, _, value) in rm.pairs { note(at("range.\(f)"), value) }
            guard let lo = attempt({ () throws(ConfigurationError) in try rm.required("min").double() }),
                let hi = attempt({ () throws(ConfigurationError) in try rm.required("max").double() })
            else { return nil }
            return .range(channel: channel, min: lo, max: hi)
        case "expect":
            let tol = m.optional("tolerance").flatMap { t in attempt { () throws(ConfigurationError) in try t.double() } } ?? 0
            guard let v = value(node) else { return nil }
            return .expected(channel: channel, value: v, tolerance: tol)
        case "delta":
            guard let r = attempt({ () throws(ConfigurationError) in try node.double() }) else { return nil }
            return .delta(channel: channel, maxRate: r)
        case "stale":
            guard let s = attempt({ () throws(ConfigurationError) in try node.double(in: Self.durations, units: "s") }) else { return nil }
            return .stale(channel: channel, timeout: .seconds(s))
        case "event":
            guard let e = attempt({ () throws(ConfigurationError) in try node.string() }) else { return nil }
            guard let w = m["where"] else { return .event(e) }
            // `where: {reason: TILT_OVER_LIMIT, wheel: 2}`: argument names and values, all to match.
            guard let wm = attempt({ () throws(ConfigurationError) in try w.mapping() }) else { return nil }
            if wm.pairs.isEmpty {
                errors.append(w.error("'where' names no argument; leave it out to match every '\(e)'"))
                return nil
            }
            var matches: [EventArgumentMatch] = []
            for (argument, _, value) in wm.pairs {
                note(at("where.\(argument)"), value)
                if let v = self.value(value) { matches.append(EventArgumentMatch(argument, v)) }
            }
            return .event(e, where: matches)
        case "not":
            guard let o = attempt({ () throws(ConfigurationError) in try node.string() }) else { return nil }
            return .not(o)
        default:  // all, any
            guard let items = attempt({ () throws(ConfigurationError) in try node.list() }) else { return nil }
            var ops: [String] = []
            for i in items {
                if let s = attempt({ () throws(ConfigurationError) in try i.string() }) { ops.append(s) }
            }
            return key == "all" ? .all(ops) : .any(ops)
        }
    }

    /// `3` (three consecutive) or `{count: 3, of: 5}`.
    mutating func persistence(_ node: YAMLValue, _ k: Int) -> Persistence? {
        if (try? node.int()) != nil, let n = attempt({ () throws(ConfigurationError) in try node.int() }) { return .consecutive(n) }
        guard let pm = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: ["count", "of"]) }) else { return nil }
        guard let n = attempt({ () throws(ConfigurationError) in try pm.required("count").int() }) else { return nil }
        let of = pm.optional("of").flatMap { o in attempt { () throws(ConfigurationError) in try o.int() } } ?? n
        return Persistence(count: n, of: of)
    }

    mutating func level(_ node: YAMLValue) -> FaultLevel? {
        guard let s = attempt({ () throws(ConfigurationError) in try node.choice(Self.levels) }) else { return nil }
        return FaultLevel.allCases.first { $0.description == s }
    }

    mutating func names(_ node: YAMLValue) -> [String]? {
        guard let items = attempt({ () throws(ConfigurationError) in try node.list() }) else { return nil }
        return items.compactMap { i in attempt { () throws(ConfigurationError) in try i.string() } }
    }

    /// A number, true/false, or a name (an enum constant).
    mutating func value(_ node: YAMLValue) -> FaultValue? {
        if let b = try? node.bool() { return .bool(b) }
        if let d = try? node.double() { return .number(d) }
        guard let s = attempt({ () throws(ConfigurationError) in try node.string() }) else { return nil }
        return .constant(s)
    }

    // MARK: Responses

    mutating func response(_ node: YAMLValue) {
        let k = table.responses.count
        let before = errors.count
        let at = { (f: String) in FaultTablePath(.response(k), f) }
        guard let m = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: Self.responseKeys) }) else { return }
        note(FaultTablePath(.response(k)), node)
        for (key, _, value) in m.pairs { note(at(key == "do" ? "actions" : key), value) }
        let name = attempt { () throws(ConfigurationError) in try m.required("name").string() } ?? ""
        let on = attempt { () throws(ConfigurationError) in try m.required("on").string() } ?? ""
        var actions: [FaultAction] = []
        if let list = attempt({ () throws(ConfigurationError) in try m.required("do").list() }) {
            for (i, item) in list.enumerated() {
                note(at("actions[\(i)]"), item)
                if let a = action(item) { actions.append(a) }
            }
        }
        var spec = ResponseSpec(name, on: on, actions: actions)
        spec.summary = attempt { () throws(ConfigurationError) in try m.optional("summary")?.string() ?? "" } ?? ""
        if let l = m.optional("level") { spec.level = level(l) ?? .device }
        if let a = m.optional("after") { spec.after = .seconds(attempt { () throws(ConfigurationError) in try a.double(in: Self.durations, units: "s") } ?? 0) }
        if let c = m.optional("cooldown") { spec.cooldown = .seconds(attempt { () throws(ConfigurationError) in try c.double(in: Self.durations, units: "s") } ?? 0) }
        if let l = m.optional("limit") { spec.limit = attempt { () throws(ConfigurationError) in try l.int() } }
        if let ms = m.optional("modes") { spec.modes = names(ms) }
        if let e = m.optional("enabled") { spec.enabled = attempt { () throws(ConfigurationError) in try e.bool() } ?? true }
        guard errors.count == before else { return forget(.response(k)) }
        table.responses.append(spec)
    }

    static let actionKeys = ["event", "command", "args", "sequence", "mode"]

    /// `safe`, or a mapping with one of event, command (+ args), sequence, mode.
    mutating func action(_ node: YAMLValue) -> FaultAction? {
        if let s = try? node.string() {
            guard s == "safe" else {
                errors.append(node.error("action '\(s)' is not one; a plain action is 'safe', others are mappings (event, command, sequence, mode)\(Suggestion.hint(for: s, in: ["safe"]))"))
                return nil
            }
            return .safe
        }
        guard let am = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: Self.actionKeys) }) else { return nil }
        let kinds = am.keys.filter { $0 != "args" }
        guard kinds.count == 1 else {
            errors.append(node.error("an action is one of event, command, sequence, mode or safe; found \(kinds.isEmpty ? "none" : kinds.joined(separator: " and "))"))
            return nil
        }
        if kinds[0] != "command", let a = am["args"] {
            errors.append(a.error("'args' belongs to a command action"))
            return nil
        }
        let v = am[kinds[0]]!
        switch kinds[0] {
        case "event":
            guard let s = attempt({ () throws(ConfigurationError) in try v.choice(Self.severities.keys.sorted()) }) else { return nil }
            return .event(Self.severities[s]!)
        case "command":
            guard let c = attempt({ () throws(ConfigurationError) in try v.string() }) else { return nil }
            var args: [FaultValue] = []
            if let a = am.optional("args") {
                for item in attempt({ () throws(ConfigurationError) in try a.list() }) ?? [] {
                    // Text for string arguments is quoted in YAML; bare words are enum constants.
                    if case .constant(let s)? = value(item), item.isQuoted { args.append(.text(s)) } else if let x = value(item) { args.append(x) }
                }
            }
            return .command(c, args)
        case "sequence":
            return attempt { () throws(ConfigurationError) in try v.string() }.map(FaultAction.sequence)
        default:
            return attempt { () throws(ConfigurationError) in try v.string() }.map(FaultAction.mode)
        }
    }

    // MARK: Lock-outs

    mutating func lockout(_ node: YAMLValue) {
        let k = table.lockouts.count
        let before = errors.count
        guard let m = attempt({ () throws(ConfigurationError) in try node.mapping(allowed: ["command", "modes"]) }) else { return }
        note(FaultTablePath(.lockout(k)), node)
        for (key, _, value) in m.pairs { note(FaultTablePath(.lockout(k), key), value) }
        let c = attempt { () throws(ConfigurationError) in try m.required("command").string() } ?? ""
        let ms = attempt { () throws(ConfigurationError) in try m.required("modes") }.flatMap { names($0) } ?? []
        guard errors.count == before else { return forget(.lockout(k)) }
        table.lockouts.append(CommandLockout(c, in: ms))
    }
}

extension YAMLValue {
    /// Whether the scalar was written in quotes (text, not a name or a number).
    var isQuoted: Bool {
        guard case .scalar(let s) = node else { return false }
        return s.style == .singleQuoted || s.style == .doubleQuoted
    }
}
