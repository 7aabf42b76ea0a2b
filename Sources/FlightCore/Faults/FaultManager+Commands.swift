/// The fault manager's commands, its command gate, and reading its state from code.
extension FaultManager {
    // MARK: Commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        guard let op = Command(rawValue: command.localOpcode) else { return .invalidOpcode }
        if op == .clearAllLatched {
            for k in monitors.indices where monitors[k].state == .latched { set(k, .nominal, at: command.time) }
            return .ok
        }
        guard case .enumeration(let raw) = command.arguments[0], raw >= 0 else { return .validationError }
        let i = Int(raw)
        switch op {
        case .monitorEnable, .monitorDisable, .monitorClear, .monitorReport:
            guard i < monitors.count else { return .validationError }
            switch op {
            case .monitorEnable:
                monitors[i].enabled = true
                if monitors[i].state == .disabled { set(i, .nominal, at: command.time) }
            case .monitorDisable:
                monitors[i].enabled = false
                set(i, .disabled, at: command.time)
            case .monitorClear:
                if monitors[i].state == .tripped || monitors[i].state == .latched { set(i, .nominal, at: command.time) }
            default:
                let m = monitors[i]
                var args = EventArguments(.enumeration(raw), .enumeration(Int32(m.state.rawValue)), .u32(m.trips), .bool(m.enabled))
                args.append(seconds(m.lastChange))
                ports.log(Event.monitorReport, args)
            }
        case .responseEnable, .responseDisable, .responseClear, .responseReport:
            guard i < responses.count else { return .validationError }
            switch op {
            case .responseEnable, .responseDisable:
                responses[i].enabled = op == .responseEnable
                ports.log(Event.responseStateChanged, .enumeration(raw), .bool(op == .responseEnable))
            case .responseClear:
                responses[i].firings = 0
                responses[i].hasFired = false
                ports.log(Event.responseCleared, .enumeration(raw))
            default:
                let r = responses[i]
                var args = EventArguments(.enumeration(raw), .bool(r.enabled), .u32(r.firings), .u32(r.suppressed))
                args.append(.f64(r.hasFired ? Double(r.lastFired) / 1e6 : -1))
                ports.log(Event.responseReport, args)
            }
        case .clearAllLatched:
            break
        }
        return .ok
    }

    func seconds(_ t: FlightTime) -> FlightValue { .f64(Double(t.totalMicroseconds) / 1e6) }

    // MARK: Command gate

    public func refusal(of opcode: Opcode, source: CommandSource) -> CommandResponse? {
        guard !lockouts.isEmpty, let modes else { return nil }
        var lo = 0, hi = lockouts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lockouts[mid].opcode < opcode.rawValue { lo = mid + 1 } else { hi = mid }
        }
        guard lo < lockouts.count, lockouts[lo].opcode == opcode.rawValue, lockouts[lo].modes.contains(modes.current) else { return nil }
        lockedOut &+= 1
        ports.log(Event.lockedOut, .u32(opcode.rawValue), .i32(Int32(modes.current)))
        ports.write(Channel.commandsLockedOut, .u32(lockedOut))
        return .validationError
    }

    // MARK: Reading state (tests, tools, coverage)

    /// A monitor's state by name.
    public func state(of monitor: String) -> MonitorState? {
        table.monitors.firstIndex { $0.name == monitor }.map { monitors.isEmpty ? .nominal : monitors[$0].state }
    }

    /// A monitor's trip count by name.
    public func trips(of monitor: String) -> UInt32? {
        table.monitors.firstIndex { $0.name == monitor }.flatMap { monitors.isEmpty ? nil : monitors[$0].trips }
    }

    /// A response's firing and suppression counts by name.
    public func counts(of response: String) -> (fired: UInt32, suppressed: UInt32)? {
        table.responses.firstIndex { $0.name == response }.flatMap { responses.isEmpty ? nil : (responses[$0].firings, responses[$0].suppressed) }
    }

    /// What fired so far: every monitor's trips and every response's firings, by name.
    public var activity: FaultActivity {
        FaultActivity(
            monitors: table.monitors.indices.map { (table.monitors[$0].name, monitors.isEmpty ? 0 : monitors[$0].trips) },
            responses: table.responses.indices.map { (table.responses[$0].name, responses.isEmpty ? 0 : responses[$0].firings) })
    }
}
