import Glibc

/// A simple (bowl-shaped) crater: a parabolic bowl inside the rim and a raised rim whose
/// ejecta blanket falls off as (R/r)^3 out to two radii.
///
///     r <= R:        h = rimHeight - depth (1 - (r/R)^2)
///     R < r < 2R:    h = rimHeight ((R/r)^3 - 1/8) / (7/8)
///
/// Heights are added to the surface the crater is made in. `depth` is measured from the
/// rim crest to the floor, so the floor lies `depth - rimHeight` below the surroundings.
/// Defaults after Pike (1977) for fresh simple craters: depth 0.2 D, rim 0.036 D.
public struct Crater: Equatable, Sendable, BitwiseCopyable {
    /// Centre, map coordinates (m east, m north of the site).
    public var x: Double
    public var y: Double
    /// Rim-crest diameter, m.
    public var diameter: Double
    /// Rim crest to floor, m.
    public var depth: Double
    /// Rim crest above the surroundings, m.
    public var rimHeight: Double

    public init(x: Double, y: Double, diameter: Double, depth: Double? = nil, rimHeight: Double? = nil) {
        self.x = x
        self.y = y
        self.diameter = diameter
        self.depth = depth ?? 0.2 * diameter
        self.rimHeight = rimHeight ?? 0.036 * diameter
    }

    /// Height added at distance `r` from the centre.
    @inlinable
    public func profile(distance r: Double) -> Double {
        let big = diameter / 2
        if r <= big {
            let q = r / big
            return rimHeight - depth * (1 - q * q)
        }
        if r >= 2 * big { return 0 }
        let q = big / r
        return rimHeight * (q * q * q - 0.125) / 0.875
    }

    /// Steepest slope of the profile (dh/dr), for the ray caster's step bound.
    var steepestSlope: Double { max(2 * depth / (diameter / 2), 3 * rimHeight / (0.875 * diameter / 2)) }
}

/// A boulder: half an ellipsoid, `height` tall on a circle of `diameter`.
///
///     h = height * sqrt(1 - (r / (D/2))^2)   for r < D/2
///
/// Its sides are vertical at the base, as a rock's are: a wheel cannot roll up one.
public struct Rock: Equatable, Sendable, BitwiseCopyable {
    public var x: Double
    public var y: Double
    public var diameter: Double
    public var height: Double

    public init(x: Double, y: Double, diameter: Double, height: Double) {
        self.x = x
        self.y = y
        self.diameter = diameter
        self.height = height
    }

    @inlinable
    public func profile(distance r: Double) -> Double {
        let a = diameter / 2
        guard r < a else { return 0 }
        let q = r / a
        return height * (1 - q * q).squareRoot()
    }
}

/// A level, hazard-free area: inside `radius` the surface is flat at the height the terrain
/// had at the centre (craters, rocks and slopes removed); over the next `edgeWidth` metres
/// it blends back to the surrounding terrain (smoothstep).
public struct FlatZone: Equatable, Sendable, BitwiseCopyable {
    public var x: Double
    public var y: Double
    public var radius: Double
    public var edgeWidth: Double

    public init(x: Double, y: Double, radius: Double, edgeWidth: Double = 20) {
        self.x = x
        self.y = y
        self.radius = radius
        self.edgeWidth = edgeWidth
    }

    /// 1 inside, 0 beyond the edge band, smoothstep between.
    @inlinable
    public func weight(distance r: Double) -> Double {
        if r <= radius { return 1 }
        if r >= radius + edgeWidth || edgeWidth <= 0 { return 0 }
        let t = 1 - (r - radius) / edgeWidth
        return t * t * (3 - 2 * t)
    }
}

/// A feature placed explicitly by a caller (a scenario), on top of the seeded terrain.
/// Craters and rocks are evaluated analytically wherever they are (not rasterised), so a
/// feature can sit far from the site's grid, e.g. a large crater on the approach track.
public enum TerrainFeature: Equatable, Sendable {
    case crater(Crater)
    case rock(Rock)
    case flatZone(FlatZone)
}
