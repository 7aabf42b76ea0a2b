/// F Prime's v4 JSON dictionary form (dictionarySpecVersion 1.0.0), as fprime-gds loads it:
/// `metadata`, `typeDefinitions` (enums and the Fw* type aliases), `constants`, `commands`,
/// `parameters`, `events`, `telemetryChannels`, and the empty `records`, `containers` and
/// `telemetryPacketSets` sections its loaders expect.
extension FlightDictionary {
    /// Fw* type aliases with the widths Regolith's wire formats use.
    public static let fprimeAliases: [(String, FlightType, String)] = [
        ("FwOpcodeType", .u32, "The type of a command opcode"),
        ("FwChanIdType", .u32, "The type of a telemetry channel identifier"),
        ("FwEventIdType", .u32, "The type of an event identifier"),
        ("FwPrmIdType", .u32, "The type of a parameter identifier"),
        ("FwPacketDescriptorType", .u16, "The type of a com packet descriptor"),
        ("FwTlmPacketizeIdType", .u16, "The type of a telemetry packet identifier"),
        ("FwSizeStoreType", .u16, "The type used to serialize a size value"),
        ("FwSizeType", .u64, "The unsigned type of larger sizes internal to the software"),
        ("FwSignedSizeType", .i64, "The signed type of larger sizes internal to the software"),
        ("FwIndexType", .i32, "The type of smaller indices internal to the software"),
        ("FwEnumStoreType", .i32, "The type used to serialize a C++ enumeration"),
        ("FwTimeBaseStoreType", .u16, "The type used to serialize a time base value"),
        ("FwTimeContextStoreType", .u8, "The type used to serialize a time context value"),
        ("FwTaskPriorityType", .u8, "The type of task priorities used"),
        ("FwQueuePriorityType", .u8, "The type of queue priorities used"),
        ("FwDpIdType", .u32, "The type of a data product identifier"),
        ("FwDpPriorityType", .u32, "The type of a data product priority"),
    ]

    /// F Prime's time bases, with Regolith's simulated-time base added.
    public static let timeBaseEnum = EnumType(
        "TimeBase", representation: .u16,
        constants: [("TB_NONE", 0), ("TB_PROC_TIME", 1), ("TB_WORKSTATION_TIME", 2), ("TB_SC_TIME", 3), ("TB_FPGA_TIME", 4), ("TB_SIM_TIME", Int64(TimeBase.simulated.rawValue)), ("TB_DONT_CARE", 0xFFFF)],
        default: "TB_NONE", annotation: "Time bases; TB_SIM_TIME is Regolith's lockstep simulated time")

    /// F Prime's packet descriptors, as fprime-gds reads them from `ComCfg.Apid`.
    public static let apidEnum = EnumType(
        "ComCfg.Apid", representation: .u16,
        constants: [("FW_PACKET_COMMAND", 0), ("FW_PACKET_TELEM", 1), ("FW_PACKET_LOG", 2), ("FW_PACKET_FILE", 3), ("FW_PACKET_PACKETIZED_TLM", 4), ("FW_PACKET_IDLE", 5), ("FW_PACKET_HAND", 0xFE), ("FW_PACKET_UNKNOWN", 0xFF), ("CCSDS_SPACE_PACKET_IDLE_APID", 0x7FF)],
        default: "FW_PACKET_UNKNOWN", annotation: "APIDs of the packets on the ground link")

    static func fprimeType(_ t: FlightType) -> JSON {
        switch t {
        case .u8, .u16, .u32, .u64, .i8, .i16, .i32, .i64:
            let size = (t.fixedSize ?? 0) * 8
            let signed: Bool = { if case .i8 = t { return true }; if case .i16 = t { return true }; if case .i32 = t { return true }; if case .i64 = t { return true }; return false }()
            return .object(("name", .string(t.fprimeName)), ("kind", .string("integer")), ("size", .int(Int64(size))), ("signed", .bool(signed)))
        case .f32, .f64:
            return .object(("name", .string(t.fprimeName)), ("kind", .string("float")), ("size", .int(Int64((t.fixedSize ?? 0) * 8))))
        case .bool:
            return .object(("name", .string("bool")), ("kind", .string("bool")), ("size", .int(8)))
        case .string(let max):
            return .object(("name", .string("string")), ("kind", .string("string")), ("size", .int(Int64(max))))
        case .enumeration(let e):
            return .object(("name", .string(e.qualifiedName)), ("kind", .string("qualifiedIdentifier")))
        }
    }

    static func fprimeValue(_ v: FlightValue, _ t: FlightType) -> JSON {
        switch (v, t) {
        case (.bool(let b), _): .bool(b)
        case (.enumeration(let x), .enumeration(let e)): .string(e.qualifiedName + "." + (e.name(of: Int64(x)) ?? String(x)))
        case (.f32(let f), _): .double(Double(f))
        case (.f64(let f), _): .double(f)
        case (.u64(let u), _): .uint(u)
        default: .int(Int64(v.doubleValue))
        }
    }

