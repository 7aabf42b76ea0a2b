/// Hex text <-> bytes for the line protocol ("-" is the empty byte string).
func bytes(fromHex s: Substring) -> [UInt8]? {
    if s == "-" { return [] }
    guard s.utf8.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count / 2)
    var hi: UInt8?
    for c in s.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        default: return nil
        }
        if let h = hi {
            out.append(h << 4 | v)
            hi = nil
        } else {
            hi = v
        }
    }
    return out
}

func hexString<C: Collection<UInt8>>(_ b: C) -> String {
    if b.isEmpty { return "-" }
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(b.count * 2)
    for x in b {
        out.append(digits[Int(x >> 4)])
        out.append(digits[Int(x & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
