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
    /// A step up of more than the rock limit within a wheel's length of ground.
    case rock = 1
    /// The ground drops by more than the drop limit past an edge the beam could not see
    /// over (a crater's rim, a hole), or a beam has no return at all.
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
    /// Rock: the step up (m); crater: the drop (m, positive); slope: the mean slope (rad).
    public var size: Double
    /// Where the hazard is on the map (east, north): the hit point, or for no return the point
    /// where level ground would have been hit.
    public var location: SIMD2<Double>

    public static let clear = HazardVerdict(kind: .none, beam: -1, size: 0, location: .zero)
}

/// Judges the forward hazard range sensor's three beams against the limits of ACCEPTANCE.md
/// (Yutu-2: rocks over 0.25 m, craters over 2 m, slopes over 30 deg, about 3 m ahead).
///
/// Each beam's hit point is placed on the map from the beam geometry (the sensor's mount and
/// the depression that meets level ground `lookAhead` ahead), turned level with the
/// inclinometers' roll and pitch, and raised by navigation's elevation. The hit points of
/// the last samples form a terrain profile of the ground ahead (a ring of
/// ``profileCapacity`` points, spaced at least ``storeSpacing`` apart per beam), and the rules look at the profile, not at one range, so that
/// the rover's own tilt and the terrain's gentle curvature are not taken for hazards:
/// - **rock**: the new hit is more than ``Limits/rockHeight`` above an earlier hit within
///   ``Limits/rockBaseline`` of it horizontally (the beam climbing a rock's face as the
///   rover closes in);
/// - **crater**: the new hit lies more than ``Limits/dropDepth`` below the beam's previous
///   hit and at least ``Limits/gapLength`` beyond it (the beam passed over a rim and lands
///   on the far wall or floor: a simple crater is about 0.2 D deep, so 0.4 m is D = 2 m), or
///   a beam has no return;
/// - **slope**: the mean slope from the ground under the rover to the hit is over
///   ``Limits/slope``.
///
/// Every sample should be given, moving or not, so the profile stays continuous. No
/// allocation; at most ``profileCapacity`` comparisons per beam.
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
        public var rockBaseline: Double
        public var dropDepth: Double
        public var gapLength: Double
        public var slope: Double

        public init(rockHeight: Double = 0.25, rockBaseline: Double = 0.3, dropDepth: Double = 0.4, gapLength: Double = 0.3,
                    slope: Double = 30 * .pi / 180) {
            self.rockHeight = rockHeight
            self.rockBaseline = rockBaseline
            self.dropDepth = dropDepth
            self.gapLength = gapLength
            self.slope = slope
        }
    }

    public static let profileCapacity = 256
    /// Hits closer than this to the beam's last stored hit are not stored, m.
    public static let storeSpacing = 0.02

    public var sensor: Sensor
    public var limits: Limits
    public let referenceHeight: Double
    /// Beam unit vectors in body axes (forward, left, up).
    public let beams: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    /// The terrain profile: hit points (east, north, elevation), newest at `next - 1`.
    private var profile = InlineArray<256, SIMD3<Double>>(repeating: .zero)
    private var profileCount = 0
    private var next = 0
    /// Each beam's previous hit (nil: none, or no return).
    private var previous: (SIMD3<Double>?, SIMD3<Double>?, SIMD3<Double>?) = (nil, nil, nil)
    /// Each beam's last stored hit.
    private var stored = InlineArray<3, SIMD3<Double>>(repeating: .zero)
    private var storedValid = InlineArray<3, Bool>(repeating: false)

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

    /// Forgets the profile (after the rover was moved by other means, or navigation reset).
    public mutating func reset() {
        profileCount = 0
        next = 0
        previous = (nil, nil, nil)
        storedValid = .init(repeating: false)
    }

    /// Body (forward, left, up) to level (forward, left, up) for a rover at `roll`, `pitch`.
    @inline(__always) static func level(_ v: SIMD3<Double>, roll r: Double, pitch p: Double) -> SIMD3<Double> {
        let cp = cosine(p), sp = sine(p), cr = cosine(r), sr = sine(r)
        let f1 = SIMD3(cp, 0, sp)
        let l2 = SIMD3(-sr * sp, cr, sr * cp)
        let u2 = SIMD3(-cr * sp, -sr, cr * cp)
        return v.x * f1 + v.y * l2 + v.z * u2
    }

    /// Assesses one sample for a rover at (east, north, heading), ground `elevation`, with
    /// `roll` and `pitch`, and adds its hits to the profile.
    public mutating func assess(
        _ ranges: HazardRanges, east: Double, north: Double, elevation: Double, heading: Double, roll: Double, pitch: Double
    ) -> HazardVerdict {
        var worst = HazardVerdict.clear
        var worstScore = 0.0
        let ground = Self.level(SIMD3(0, 0, -referenceHeight), roll: roll, pitch: pitch)
        let f = SIMD2(sine(heading), cosine(heading)), l = SIMD2(-cosine(heading), sine(heading))
        var hits: (SIMD3<Double>?, SIMD3<Double>?, SIMD3<Double>?) = (nil, nil, nil)
        for b in 0..<3 {
            let range = b == 0 ? ranges.left : (b == 1 ? ranges.centre : ranges.right)
            let dir = b == 0 ? beams.0 : (b == 1 ? beams.1 : beams.2)
            let r = range.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            let lv = Self.level(sensor.mount + (r ?? levelRange) * dir, roll: roll, pitch: pitch)
            let location = SIMD2(east, north) + lv.x * f + lv.y * l
            var kind = HazardKind.none, score = 0.0, size = 0.0
            if r == nil {
                kind = .crater
                score = 3
            } else {
                let hit = SIMD3(location.x, location.y, elevation + lv.z - ground.z)
                if b == 0 { hits.0 = hit } else if b == 1 { hits.1 = hit } else { hits.2 = hit }
                // Rock: a step up over a short baseline anywhere in the profile.
                var step = 0.0
                for i in 0..<profileCount {
                    let q = profile[i]
                    let dx = hit.x - q.x, dy = hit.y - q.y
                    if dx * dx + dy * dy <= limits.rockBaseline * limits.rockBaseline { step = max(step, hit.z - q.z) }
                }
                // Crater: a drop past an edge since this beam's previous hit.
                var drop = 0.0
                if let q = b == 0 ? previous.0 : (b == 1 ? previous.1 : previous.2) {
                    let dx = hit.x - q.x, dy = hit.y - q.y
                    if dx * dx + dy * dy >= limits.gapLength * limits.gapLength { drop = q.z - hit.z }
                }
                let d = lv - ground
                let slope = atan2(d.z, (d.x * d.x + d.y * d.y).squareRoot())
                if step > limits.rockHeight {
                    (kind, score, size) = (.rock, 1 + step / limits.rockHeight, step)
                } else if drop > limits.dropDepth {
                    (kind, score, size) = (.crater, 1 + drop / limits.dropDepth, drop)
                } else if abs(slope) > limits.slope {
                    (kind, score, size) = (.slope, 1 + abs(slope) / limits.slope, slope)
                }
            }
            if score > worstScore {
                worstScore = score
                worst = HazardVerdict(kind: kind, beam: b, size: size, location: location)
            }
        }
        // Remember the hits (after judging, so a hit is never compared with itself).
        previous = hits
        if let h = hits.0 { remember(h, beam: 0) }
        if let h = hits.1 { remember(h, beam: 1) }
        if let h = hits.2 { remember(h, beam: 2) }
        return worst
    }

    /// Adds a hit to the profile when it is at least ``storeSpacing`` from the beam's last
    /// stored hit (a rover standing still does not flush the profile with copies).
    private mutating func remember(_ hit: SIMD3<Double>, beam: Int) {
        let last = stored[beam]
        let d = hit - last
        guard profileCount == 0 || (d * d).sum() >= Self.storeSpacing * Self.storeSpacing || !storedValid[beam] else { return }
        stored[beam] = hit
        storedValid[beam] = true
        profile[next] = hit
        next = (next + 1) % Self.profileCapacity
        profileCount = min(profileCount + 1, Self.profileCapacity)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
