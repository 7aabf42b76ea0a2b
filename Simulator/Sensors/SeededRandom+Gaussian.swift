public import FlightCore
import Glibc

extension SeededRandom {
    /// A uniform value in (0, 1]: one draw, 53 bits.
    public mutating func unitInterval() -> Double {
        (Double(next() >> 11) + 1) * 0x1p-53
    }

    /// A uniform value in [lower, upper): one draw.
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * (Double(next() >> 11) * 0x1p-53)
    }

    /// A standard normal draw (mean 0, standard deviation 1) by the Box-Muller transform.
    /// Always exactly two draws, so a stream's position never depends on the values drawn.
    public mutating func gaussian() -> Double {
        let u1 = unitInterval()
        let u2 = unitInterval()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Two independent standard normal draws from one Box-Muller transform (the cosine and
    /// sine branches): always exactly two uniform draws.
    public mutating func gaussianPair() -> (Double, Double) {
        let u1 = unitInterval()
        let u2 = unitInterval()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (radius * cos(angle), radius * sin(angle))
    }
}
