/// Resolving the table against the built topology: every name becomes an index, a packet or
/// a mask, and every array the tick path uses gets its final size.
extension FaultManager {
    public func bind(to topology: Topology) throws(TopologyError) {
        let dictionary = topology.dictionary()
        var problems: [String] = []
        if let modes, !topology.members.contains(where: { $0.component === modes }) {
            problems.append("its SystemMode '\(modes.name)' is not in the topology")
        }
        let context = FaultTableContext(dictionary: dictionary, modes: modes?.names, sequences: knownSequences)
        problems += table.problems(in: context).map(\.description)
        if !problems.isEmpty { throw .bindingFailed(component: name, problems: problems) }

        telemetry = topology.telemetry
        eventLog = topology.events
        dispatcher = topology.dispatcher
        let modeSet = { (names: [String]?) -> ModeSet in
            guard let names, let modes = self.modes else { return .all }
            return modes.set(names)
        }
        let index = Dictionary(uniqueKeysWithValues: table.monitors.enumerated().map { ($1.name, $0) })

        // Monitors.
        var built: ContiguousArray<Monitor> = []
        var ops: ContiguousArray<Int> = []
        for spec in table.monitors {
            var m: Monitor
            var slot = -1
            if let c = spec.kind.channel, let id = topology.channelID(c) { slot = topology.telemetry.indexByID[id] ?? -1 }
            switch spec.kind {
            case .limit(_, let rl, let yl, let yh, let rh):
                m = Monitor(code: .limit)
                m.a = rl ?? -.infinity
                m.b = yl ?? -.infinity
                m.c = yh ?? .infinity
                m.d = rh ?? .infinity
            case .range(_, let lo, let hi):
                m = Monitor(code: .range)
                m.a = lo
                m.d = hi
            case .expected(let c, let v, let tol):
                m = Monitor(code: .expected)
                if case .success(let x) = resolve(v, as: context.channels[c] ?? .f64) { m.a = x }
                m.b = tol
            case .delta(_, let rate):
                m = Monitor(code: .delta)
                m.a = rate
            case .stale(_, let timeout):
                m = Monitor(code: .stale)
                m.timeout = UInt64(timeout.microseconds)
            case .event(let e, let matches):
                m = Monitor(code: matches.isEmpty ? .event : .eventArguments)
                if let id = topology.eventID(e), let i = topology.events.indexByID[id] {
                    if matches.isEmpty {
                        slot = i
                        m.lastEmissions = topology.events.emitted[i]
                    } else {
                        // Names become argument indices and bit patterns (checked above); the
                        // log compares them as the event is emitted.
                        let defs = topology.events.infos[i].arguments
                        var conditions: [(argument: Int, bits: UInt64)] = []
                        for match in matches {
                            // Both were checked with the table's problems above; skipping one
                            // would widen the match, so a failure here is a programming error.
                            guard let a = defs.firstIndex(where: { $0.name == match.argument }),
                                case .success(let bits) = eventArgumentPattern(match.value, defs[a])
                            else { preconditionFailure("event argument match '\(match)' of '\(e)' was not checked") }
                            conditions.append((a, bits))
                        }
                        slot = topology.events.addArgumentMatch(slot: i, conditions)
                        m.lastEmissions = topology.events.matched[slot]
                    }
                }
            case .all, .any, .not:
                let code: Code
                switch spec.kind {
                case .all: code = .all
                case .any: code = .any
                default: code = .not
                }
                m = Monitor(code: code)
                m.operandStart = ops.count
                for o in spec.kind.operands { ops.append(index[o]!) }
                m.operandCount = ops.count - m.operandStart
            }
            m.slot = slot
            m.need = spec.persistence.count
            m.windowMask = spec.persistence.window >= 64 ? .max : (UInt64(1) << UInt64(spec.persistence.window)) - 1
            m.clearSamples = UInt32(spec.clear.samples)
            m.deadband = spec.clear.deadband
            m.modes = modeSet(spec.modes)
            m.latching = spec.latching
            m.enabled = spec.enabled
            m.state = spec.enabled ? .nominal : .disabled
            built.append(m)
        }
        monitors = built
        transitions = ContiguousArray(repeating: (0, .nominal, .nominal, 0, false), count: 3 * built.count + 1)
        operands = ops

        // Evaluation order: plain monitors, then combinations with their operands first.
        var placed = [Bool](repeating: false, count: built.count)
        var orderList: [Int] = []
        for k in built.indices where table.monitors[k].kind.operands.isEmpty {
            orderList.append(k)
            placed[k] = true
        }
        func place(_ k: Int) {
            guard !placed[k] else { return }
            placed[k] = true  // the table has no cycles (checked above)
            for o in table.monitors[k].kind.operands { place(index[o]!) }
            orderList.append(k)
        }
        for k in built.indices { place(k) }
        order = ContiguousArray(orderList)

        // Responses and their actions.
        var rs: ContiguousArray<Response> = []
        var acts: ContiguousArray<Action> = []
        for spec in table.responses {
            let start = acts.count
            for a in spec.actions {
                switch a {
                case .event(let sev):
                    let e: Event = switch sev {
                    case .fatal: .alarmFatal
                    case .warningHigh: .alarmWarningHigh
                    case .warningLow: .alarmWarningLow
                    default: .alarmActivity
                    }
                    acts.append(.alarm(e))
                case .command(let c, let args):
                    acts.append(.packet(try packet(c, args, dictionary)))
                case .sequence(let s):
                    acts.append(.packet(try packet(table.sequenceCommand!, [.text(s)], dictionary)))
                case .mode(let m):
                    acts.append(.mode(modes!.index(of: m)!))
                case .safe:
                    acts.append(.safe)
                }
            }
            rs.append(Response(
                monitor: index[spec.monitor]!, level: spec.level, after: UInt64(spec.after.microseconds), cooldown: UInt64(spec.cooldown.microseconds),
                limit: UInt32(spec.limit ?? 0), modes: modeSet(spec.modes), enabled: spec.enabled, actionStart: start, actionCount: acts.count - start))
        }
        let sorted = rs.indices.sorted { (rs[$0].monitor, rs[$0].level.rawValue, $0) < (rs[$1].monitor, rs[$1].level.rawValue, $1) }
        for (pos, r) in sorted.enumerated() {
            var lower = pos
            while lower > 0, rs[sorted[lower - 1]].monitor == rs[r].monitor { lower -= 1 }
            var end = lower
            while end < pos, rs[sorted[end]].level.rawValue < rs[r].level.rawValue { end += 1 }
            rs[r].lowerStart = lower
            rs[r].lowerEnd = end
        }
        responses = rs
        responseOrder = ContiguousArray(sorted)
        actions = acts

        // Lock-outs.
        var locks: [(opcode: UInt32, modes: ModeSet)] = []
        for l in table.lockouts {
            let op = dictionary.command(named: l.command)!.opcode.rawValue
            if let i = locks.firstIndex(where: { $0.opcode == op }) {
                locks[i].modes.mask |= modeSet(l.modes).mask
            } else {
                locks.append((op, modeSet(l.modes)))
            }
        }
        lockouts = ContiguousArray(locks.sorted { $0.opcode < $1.opcode })
        if !lockouts.isEmpty { topology.dispatcher.gate = self }
        topology.dispatcher.setResponseHandler(for: .faultManager) { [unowned self] completion in
            self.commandCompleted(completion)
        }
    }

    private func packet(_ command: String, _ args: [FaultValue], _ dictionary: FlightDictionary) throws(TopologyError) -> CommandPacket {
        guard let c = dictionary.command(named: command) else { throw .bindingFailed(component: name, problems: ["unknown command '\(command)'"]) }
        var values: [ArgumentValue] = []
        for (v, d) in zip(args, c.arguments) {
            switch encodeArgument(v, d) {
            case .success(let a): values.append(a)
            case .failure(let f): throw .bindingFailed(component: name, problems: ["command '\(command)' argument '\(d.name)': \(f)"])
            }
        }
        guard let bytes = CommandArguments.encode(values, as: c.arguments) else {
            throw .bindingFailed(component: name, problems: ["command '\(command)': arguments do not encode"])
        }
        return CommandPacket(opcode: c.opcode, arguments: bytes, source: .faultManager)
    }

    func commandCompleted(_ c: CommandCompletion) {
        guard c.response != .ok else { return }
        commandFailures &+= 1
        ports.log(Event.responseCommandFailed, .u32(c.opcode.rawValue), .enumeration(c.response.rawValue))
        ports.write(Channel.commandFailures, .u32(commandFailures))
    }
}
