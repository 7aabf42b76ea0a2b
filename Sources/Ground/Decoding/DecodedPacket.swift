import FlightCore
import Foundation
import FlightWire

/// A downlinked packet as the ground understands it: what it is, when, and its value or text.
public struct DecodedPacket: Sendable, Equatable {
    public enum Kind: Int, Sendable {
        case telemetry = 1, event = 2, other = 0
    }
    public var kind: Kind
    /// The Space Packet's APID (the F Prime descriptor).
    public var apid: UInt16
    /// Channel or event id (nil for other packets).
    public var item: UInt32?
    /// The dictionary name (nil when the id is not in the dictionary).
    public var name: String?
    /// Flight seconds.
    public var flightTime: Double?
    /// A channel's value as a number (bool: 0/1, enum: its value).
    public var value: Double?
    /// A channel's value as text, or an event's message with its severity.
    public var text: String?
    /// The whole Space Packet as received.
    public var bytes: [UInt8]

    public init(kind: Kind, apid: UInt16, item: UInt32?, name: String?, flightTime: Double?, value: Double?, text: String?, bytes: [UInt8]) {
        self.kind = kind
        self.apid = apid
        self.item = item
        self.name = name
        self.flightTime = flightTime
        self.value = value
        self.text = text
        self.bytes = bytes
    }

    /// One line for the console.
    public var line: String {
        let t = flightTime.map { String(format6($0)) } ?? "-"
        switch kind {
        case .telemetry: return "\(t) TLM \(name ?? "channel \(item ?? 0)") = \(text ?? "?")"
        case .event: return "\(t) EVR \(name ?? "event \(item ?? 0)") \(text ?? "")"
        case .other: return "\(t) packet APID \(apid), \(bytes.count) bytes"
        }
    }
}

/// Fixed six decimals without Foundation's formatter.
func format6(_ v: Double) -> String {
    let neg = v < 0
    let us = Int64((abs(v) * 1e6).rounded())
    let frac = String(us % 1_000_000)
    return (neg ? "-" : "") + "\(us / 1_000_000)." + String(repeating: "0", count: 6 - frac.count) + frac
}

extension GroundDictionary {
    /// Decodes one Space Packet (header included). Never fails: what does not decode is
    /// kept as `.other` with its bytes.
    public func decode(_ packet: [UInt8]) -> DecodedPacket {
        packet.withUnsafeBytes { raw in
            var out = DecodedPacket(kind: .other, apid: 0, item: nil, name: nil, flightTime: nil, value: nil, text: nil, bytes: packet)
            guard let sp = try? SpacePacket.decode(raw) else { return out }
            out.apid = sp.header.apid
            guard let fp = try? FPrimePacket.decode(sp.dataField) else { return out }
            switch fp {
            case .telemetry(let id, let time, let valueBytes):
                out.kind = .telemetry
                out.item = id.rawValue
                out.flightTime = Double(time.totalMicroseconds) / 1e6
                guard let ch = channel(id) else { return out }
                out.name = ch.name
                var r = ByteReader(valueBytes)
                if case .success(let v) = FlightValue.deserialize(ch.type, from: &r) {
                    out.value = v.doubleValue
                    out.text = Self.describe(v, ch.type)
                }
            case .event(let id, let time, let argBytes):
                out.kind = .event
                out.item = id.rawValue
                out.flightTime = Double(time.totalMicroseconds) / 1e6
                guard let ev = event(id) else { return out }
                out.name = ev.name
                var r = ByteReader(argBytes)
                var texts: [String] = []
                for a in ev.arguments {
                    if case .string(let max) = a.type {
                        guard case .success(let s) = FlightValue.readString(maxLength: max, from: &r) else { break }
                        texts.append(s)
                    } else {
                        guard case .success(let v) = FlightValue.deserialize(a.type, from: &r) else { break }
                        texts.append(Self.describe(v, a.type))
                    }
                }
                out.text = "\(ev.severity): " + Self.fill(ev.format, texts)
            default:
                break
            }
            return out
        }
    }

    static func describe(_ v: FlightValue, _ t: FlightType) -> String {
        if case .enumeration(let e) = t, case .enumeration(let x) = v { return e.name(of: Int64(x)) ?? "\(x)" }
        return v.description
    }

    /// Replaces each `{}` in `format` with the next argument text.
    static func fill(_ format: String, _ args: [String]) -> String {
        var out = "", i = 0
        var rest = Substring(format)
        while let r = rest.range(of: "{}") {
            out += rest[..<r.lowerBound]
            out += i < args.count ? args[i] : "?"
            i += 1
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
