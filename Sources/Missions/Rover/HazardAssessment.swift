/// One forward hazard range sample: three beams (left, centre, right), range in m, nil for
/// no return.
public struct HazardRanges: Equatable, Sendable {
    public var left: Double?
    public var centre: Double?
    public var right: Double?

    public init(left: Double?, centre: Double?, right: Double?) {
        self.left = left
        self.centre = centre
        self.right = right
    }
}

/// What a hazard assessment found.
public enum HazardKind: UInt8, Sendable, CustomStringConvertible {
    case none = 0
    /// Something rises above the rover's wheel plane by more than the rock limit.
    case rock = 1
    /// The ground falls away below the wheel plane by more than the drop limit, or a beam has
    /// no return: a crater wall, a hole or a cliff.
    case crater = 2
    /// The mean slope between the rover and the beam's hit point is over the slope limit.
    case slope = 3

    public var description: String { ["NONE", "ROCK", "CRATER", "SLOPE"][Int(rawValue)] }
}

/// The verdict on one hazard sample: the worst beam's finding and where (site map, m).
public struct HazardVerdict: Equatable, Sendable {
    public var kind: HazardKind
    /// Beam 0 left, 1 centre, 2 right.
    public var beam: Int
    /// Height of the hit point above the rover's wheel plane (m), and the mean slope to it
    /// (rad, uphill positive).
    public var rise: Double
    public var slope: Double
    /// Where the hazard is on the map (east, north): the hit point, or for no return the point
    /// where level ground would have been hit.
    public var location: SIMD2<Double>

    public static let clear = HazardVerdict(kind: .none, beam: -1, rise: 0, slope: 0, location: .zero)
}

/// Judges the forward hazard range sensor's three beams against the limits of ACCEPTANCE.md
/// (Yutu-2: rocks over 0.25 m, craters over 2 m, slopes over 30 deg, about 3 m ahead).
///
/// Each beam's hit point is placed in the rover's frame from the beam geometry (the sensor's
/// mount and the depression that meets level ground `lookAhead` ahead) and turned level with
/// the inclinometers' roll and pitch. A rock is a hit point more than ``Limits/rockHeight``
/// above the rover's wheel plane; a crater, one more than ``Limits/dropDepth`` below it (a
/// crater of diameter D is about 0.2 D deep: 0.4 m at 2 m) or no return at all; a slope,
/// a mean slope from the ground under the rover to the hit point over ``Limits/slope``.
/// Known limit: a convex break in slope of more than about 6 deg within the look-ahead also
/// reads as a rise of 0.25 m (conservative: the rover stops). Pure; no allocation.
public struct HazardAssessment: Sendable {
    public struct Sensor: Sendable {
        /// Sensor position from the body reference point (forward, left, up), m.
        public var mount: SIMD3<Double>
        /// Where the beams meet level ground ahead of the reference point, m.
        public var lookAhead: Double
        /// Side beams' azimuth, rad.
        public var spread: Double

        public init(mount: SIMD3<Double> = [0.5, 0, 0.6], lookAhead: Double = 3, spread: Double = 15 * .pi / 180) {
            self.mount = mount
            self.lookAhead = lookAhead
            self.spread = spread
        }
    }

    public struct Limits: Sendable {
        public var rockHeight: Double
        public var dropDepth: Double
        public var slope: Double

        public init(rockHeight: Double = 0.25, dropDepth: Double = 0.4, slope: Double = 30 * .pi / 180) {
            self.rockHeight = rockHeight
            self.dropDepth = dropDepth
            self.slope = slope
        }
    }

    public var sensor: Sensor
    public var limits: Limits
    public let referenceHeight: Double
    /// Beam unit vectors in body axes (forward, left, up).
    public let beams: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    public init(sensor: Sensor = .init(), limits: Limits = .init(), referenceHeight: Double) {
        self.sensor = sensor
        self.limits = limits
        self.referenceHeight = referenceHeight
        let drop = referenceHeight + sensor.mount.z
        let run = sensor.lookAhead - sensor.mount.x
        let depression = atan2(drop, run)
        func beam(_ azimuth: Double) -> SIMD3<Double> {
            SIMD3(cosine(depression) * cosine(azimuth), cosine(depression) * sine(azimuth), -sine(depression))
        }
        beams = (beam(sensor.spread), beam(0), beam(-sensor.spread))
    }

    /// Range of each beam over level ground, m.
    public var levelRange: Double {
        let drop = referenceHeight + sensor.mount.z, run = sensor.lookAhead - sensor.mount.x
        return (drop * drop + run * run).squareRoot()
    }

    /// Body (forward, left, up) to level (forward, left, up) for a rover at `roll`, `pitch`.
    @inline(__always) static func level(_ v: SIMD3<Double>, roll r: Double, pitch p: Double) -> SIMD3<Double> {
        let cp = cosine(p), sp = sine(p), cr = cosine(r), sr = sine(r)
        let f1 = SIMD3(cp, 0, sp)
        let l2 = SIMD3(-sr * sp, cr, sr * cp)
        let u2 = SIMD3(-cr * sp, -sr, cr * cp)
        return v.x * f1 + v.y * l2 + v.z * u2
    }

    /// Assesses one sample for a rover at (east, north, heading) with `roll` and `pitch`.
    public func assess(_ ranges: HazardRanges, east: Double, north: Double, heading: Double, roll: Double, pitch: Double) -> HazardVerdict {
        var worst = HazardVerdict.clear
        var worstScore = 0.0
        let ground = Self.level(SIMD3(0, 0, -referenceHeight), roll: roll, pitch: pitch)
        let f = SIMD2(sine(heading), cosine(heading)), l = SIMD2(-cosine(heading), sine(heading))
        for b in 0..<3 {
            let range = b == 0 ? ranges.left : (b == 1 ? ranges.centre : ranges.right)
            let dir = b == 0 ? beams.0 : (b == 1 ? beams.1 : beams.2)
            let r = range.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            let body = sensor.mount + (r ?? levelRange) * dir
            let lv = Self.level(body, roll: roll, pitch: pitch)
            let location = SIMD2(east, north) + lv.x * f + lv.y * l
            let rise = body.z + referenceHeight
            let d = lv - ground
            let slope = atan2(d.z, (d.x * d.x + d.y * d.y).squareRoot())
            var kind = HazardKind.none
            var score = 0.0
            if r == nil {
                kind = .crater
                score = 3
            } else if rise > limits.rockHeight {
                kind = .rock
                score = 1 + rise / limits.rockHeight
            } else if -rise > limits.dropDepth {
                kind = .crater
                score = 1 + -rise / limits.dropDepth
            } else if abs(slope) > limits.slope {
                kind = .slope
                score = 1 + abs(slope) / limits.slope
            }
            if score > worstScore {
                worstScore = score
                worst = HazardVerdict(kind: kind, beam: b, rise: rise, slope: slope, location: location)
            }
        }
        return worst
    }
}

#if canImport(Glibc)
    import Glibc
#endif
