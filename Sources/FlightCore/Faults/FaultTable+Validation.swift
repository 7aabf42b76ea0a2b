extension FaultTable {
    /// Every problem in the table, in table order: names, thresholds, persistence, levels,
    /// and every channel, event, command, mode and sequence it names (checked in `context`).
    /// An empty result means the fault manager can run it.
    public func problems(in context: FaultTableContext) -> [FaultTableProblem] {
        var out: [FaultTableProblem] = []
        func fail(_ p: FaultTablePath, _ m: String) { out.append(FaultTableProblem(p, m)) }
        func identifier(_ name: String, _ p: FaultTablePath, _ what: String) {
            if !isIdentifier(name) { fail(p, "\(what) name '\(name)' must be letters, digits and underscores, not starting with a digit") }
        }
        func checkModes(_ modes: [String]?, _ p: FaultTablePath) {
            guard let modes else { return }
            guard let known = context.modes else {
                fail(p, "names modes, but the topology has no SystemMode component")
                return
            }
            if modes.isEmpty { fail(p, "an empty mode list would never be active; leave 'modes' out for all modes") }
            for m in modes where !known.contains(m) {
                fail(p, "unknown mode '\(m)'\(nameHint(m, known)) (modes: \(known.joined(separator: ", ")))")
            }
        }

        if monitors.count > Self.maxMonitors { fail(FaultTablePath(.table, "monitors"), "\(monitors.count) monitors; at most \(Self.maxMonitors)") }
        if responses.count > Self.maxResponses { fail(FaultTablePath(.table, "responses"), "\(responses.count) responses; at most \(Self.maxResponses)") }

        // Monitors.
        var monitorIndex: [String: Int] = [:]
        for (i, m) in monitors.enumerated() {
            let p = FaultTablePath(.monitor(i), "name")
            identifier(m.name, p, "monitor")
            if let first = monitorIndex[m.name] { fail(p, "monitor '\(m.name)' is declared twice (first as monitors[\(first)])") } else { monitorIndex[m.name] = i }
        }
        let monitorNames = monitors.map(\.name)
        for (i, m) in monitors.enumerated() {
            let at = { (field: String) in FaultTablePath(.monitor(i), field) }
            // The channel and its type.
            var channelType: FlightType?
            if let c = m.kind.channel {
                if let t = context.channels[c] {
                    channelType = t
                } else {
                    fail(at("channel"), "unknown channel '\(c)'\(nameHint(c, context.channels.keys))")
                }
            }
            func numeric(_ what: String) {
                if let t = channelType, !t.isNumeric, !isBoolOrEnum(t) { fail(at("channel"), "\(what) needs a numeric channel; '\(m.kind.channel ?? "")' is \(t.fprimeName)") }
            }
            func finite(_ v: Double?, _ field: String) {
                if let v, !v.isFinite { fail(at(field), "\(v) is not a finite number") }
            }
            switch m.kind {
            case .limit(_, let rl, let yl, let yh, let rh):
                numeric("a limit monitor")
                for (v, f) in [(rl, "redLow"), (yl, "yellowLow"), (yh, "yellowHigh"), (rh, "redHigh")] { finite(v, "limit.\(f)") }
                if rl == nil && rh == nil && yl == nil && yh == nil { fail(at("limit"), "a limit monitor needs at least one limit") }
                if rl == nil && rh == nil && (yl != nil || yh != nil) { fail(at("limit"), "a limit monitor needs a red limit: yellow limits only warn") }
                if let r = rl, let y = yl, r > y { fail(at("limit.redLow"), "red low \(fmt(r)) is above yellow low \(fmt(y)): yellow must lie inside red") }
                if let r = rh, let y = yh, r < y { fail(at("limit.redHigh"), "red high \(fmt(r)) is below yellow high \(fmt(y)): yellow must lie inside red") }
                let lows = [rl, yl].compactMap { $0 }, highs = [yh, rh].compactMap { $0 }
                if let lo = lows.max(), let hi = highs.min(), lo >= hi { fail(at("limit"), "low limit \(fmt(lo)) is not below high limit \(fmt(hi)): every sample would violate") }
                if m.clear.deadband < 0 { fail(at("clear.deadband"), "deadband \(fmt(m.clear.deadband)) must not be negative") }
            case .range(_, let lo, let hi):
                numeric("a range monitor")
                finite(lo, "range.min")
                finite(hi, "range.max")
                if lo > hi { fail(at("range"), "min \(fmt(lo)) is above max \(fmt(hi)): every sample would violate") }
                if m.clear.deadband < 0 { fail(at("clear.deadband"), "deadband \(fmt(m.clear.deadband)) must not be negative") }
                if m.clear.deadband > 0, lo + 2 * m.clear.deadband > hi { fail(at("clear.deadband"), "deadband \(fmt(m.clear.deadband)) leaves no good value inside \(fmt(lo))...\(fmt(hi))") }
            case .expected(_, let v, let tol):
                if tol < 0 || !tol.isFinite { fail(at("tolerance"), "tolerance \(fmt(tol)) must be a finite number, not negative") }
                if let t = channelType, case .failure(let why) = resolve(v, as: t) { fail(at("expect"), why.description) }
            case .delta(_, let rate):
                numeric("a delta monitor")
                if !(rate > 0) || !rate.isFinite { fail(at("delta"), "maximum rate \(fmt(rate)) must be a positive number") }
            case .stale(_, let timeout):
                if timeout.nanoseconds <= 0 { fail(at("stale"), "timeout \(timeout.seconds) s must be positive") }
            case .event(let e, let matches):
                if !context.events.contains(e) {
                    fail(at("event"), "unknown event '\(e)'\(nameHint(e, context.events))")
                } else if !matches.isEmpty {
                    checkEventMatches(e, matches, i, context, &out)
                }
            case .all(let ops), .any(let ops):
                if ops.isEmpty { fail(at(m.kind.kindName), "'\(m.kind.kindName)' needs at least one monitor") }
                for o in ops where monitorIndex[o] == nil { fail(at(m.kind.kindName), "unknown monitor '\(o)'\(nameHint(o, monitorNames))") }
                if ops.contains(m.name) { fail(at(m.kind.kindName), "monitor '\(m.name)' cannot combine itself") }
            case .not(let o):
                if monitorIndex[o] == nil { fail(at("not"), "unknown monitor '\(o)'\(nameHint(o, monitorNames))") }
                if o == m.name { fail(at("not"), "monitor '\(m.name)' cannot negate itself") }
            }
            let pz = m.persistence
            if pz.count < 1 { fail(at("persistence"), "persistence count \(pz.count) must be at least 1") }
            if pz.window < 1 || pz.window > Self.maxWindow { fail(at("persistence"), "persistence window \(pz.window) must be in 1...\(Self.maxWindow)") }
            if pz.count > pz.window { fail(at("persistence"), "persistence \(pz.count) of \(pz.window) can never trip: N must not exceed M") }
            if m.clear.samples < 1 || m.clear.samples > 1_000_000 { fail(at("clear.samples"), "clear needs 1...1000000 good samples, not \(m.clear.samples)") }
            if !m.clear.deadband.isFinite { fail(at("clear.deadband"), "deadband must be finite") }
            checkModes(m.modes, at("modes"))
        }
        // Combination cycles (a monitor that depends on itself through others).
        for (i, name) in combinationCycle(monitorIndex) where !monitors[i].kind.operands.contains(name) {
            fail(FaultTablePath(.monitor(i), monitors[i].kind.kindName), "monitor '\(name)' depends on itself through its operands")
        }

        // Responses.
        var responseIndex: [String: Int] = [:]
        for (i, r) in responses.enumerated() {
            let at = { (field: String) in FaultTablePath(.response(i), field) }
            identifier(r.name, at("name"), "response")
            if let first = responseIndex[r.name] { fail(at("name"), "response '\(r.name)' is declared twice (first as responses[\(first)])") } else { responseIndex[r.name] = i }
            if monitorIndex[r.name] != nil { fail(at("name"), "'\(r.name)' already names a monitor; responses and monitors need distinct names") }
            if monitorIndex[r.monitor] == nil { fail(at("on"), "unknown monitor '\(r.monitor)'\(nameHint(r.monitor, monitorNames))") }
            if r.after.nanoseconds < 0 { fail(at("after"), "'after' must not be negative") }
            if r.cooldown.nanoseconds < 0 { fail(at("cooldown"), "cooldown must not be negative") }
            if let l = r.limit, l < 1 || l > Int(UInt32.max) { fail(at("limit"), "limit \(l) must be in 1...\(UInt32.max) firings") }
            if r.actions.isEmpty { fail(at("actions"), "a response needs at least one action") }
            checkModes(r.modes, at("modes"))
            for (k, a) in r.actions.enumerated() {
                let ap = at("actions[\(k)]")
                switch a {
                case .event(let sev):
                    if ![.fatal, .warningHigh, .warningLow, .activityHigh].contains(sev) { fail(ap, "an alarm event is FATAL, WARNING_HI, WARNING_LO or ACTIVITY_HI, not \(sev)") }
                case .command(let name, let args):
                    checkCommand(name, args, ap, context, &out)
                case .sequence(let s):
                    guard let cmd = sequenceCommand else {
                        fail(ap, "starts sequence '\(s)', but the table names no sequence command (sequenceCommand)")
                        break
                    }
                    _ = cmd
                    if let known = context.sequences, !known.contains(s) { fail(ap, "unknown sequence '\(s)'\(nameHint(s, known))") }
                case .mode(let m):
                    if let known = context.modes {
                        if !known.contains(m) { fail(ap, "unknown mode '\(m)'\(nameHint(m, known)) (modes: \(known.joined(separator: ", ")))") }
                    } else {
                        fail(ap, "changes mode, but the topology has no SystemMode component")
                    }
                case .safe:
                    if context.modes == nil { fail(ap, "enters SAFE mode, but the topology has no SystemMode component") }
                }
            }
        }
        // Levels: a higher level on the same monitor must wait longer than every lower level.
        for (i, r) in responses.enumerated() {
            for (j, lower) in responses.enumerated() where j != i && lower.monitor == r.monitor && lower.level.rawValue < r.level.rawValue {
                if r.after <= lower.after {
                    fail(FaultTablePath(.response(i), "after"), "\(r.level)-level response '\(r.name)' acts after \(r.after.seconds) s, not later than \(lower.level)-level '\(lower.name)' (\(lower.after.seconds) s): a lower level must get its chance first")
                    break
                }
            }
        }

        // Sequence command.
        if let s = sequenceCommand {
            let p = FaultTablePath(.table, "sequenceCommand")
            if let args = context.commands[s] {
                if case .string? = args.first?.type, args.count == 1 {} else { fail(p, "sequence command '\(s)' must take one string argument (the sequence's name)") }
            } else {
                fail(p, "unknown command '\(s)'\(nameHint(s, context.commands.keys))")
            }
        }

        // Lock-outs.
        for (i, l) in lockouts.enumerated() {
            if context.commands[l.command] == nil { fail(FaultTablePath(.lockout(i), "command"), "unknown command '\(l.command)'\(nameHint(l.command, context.commands.keys))") }
            checkModes(l.modes, FaultTablePath(.lockout(i), "modes"))
        }
        return out
    }

    /// Monitors that reach themselves through their operands (each reported once).
    private func combinationCycle(_ index: [String: Int]) -> [(Int, String)] {
        var cyclic: [(Int, String)] = []
        for i in monitors.indices where !monitors[i].kind.operands.isEmpty {
            var seen = Set<Int>()
            var stack = monitors[i].kind.operands.compactMap { index[$0] }
            var found = false
            while let j = stack.popLast(), !found {
                if j == i { found = true; break }
                guard seen.insert(j).inserted else { continue }
                stack += monitors[j].kind.operands.compactMap { index[$0] }
            }
            if found { cyclic.append((i, monitors[i].name)) }
        }
        return cyclic
    }
}
