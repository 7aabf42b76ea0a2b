/// Physical quantities written with their units (`5 s`, `2 min`, `3000 m`, `0.5`).
public struct Units: Sendable {
    /// Unit name to its factor in the base unit.
    public let factors: [(name: String, factor: Double)]
    public let base: String

    public init(base: String, _ factors: [(String, Double)]) {
        self.base = base
        self.factors = factors.map { (name: $0.0, factor: $0.1) }
    }

    public static let seconds = Units(base: "s", [("ms", 1e-3), ("s", 1), ("min", 60), ("h", 3600)])
    public static let metres = Units(base: "m", [("mm", 1e-3), ("cm", 1e-2), ("m", 1), ("km", 1e3)])
    public static let metresPerSecond = Units(base: "m/s", [("m/s", 1), ("km/s", 1e3), ("m/h", 1.0 / 3600)])
    public static let amperes = Units(base: "A", [("mA", 1e-3), ("A", 1)])
    public static let newtons = Units(base: "N", [("N", 1), ("kN", 1e3)])
    public static let degrees = Units(base: "deg", [("deg", 1), ("rad", 180 / Double.pi)])
    public static let metresPerSecondSquared = Units(base: "m/s^2", [("m/s^2", 1), ("mg", 9.80665e-3), ("g", 9.80665)])
    public static let radiansPerSecond = Units(base: "rad/s", [("rad/s", 1), ("deg/s", Double.pi / 180)])
}

extension YAMLValue {
    /// A number with an optional unit, in `units`' base unit. A bare number is taken in the
    /// base unit; an unknown unit is an error naming the ones accepted.
    public func quantity(_ units: Units) throws(ConfigurationError) -> Double {
        if let v = try? double() { return v }
        let text = try string().trimmingCharacters(in: .whitespaces)
        guard let split = text.firstIndex(where: { $0 == " " || ($0.isLetter && $0 != "e" && $0 != "E") }),
            split != text.startIndex
        else {
            throw error("\(name) must be a number with a unit (\(units.factors.map(\.name).joined(separator: ", "))), found '\(text)'")
        }
        let number = text[..<split].trimmingCharacters(in: .whitespaces)
        let unit = text[split...].trimmingCharacters(in: .whitespaces)
        guard let v = Double(number), v.isFinite else {
            throw error("\(name): '\(number)' is not a number")
        }
        guard let f = units.factors.first(where: { $0.name == unit }) else {
            let names = units.factors.map(\.name)
            throw error("\(name): unknown unit '\(unit)'; expected \(names.joined(separator: ", "))\(Suggestion.hint(for: unit, in: names))")
        }
        return v * f.factor
    }

    public func quantity(_ units: Units, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let v = try quantity(units)
        guard range.contains(v) else {
            throw error("\(name) is \(Self.format(v)) \(units.base), outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound)) \(units.base)")
        }
        return v
    }
}
