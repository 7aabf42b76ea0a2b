import FlightCore
public import Foundation

extension GroundDictionary {
    /// Reads the Regolith JSON dictionary (`regolith dict export --format regolith`): its
    /// enums, commands, channels and events. Refuses, with the path of the offending member,
    /// anything that is not that format.
    public init(regolithJSON data: Data) throws(GroundError) {
        func bad(_ at: String, _ why: String) -> GroundError { .dictionary("\(at): \(why)") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw bad("dictionary", "not a JSON object")
        }
        guard root["format"] as? String == "regolith-dictionary" else {
            throw bad("format", "not a Regolith dictionary (expected \"regolith-dictionary\"; an F Prime dictionary is for fprime-gds)")
        }
        var enums: [String: EnumType] = [:]
        for (i, e) in (root["enums"] as? [[String: Any]] ?? []).enumerated() {
            guard let name = e["name"] as? String, let rep = e["representation"] as? String,
                let representation = Self.representations[rep], let constants = e["constants"] as? [[String: Any]]
            else { throw bad("enums[\(i)]", "needs name, representation (U8…I32) and constants") }
            var pairs: [(String, Int64)] = []
            for c in constants {
                guard let n = c["name"] as? String, let v = (c["value"] as? NSNumber)?.int64Value else {
                    throw bad("enums[\(i)] \(name)", "a constant needs a name and an integer value")
                }
                pairs.append((n, v))
            }
            enums[name] = EnumType(name, representation: representation, constants: pairs)
        }
        func type(_ any: Any?, _ at: String) throws(GroundError) -> FlightType {
            guard let t = any as? [String: Any], let kind = t["type"] as? String else { throw bad(at, "a type needs \"type\"") }
            switch kind {
            case "enum":
                guard let n = t["enum"] as? String, let e = enums[n] else { throw bad(at, "unknown enum \(t["enum"] ?? "?")") }
                return .enumeration(e)
            case "string":
                guard let m = (t["maxLength"] as? NSNumber)?.intValue, m > 0 else { throw bad(at, "a string needs a positive maxLength") }
                return .string(maxLength: m)
            default:
                guard let p = Self.primitives[kind] else { throw bad(at, "unknown type \(kind)") }
                return p
            }
        }
        func arguments(_ any: Any?, _ at: String) throws(GroundError) -> [ArgumentDefinition] {
            var out: [ArgumentDefinition] = []
            for (i, a) in (any as? [[String: Any]] ?? []).enumerated() {
                guard let n = a["name"] as? String else { throw bad("\(at).arguments[\(i)]", "needs a name") }
                var range: ClosedRange<Double>?
                if let r = a["range"] as? [String: Any] {
                    guard let lo = (r["min"] as? NSNumber)?.doubleValue, let hi = (r["max"] as? NSNumber)?.doubleValue, lo <= hi else {
                        throw bad("\(at).\(n)", "a range needs min <= max")
                    }
                    range = lo...hi
                }
                out.append(ArgumentDefinition(
                    n, try type(a["type"], "\(at).\(n)"), range: range, units: a["units"] as? String ?? "",
                    summary: a["summary"] as? String ?? ""))
            }
            return out
        }
        func id(_ any: Any?, _ at: String) throws(GroundError) -> UInt32 {
            guard let n = any as? NSNumber, let v = UInt32(exactly: n.doubleValue) else { throw bad(at, "an id must be a U32") }
            return v
        }
        var commands: [Command] = []
        for (i, c) in (root["commands"] as? [[String: Any]] ?? []).enumerated() {
            guard let name = c["name"] as? String else { throw bad("commands[\(i)]", "needs a name") }
            commands.append(Command(
                opcode: Opcode(try id(c["opcode"], name)), name: name, arguments: try arguments(c["arguments"], name),
                hazardous: c["hazardous"] as? Bool ?? false))
        }
        var channels: [Channel] = []
        for (i, c) in (root["channels"] as? [[String: Any]] ?? []).enumerated() {
            guard let name = c["name"] as? String else { throw bad("channels[\(i)]", "needs a name") }
            channels.append(Channel(id: ChannelID(try id(c["id"], name)), name: name, type: try type(c["type"], name)))
        }
        var events: [Event] = []
        for (i, e) in (root["events"] as? [[String: Any]] ?? []).enumerated() {
            guard let name = e["name"] as? String, let sev = e["severity"] as? String,
                let severity = EventSeverity.allCases.first(where: { $0.description == sev }), let format = e["format"] as? String
            else { throw bad("events[\(i)]", "needs a name, a severity (FATAL…DIAGNOSTIC) and a format") }
            events.append(Event(id: EventID(try id(e["id"], name)), name: name, severity: severity, arguments: try arguments(e["arguments"], name), format: format))
        }
        self.init(deploymentName: root["deployment"] as? String ?? "", commands: commands, channels: channels, events: events)
    }

    static let primitives: [String: FlightType] = [
        "U8": .u8, "U16": .u16, "U32": .u32, "U64": .u64, "I8": .i8, "I16": .i16, "I32": .i32, "I64": .i64,
        "F32": .f32, "F64": .f64, "bool": .bool,
    ]
    static let representations: [String: IntegerRepresentation] = [
        "U8": .u8, "U16": .u16, "U32": .u32, "I8": .i8, "I16": .i16, "I32": .i32,
    ]
}
