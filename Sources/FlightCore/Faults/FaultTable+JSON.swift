/// The fault tables a topology runs, in Regolith's dictionary (`faultProtection`): what a
/// ground tool shows next to a monitor's `_State` channel, and what a reviewer reads.
extension FaultTable {
    func json(component: String) -> JSON {
        func d(_ v: Double?) -> JSON? { v.map(JSON.double) }
        func names(_ ns: [String]?) -> JSON? { ns.map { .array($0.map(JSON.string)) } }
        func value(_ v: FaultValue) -> JSON {
            switch v {
            case .number(let x): .double(x)
            case .bool(let b): .bool(b)
            case .constant(let c), .text(let c): .string(c)
            }
        }
        let monitors: [JSON] = monitors.map { m in
            var kind: [(String, JSON?)] = [("kind", .string(m.kind.kindName)), ("channel", m.kind.channel.map(JSON.string))]
            switch m.kind {
            case .limit(_, let rl, let yl, let yh, let rh): kind += [("redLow", d(rl)), ("yellowLow", d(yl)), ("yellowHigh", d(yh)), ("redHigh", d(rh))]
            case .range(_, let lo, let hi): kind += [("min", .double(lo)), ("max", .double(hi))]
            case .expected(_, let v, let tol): kind += [("expect", value(v)), ("tolerance", .double(tol))]
            case .delta(_, let rate): kind += [("maxRate", .double(rate))]
            case .stale(_, let t): kind += [("timeoutSeconds", .double(t.seconds))]
            case .event(let e, let matches):
                kind += [("event", .string(e)), ("where", matches.isEmpty ? nil : .object(matches.map { JSON.Member($0.argument, value($0.value)) }))]
            case .all, .any, .not: kind += [("operands", names(m.kind.operands))]
            }
            return .members(
                [("name", .string(m.name))] + kind + [
                    ("persistence", .object(("count", .int(Int64(m.persistence.count))), ("of", .int(Int64(m.persistence.window))))),
                    ("clear", .object(("samples", .int(Int64(m.clear.samples))), ("deadband", .double(m.clear.deadband)))),
                    ("level", .string(m.level.description)), ("modes", names(m.modes)), ("latching", .bool(m.latching)),
                    ("enabled", .bool(m.enabled)), ("summary", m.summary.isEmpty ? nil : .string(m.summary)),
                ] as [(String, JSON?)])
        }
        let responses: [JSON] = responses.map { r in
            let actions: [JSON] = r.actions.map { a in
                switch a {
                case .event(let s): .object(("event", .string(s.description)))
                case .command(let c, let args): .object(("command", .string(c)), ("args", .array(args.map(value))))
                case .sequence(let s): .object(("sequence", .string(s)))
                case .mode(let m): .object(("mode", .string(m)))
                case .safe: .string("safe")
                }
            }
            return .object(
                ("name", .string(r.name)), ("on", .string(r.monitor)), ("level", .string(r.level.description)),
                ("afterSeconds", .double(r.after.seconds)), ("cooldownSeconds", .double(r.cooldown.seconds)),
                ("limit", r.limit.map { .int(Int64($0)) }), ("modes", names(r.modes)), ("enabled", .bool(r.enabled)),
                ("do", .array(actions)), ("summary", r.summary.isEmpty ? nil : .string(r.summary)))
        }
        return .object(
            ("component", .string(component)), ("sequenceCommand", sequenceCommand.map(JSON.string)),
            ("monitors", .array(monitors)), ("responses", .array(responses)),
            ("lockouts", .array(lockouts.map { .object(("command", .string($0.command)), ("modes", .array($0.modes.map(JSON.string)))) })))
    }
}

extension JSON {
    /// An object from (key, value) pairs, leaving out nil values.
    static func members(_ members: [(String, JSON?)]) -> JSON {
        .object(members.compactMap { k, v in v.map { Member(k, $0) } })
    }
}