    /// A summary with its units in parentheses; nil when there is neither.
    static func annotation(_ summary: String, units: String) -> JSON? {
        switch (summary.isEmpty, units.isEmpty) {
        case (true, true): nil
        case (false, true): .string(summary)
        case (true, false): .string("(\(units))")
        case (false, false): .string("\(summary) (\(units))")
        }
    }

    static func fprimeEnum(_ e: EnumType) -> JSON {
        .object(
            ("kind", .string("enum")),
            ("qualifiedName", .string(e.qualifiedName)),
            ("representationType", fprimeType(e.representation.flightType)),
            ("enumeratedConstants", .array(zip(e.names, e.values).map { .object(("name", .string($0)), ("value", .int($1))) })),
            ("default", .string(e.qualifiedName + "." + e.defaultName)),
            ("annotation", e.annotation.isEmpty ? nil : .string(e.annotation)))
    }

    static func fprimeParams(_ args: [ArgumentDefinition]) -> JSON {
        .array(args.map { a in
            var note = a.summary
            if let r = a.range { note += (note.isEmpty ? "" : " ") + "[\(r.lowerBound)...\(r.upperBound)]" }
            if !a.units.isEmpty { note += (note.isEmpty ? "" : " ") + "(\(a.units))" }
            return .object(("name", .string(a.name)), ("type", fprimeType(a.type)), ("ref", .bool(false)), ("annotation", note.isEmpty ? nil : .string(note)))
        })
    }

    /// The dictionary in F Prime's v4 JSON form.
    public func fprimeJSON() -> String {
        var enumDefs = enums
        for extra in [Self.timeBaseEnum, Self.apidEnum] where !enumDefs.contains(where: { $0.qualifiedName == extra.qualifiedName }) {
            enumDefs.append(extra)
        }
        enumDefs.sort { $0.qualifiedName < $1.qualifiedName }
        let aliases: [JSON] = Self.fprimeAliases.map { name, t, note in
            .object(("kind", .string("alias")), ("qualifiedName", .string(name)), ("type", Self.fprimeType(t)), ("underlyingType", Self.fprimeType(t)), ("annotation", .string(note)))
        }
        let json = JSON.object(
            ("metadata", .object(
                ("deploymentName", .string(deploymentName)),
                ("projectVersion", .string(projectVersion)),
                ("frameworkVersion", .string("regolith-" + Self.frameworkVersion)),
                ("libraryVersions", .array([])),
                ("dictionarySpecVersion", .string("1.0.0")))),
            ("typeDefinitions", .array(enumDefs.map(Self.fprimeEnum) + aliases)),
            ("constants", .array(constants.map { c in
                .object(("kind", .string("constant")), ("qualifiedName", .string(c.qualifiedName)), ("type", Self.fprimeType(c.type)), ("value", .int(c.value)), ("annotation", c.summary.isEmpty ? nil : .string(c.summary)))
            })),
            ("commands", .array(commands.map { c in
                .object(
                    ("name", .string(c.name)), ("commandKind", .string("sync")), ("opcode", .uint(UInt64(c.opcode.rawValue))),
                    ("formalParams", Self.fprimeParams(c.arguments)),
                    ("annotation", .string((c.hazardous ? "HAZARDOUS: needs cmdDisp.ARM first. " : "") + c.summary)))
            })),
            ("parameters", .array(parameters.map { p in
                .object(
                    ("name", .string(p.name)), ("type", Self.fprimeType(p.definition.type)), ("id", .uint(UInt64(p.id.rawValue))),
                    ("default", Self.fprimeValue(p.definition.defaultValue, p.definition.type)),
                    ("annotation", p.definition.summary.isEmpty ? nil : .string(p.definition.summary)))
            })),
            ("events", .array(events.map { e in
                let d = e.definition
                return .object(
                    ("name", .string(e.name)), ("severity", .string(d.severity.description)),
                    ("formalParams", Self.fprimeParams(d.arguments)), ("id", .uint(UInt64(e.id.rawValue))),
                    ("format", .string(d.format)), ("throttle", d.throttle.map { .uint(UInt64($0.count)) }),
                    ("annotation", d.summary.isEmpty ? nil : .string(d.summary)))
            })),
            ("telemetryChannels", .array(channels.map { c in
                let d = c.definition
                var limits: JSON?
                if let l = d.limits {
                    let low = JSON.object(("yellow", l.yellowLow.map(JSON.double)), ("red", l.redLow.map(JSON.double)))
                    let high = JSON.object(("yellow", l.yellowHigh.map(JSON.double)), ("red", l.redHigh.map(JSON.double)))
                    limits = .object(("low", low == .object([]) ? nil : low), ("high", high == .object([]) ? nil : high))
                }
                return .object(
                    ("name", .string(c.name)), ("type", Self.fprimeType(d.type)), ("id", .uint(UInt64(c.id.rawValue))),
                    ("telemetryUpdate", .string(d.update == .onChange ? "on change" : "always")),
                    ("limits", limits),
                    ("annotation", Self.annotation(d.summary, units: d.units)))
            })),
            ("records", .array([])),
            ("containers", .array([])),
            ("telemetryPacketSets", .array([])))
        return json.rendered()
    }
}
