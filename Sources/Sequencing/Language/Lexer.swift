/// Splits one script line into tokens. Comments start with `#` and run to the end of the
/// line. Never traps: anything it cannot read becomes a diagnostic.
struct Lexer {
    /// The longest line, in Unicode scalars, a script may have.
    static let maxLineLength = 4_096

    static func tokenize(_ line: Substring, lineNumber: Int) -> ([Token], Diagnostic?) {
        let s = Array(line.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func loc(_ at: Int) -> ScriptLocation { ScriptLocation(line: lineNumber, column: at + 1) }
        func text(_ a: Int, _ b: Int) -> String {
            var out = ""
            out.unicodeScalars.append(contentsOf: s[a..<b])
            return out
        }
        if s.count > maxLineLength {
            return ([], Diagnostic(at: loc(0), "line is \(s.count) characters long; at most \(maxLineLength) are allowed"))
        }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if c == "#" { break }
            let start = i
            if isNameStart(c) {
                i += 1
                while i < s.count {
                    if isNameChar(s[i]) {
                        i += 1
                    } else if s[i] == ".", i + 1 < s.count, isNameStart(s[i + 1]) {
                        i += 2
                    } else {
                        break
                    }
                }
                let t = text(start, i)
                tokens.append(Token(kind: .name(t), text: t, location: loc(start)))
                continue
            }
            if isDigit(c) {
                switch utc(s, start) {
                case .success(let (micros, end))?:
                    tokens.append(Token(kind: .utc(micros), text: text(start, end), location: loc(start)))
                    i = end
                    continue
                case .failure(let e)?:
                    return (tokens, Diagnostic(at: loc(start), e.message))
                case nil: break
                }
                switch number(s, start) {
                case .success(let (value, isInteger, end)):
                    tokens.append(Token(kind: .number(value, isInteger: isInteger), text: text(start, end), location: loc(start)))
                    i = end
                    continue
                case .failure(let d):
                    return (tokens, Diagnostic(at: loc(start), d.message))
                }
            }
            if c == "\"" {
                var value = ""
                i += 1
                var closed = false
                while i < s.count {
                    let d = s[i]
                    if d == "\"" {
                        closed = true
                        i += 1
                        break
                    }
                    if d == "\\" {
                        guard i + 1 < s.count else { break }
                        switch s[i + 1] {
                        case "n": value.unicodeScalars.append("\n")
                        case "t": value.unicodeScalars.append("\t")
                        case "\"": value.unicodeScalars.append("\"")
                        case "\\": value.unicodeScalars.append("\\")
                        default:
                            return (tokens, Diagnostic(at: loc(i), "unknown escape '\\\(s[i + 1])' in string; use \\n, \\t, \\\" or \\\\"))
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(d)
                    i += 1
                }
                guard closed else { return (tokens, Diagnostic(at: loc(start), "string is not closed: '\(text(start, s.count))'")) }
                tokens.append(Token(kind: .string(value), text: text(start, i), location: loc(start)))
                continue
            }
            let two = i + 1 < s.count ? text(i, i + 2) : ""
            if ["==", "!=", "<=", ">="].contains(two) {
                tokens.append(Token(kind: .symbol(two), text: two, location: loc(start)))
                i += 2
                continue
            }
            if ":=<>+-*/(),".unicodeScalars.contains(c) {
                let t = String(Character(c))
                tokens.append(Token(kind: .symbol(t), text: t, location: loc(start)))
                i += 1
                continue
            }
            let shown = c.value < 0x20 || c.value == 0x7F ? "U+" + String(c.value, radix: 16, uppercase: true) : String(Character(c))
            return (tokens, Diagnostic(at: loc(start), "unexpected character '\(shown)'"))
        }
        return (tokens, nil)
    }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    static func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || isDigit(c) }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    struct NumberError: Error { let message: String }

    /// A decimal, hexadecimal (`0x1F`) or floating (`0.6`, `1e-3`) literal starting at `start`.
    static func number(_ s: [Unicode.Scalar], _ start: Int) -> Result<(Double, Bool, Int), NumberError> {
        var i = start
        if s[i] == "0", i + 1 < s.count, s[i + 1] == "x" || s[i + 1] == "X" {
            i += 2
            var v: UInt64 = 0
            var digits = 0
            while i < s.count, let d = hexValue(s[i]) {
                guard v <= (UInt64.max >> 4) else { return .failure(NumberError(message: "hexadecimal literal is too large for 64 bits")) }
                v = v << 4 | UInt64(d)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return .failure(NumberError(message: "hexadecimal literal needs digits after '0x'")) }
            guard Double(v) < 18_446_744_073_709_551_616.0 else { return .failure(NumberError(message: "integer literal is too large (at most 18446744073709549568)")) }
            if i < s.count, isNameChar(s[i]) { return .failure(NumberError(message: "malformed number: '\(String(Character(s[i])))' in a hexadecimal literal")) }
            return .success((Double(v), true, i))
        }
        var text = ""
        var isInteger = true
        while i < s.count, isDigit(s[i]) || s[i] == "_" {
            if s[i] != "_" { text.unicodeScalars.append(s[i]) }
            i += 1
        }
        if i + 1 < s.count, s[i] == ".", isDigit(s[i + 1]) {
            isInteger = false
            text.unicodeScalars.append(".")
            i += 1
            while i < s.count, isDigit(s[i]) {
                text.unicodeScalars.append(s[i])
                i += 1
            }
        }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            var exp = "e"
            if j < s.count, s[j] == "+" || s[j] == "-" {
                exp.unicodeScalars.append(s[j])
                j += 1
            }
            if j < s.count, isDigit(s[j]) {
                while j < s.count, isDigit(s[j]) {
                    exp.unicodeScalars.append(s[j])
                    j += 1
                }
                isInteger = false
                text += exp
                i = j
            }
        }
        guard let v = Double(text), v.isFinite else { return .failure(NumberError(message: "number '\(text)' is out of range")) }
        if isInteger, v >= 18_446_744_073_709_551_616.0 { return .failure(NumberError(message: "integer '\(text)' is too large (at most 18446744073709549568)")) }
        return .success((v, isInteger, i))
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt8? {
        switch c {
        case "0"..."9": UInt8(c.value - 48)
        case "a"..."f": UInt8(c.value - 87)
        case "A"..."F": UInt8(c.value - 55)
        default: nil
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` at `start`, as microseconds since the Unix epoch.
    static func utc(_ s: [Unicode.Scalar], _ start: Int) -> Result<(Int64, Int), NumberError>? {
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= s.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard isDigit(s[k]) else { return nil }
                v = v * 10 + Int(s[k].value - 48)
            }
            return v
        }
        guard let y = digits(start, 4), start + 4 < s.count, s[start + 4] == "-" else { return nil }
        guard let mo = digits(start + 5, 2), start + 7 < s.count, s[start + 7] == "-",
            let d = digits(start + 8, 2), start + 10 < s.count, s[start + 10] == "T",
            let h = digits(start + 11, 2), start + 13 < s.count, s[start + 13] == ":",
            let mi = digits(start + 14, 2), start + 16 < s.count, s[start + 16] == ":",
            let se = digits(start + 17, 2)
        else { return nil }
        var i = start + 19
        var micros = 0
        if i < s.count, s[i] == "." {
            i += 1
            var scale = 100_000
            var n = 0
            while i < s.count, isDigit(s[i]) {
                if n < 6 { micros += Int(s[i].value - 48) * scale }
                scale /= 10
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
        }
        guard i < s.count, s[i] == "Z" else { return nil }
        var written = ""
        written.unicodeScalars.append(contentsOf: s[start...i])
        guard (1970...9999).contains(y) else { return .failure(NumberError(message: "UTC time '\(written)': year \(y) is before 1970")) }
        guard (1...12).contains(mo) else { return .failure(NumberError(message: "UTC time '\(written)': month \(mo) is not in 1…12")) }
        guard (1...daysIn(mo, y)).contains(d) else { return .failure(NumberError(message: "UTC time '\(written)': day \(d) is not in 1…\(daysIn(mo, y))")) }
        guard h < 24, mi < 60, se < 60 else { return .failure(NumberError(message: "UTC time '\(written)': hours, minutes or seconds out of range")) }
        let days = daysFromCivil(y, mo, d)
        let seconds = Int64(days) * 86_400 + Int64(h * 3_600 + mi * 60 + se)
        return .success((seconds * 1_000_000 + Int64(micros), i + 1))
    }

    static func daysIn(_ m: Int, _ y: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
