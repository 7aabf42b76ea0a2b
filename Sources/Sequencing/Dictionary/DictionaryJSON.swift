import FlightCore

/// Why a dictionary file could not be used.
public struct DictionaryLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension SequenceDictionary {
    /// Reads the Regolith JSON form of a dictionary (`regolith dict export --format regolith`).
    public init(regolithJSON text: String) throws(DictionaryLoadError) {
        var parser = MiniJSON(Array(text.utf8))
        let root: MiniJSON.Value
        do {
            root = try parser.document()
        } catch {
            throw DictionaryLoadError("dictionary is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard root["format"]?.string == "regolith-dictionary" else {
            throw DictionaryLoadError("not a Regolith dictionary (its \"format\" is not \"regolith-dictionary\"; F Prime dictionaries are not read here)")
        }
        var enums: [String: EnumType] = [:]
        for e in root["enums"]?.array ?? [] {
            guard let name = e["name"]?.string, let rep = e["representation"]?.string, let constants = e["constants"]?.array else {
                throw DictionaryLoadError("an enum entry lacks name, representation or constants")
            }
            let representation: IntegerRepresentation
            switch rep {
            case "U8": representation = .u8
            case "U16": representation = .u16
            case "U32": representation = .u32
            case "I8": representation = .i8
            case "I16": representation = .i16
            case "I32": representation = .i32
            default: throw DictionaryLoadError("enum \(name): unknown representation \(rep)")
            }
            var pairs: [(String, Int64)] = []
            for c in constants {
                guard let n = c["name"]?.string, let v = c["value"]?.number, let i = Int64(exactly: v) else {
                    throw DictionaryLoadError("enum \(name): a constant lacks a name or an integer value")
                }
                pairs.append((n, i))
            }
            enums[name] = EnumType(name, representation: representation, constants: pairs)
        }
        func type(_ j: MiniJSON.Value?, _ context: String) throws(DictionaryLoadError) -> FlightType {
            guard let t = j?["type"]?.string else { throw DictionaryLoadError("\(context): no type") }
            switch t {
            case "U8": return .u8
            case "U16": return .u16
            case "U32": return .u32
            case "U64": return .u64
            case "I8": return .i8
            case "I16": return .i16
            case "I32": return .i32
            case "I64": return .i64
            case "F32": return .f32
            case "F64": return .f64
            case "bool": return .bool
            case "string":
                guard let m = j?["maxLength"]?.number, let n = Int(exactly: m), n > 0 else { throw DictionaryLoadError("\(context): string without a maxLength") }
                return .string(maxLength: n)
            case "enum":
                guard let n = j?["enum"]?.string, let e = enums[n] else { throw DictionaryLoadError("\(context): unknown enum \(j?["enum"]?.string ?? "?")") }
                return .enumeration(e)
            default: throw DictionaryLoadError("\(context): unknown type \(t)")
            }
        }
        var commands: [Command] = []
        for c in root["commands"]?.array ?? [] {
            guard let name = c["name"]?.string, let op = c["opcode"]?.number, let opcode = UInt32(exactly: op) else {
                throw DictionaryLoadError("a command lacks a name or an opcode")
            }
            var args: [ArgumentDefinition] = []
            for a in c["arguments"]?.array ?? [] {
                guard let an = a["name"]?.string else { throw DictionaryLoadError("command \(name): an argument has no name") }
                var range: ClosedRange<Double>?
                if let r = a["range"], let lo = r["min"]?.number, let hi = r["max"]?.number, lo <= hi { range = lo...hi }
                args.append(ArgumentDefinition(an, try type(a["type"], "command \(name) argument \(an)"), range: range, units: a["units"]?.string ?? ""))
            }
            commands.append(Command(name: name, opcode: Opcode(opcode), arguments: args, hazardous: c["hazardous"]?.bool ?? false))
        }
        var channels: [Channel] = []
        for c in root["channels"]?.array ?? [] {
            guard let name = c["name"]?.string, let idv = c["id"]?.number, let id = UInt32(exactly: idv) else {
                throw DictionaryLoadError("a channel lacks a name or an id")
            }
            channels.append(Channel(name: name, id: ChannelID(id), type: try type(c["type"], "channel \(name)"), units: c["units"]?.string ?? ""))
        }
        self.init(deployment: root["deployment"]?.string ?? "?", commands: commands, channels: channels, enums: Array(enums.values))
    }
}

/// The little JSON reader the dictionary loader needs (Sequencing imports no Foundation).
/// Depth-limited; never traps on any input.
struct MiniJSON {
    indirect enum Value {
        case null, bool(Bool), number(Double), string(String), array([Value]), object([(String, Value)])

        subscript(key: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.0 == key }?.1
        }
        var string: String? { if case .string(let s) = self { return s } else { return nil } }
        var number: Double? { if case .number(let d) = self { return d } else { return nil } }
        var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
        var array: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    }

    struct Failure: Error {
        let message: String
        let offset: Int
    }

    let bytes: [UInt8]
    var i = 0
    static let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(Failure) -> Value {
        let v = try value(depth: 0)
        skipSpace()
        guard i == bytes.count else { throw Failure(message: "trailing characters", offset: i) }
        return v
    }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    mutating func value(depth: Int) throws(Failure) -> Value {
        guard depth < Self.maxDepth else { throw Failure(message: "nested too deeply", offset: i) }
        skipSpace()
        guard i < bytes.count else { throw Failure(message: "unexpected end", offset: i) }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, Value)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard case .string(let k) = try value(depth: depth + 1) else { throw Failure(message: "object key is not a string", offset: i) }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(message: "expected ':'", offset: i) }
                i += 1
                members.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard i < bytes.count else { throw Failure(message: "unexpected end", offset: i) }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "}") else { throw Failure(message: "expected ',' or '}'", offset: i) }
                i += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw Failure(message: "unexpected end", offset: i) }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "]") else { throw Failure(message: "expected ',' or ']'", offset: i) }
                i += 1
                return .array(items)
            }
        case UInt8(ascii: "\""):
            i += 1
            var out: [UInt8] = []
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { break }
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let h = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                            throw Failure(message: "bad \\u escape", offset: i)
                        }
                        i += 4
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(h) ?? "?")).utf8))
                    default: out.append(e)
                    }
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            guard i < bytes.count else { throw Failure(message: "string not closed", offset: i) }
            i += 1
            return .string(String(decoding: out, as: UTF8.self))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, v) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .null)] {
                let w = Array(word.utf8)
                if i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w {
                    i += w.count
                    return v
                }
            }
            throw Failure(message: "unknown literal", offset: i)
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            guard i > start, let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                throw Failure(message: "unexpected character", offset: start)
            }
            return .number(d)
        }
    }
}
