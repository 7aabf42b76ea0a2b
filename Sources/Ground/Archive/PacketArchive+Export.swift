import Foundation

extension PacketArchive {
    /// The CSV header ``csv(_:)`` writes.
    public static let csvHeader = "id,received,kind,apid,item,name,flight_time,value,text,bytes_hex"

    /// The rows as CSV (RFC 4180: fields with a comma, quote or newline are quoted, quotes
    /// doubled), one packet per line with its raw bytes in hex.
    public static func csv(_ rows: [Row]) -> String {
        var out = csvHeader + "\n"
        for r in rows {
            let p = r.packet
            let kind = p.kind == .telemetry ? "telemetry" : p.kind == .event ? "event" : "other"
            let fields: [String] = [
                String(r.id), String(r.received), kind, String(p.apid), p.item.map(String.init) ?? "",
                p.name ?? "", p.flightTime.map { String($0) } ?? "", p.value.map { String($0) } ?? "",
                p.text ?? "", p.bytes.map { String(format: "%02x", $0) }.joined(),
            ]
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
