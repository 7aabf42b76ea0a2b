/// Regolith's own JSON dictionary form: everything in F Prime's form plus what F Prime's
/// has no place for (argument ranges and units, hazardous flags, update policies, throttle
/// windows, parameter commands, the schedule and the bus, the fault tables). Format 1.1.0
/// added `faultProtection` and the rate groups' `sheddableIn`.
extension FlightDictionary {
    static func regolithType(_ t: FlightType) -> JSON {
        switch t {
        case .string(let m): .object(("type", .string("string")), ("maxLength", .int(Int64(m))))
        case .enumeration(let e): .object(("type", .string("enum")), ("enum", .string(e.qualifiedName)))
        default: .object(("type", .string(t.fprimeName)))
        }
    }

    static func range(_ r: ClosedRange<Double>?) -> JSON? {
        r.map { .object(("min", .double($0.lowerBound)), ("max", .double($0.upperBound))) }
    }

    static func regolithArgs(_ args: [ArgumentDefinition]) -> JSON {
        .array(args.map { a in
            .object(
                ("name", .string(a.name)), ("type", regolithType(a.type)), ("range", range(a.range)),
                ("units", a.units.isEmpty ? nil : .string(a.units)), ("summary", a.summary.isEmpty ? nil : .string(a.summary)))
        })
    }

    static func value(_ v: FlightValue) -> JSON {
        switch v {
        case .bool(let b): .bool(b)
        case .f32(let f): .double(Double(f))
        case .f64(let f): .double(f)
        case .u64(let u): .uint(u)
        case .enumeration(let e): .int(Int64(e))
        default: .int(Int64(v.doubleValue))
        }
    }

    /// The dictionary in Regolith's own JSON form.
    public func regolithJSON() -> String {
        JSON.object(
            ("format", .string("regolith-dictionary")),
            ("formatVersion", .string(Self.regolithFormatVersion)),
            ("deployment", .string(deploymentName)),
            ("projectVersion", .string(projectVersion)),
            ("frameworkVersion", .string(Self.frameworkVersion)),
            ("baseRateHz", .double(baseRate)),
            ("enums", .array(enums.map { e in
                .object(("name", .string(e.qualifiedName)), ("representation", .string(e.representation.flightType.fprimeName)),
                        ("constants", .array(zip(e.names, e.values).map { .object(("name", .string($0)), ("value", .int($1))) })))
            })),
            ("constants", .array(constants.map { .object(("name", .string($0.qualifiedName)), ("type", Self.regolithType($0.type)), ("value", .int($0.value))) })),
            ("components", .array(components.map { c in
                .object(("name", .string(c.name)), ("kind", .string(c.kind)), ("baseId", .uint(UInt64(c.baseID))),
                        ("rateGroup", c.rateGroup.map(JSON.string)), ("summary", c.summary.isEmpty ? nil : .string(c.summary)))
            })),
            ("rateGroups", .array(rateGroups.map { g in
                .object(("name", .string(g.name)), ("divisor", .int(Int64(g.divisor))), ("offset", .int(Int64(g.offset))),
                        ("rateHz", .double(baseRate / Double(g.divisor))), ("components", .array(g.members.map(JSON.string))),
                        ("sheddableIn", g.sheddableIn.map(JSON.string)))
            })),
            ("topics", .array(topics.map { t in
                .object(("id", .uint(UInt64(t.id.rawValue))), ("name", .string(t.name)), ("messageType", .string(t.messageType)),
                        ("subscribers", .array(t.subscribers.map { s in
                            .object(("name", .string(s.subscriber)), ("policy", .string(s.policy.description)), ("capacity", .int(Int64(s.capacity))))
                        })))
            })),
            ("commands", .array(commands.map { c in
                .object(("opcode", .uint(UInt64(c.opcode.rawValue))), ("name", .string(c.name)), ("arguments", Self.regolithArgs(c.arguments)),
                        ("hazardous", .bool(c.hazardous)), ("summary", c.summary.isEmpty ? nil : .string(c.summary)))
            })),
            ("channels", .array(channels.map { c in
                let d = c.definition
                return .object(
                    ("id", .uint(UInt64(c.id.rawValue))), ("name", .string(c.name)), ("type", Self.regolithType(d.type)),
                    ("update", .string(d.update == .onChange ? "on-change" : "always")),
                    ("limits", d.limits.map { l in .object(("redLow", l.redLow.map(JSON.double)), ("yellowLow", l.yellowLow.map(JSON.double)), ("yellowHigh", l.yellowHigh.map(JSON.double)), ("redHigh", l.redHigh.map(JSON.double))) }),
                    ("units", d.units.isEmpty ? nil : .string(d.units)), ("summary", d.summary.isEmpty ? nil : .string(d.summary)))
            })),
            ("events", .array(events.map { e in
                let d = e.definition
                return .object(
                    ("id", .uint(UInt64(e.id.rawValue))), ("name", .string(e.name)), ("severity", .string(d.severity.description)),
                    ("arguments", Self.regolithArgs(d.arguments)), ("format", .string(d.format)),
                    ("throttle", d.throttle.map { t in .object(("count", .uint(UInt64(t.count))), ("windowSeconds", t.window.map { .double($0.seconds) })) }),
                    ("summary", d.summary.isEmpty ? nil : .string(d.summary)))
            })),
            ("parameters", .array(parameters.map { p in
                let d = p.definition
                return .object(
                    ("id", .uint(UInt64(p.id.rawValue))), ("name", .string(p.name)), ("type", Self.regolithType(d.type)),
                    ("default", Self.value(d.defaultValue)), ("range", Self.range(d.range)),
                    ("setOpcode", .uint(UInt64(p.setOpcode.rawValue))), ("saveOpcode", .uint(UInt64(p.saveOpcode.rawValue))),
                    ("units", d.units.isEmpty ? nil : .string(d.units)), ("summary", d.summary.isEmpty ? nil : .string(d.summary)))
            })),
            ("faultProtection", .array(faultTables.map { $0.table.json(component: $0.component) }))
        ).rendered()
    }
}
