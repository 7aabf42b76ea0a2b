import Glibc
import Simulator
import Testing

/// The terrain: determinism from the seed, crater and rock shapes, normals and slopes of a
/// known surface, and ray casting against analytic cases and across a crater rim.
@Suite struct TerrainTests {
    /// A small site grid (256 m) so the debug-build tests stay quick; the defaults otherwise.
    static func small(seed: UInt64) -> TerrainParameters {
        var p = TerrainParameters(seed: seed)
        p.gridSize = 256
        p.gridEdgeTaper = 16
        return p
    }

    @Test func sameSeedGivesIdenticalTerrain() {
        let a = Terrain(Self.small(seed: 42), frame: .flat)
        let b = Terrain(Self.small(seed: 42), frame: .flat)
        let c = Terrain(Self.small(seed: 43), frame: .flat)
        #expect(a.seededCraters == b.seededCraters && a.seededRocks == b.seededRocks)
        var differs = false
        for i in 0..<400 {
            let x = Double(i % 20) * 12.3 - 120, y = Double(i / 20) * 11.7 - 115
            #expect(a.height(x: x, y: y).bitPattern == b.height(x: x, y: y).bitPattern)
            if a.height(x: x, y: y) != c.height(x: x, y: y) { differs = true }
        }
        #expect(differs)
        #expect(a.seededCraters != c.seededCraters)
        // Far from the site only the background remains, and it is seeded too.
        #expect(a.height(x: 150_000, y: -80_000) == b.height(x: 150_000, y: -80_000))
        #expect(a.height(x: 150_000, y: -80_000) != c.height(x: 150_000, y: -80_000))
    }

    /// The seeded layers have the promised content: craters and rocks (hazards above
    /// 0.25 m among them), a background that varies over hundreds of km, and a grid that
    /// reaches 0 at its border.
    @Test func seededContent() throws {
        let t = Terrain(Self.small(seed: 7), frame: .flat)
        #expect(t.seededCraters.count > 50)
        #expect(t.seededRocks.count > 20)
        #expect(t.seededRocks.contains { $0.height > 0.25 })
        #expect(t.seededRocks.allSatisfy { $0.height <= 1.5 })
        let grid = try #require(t.grid)
        #expect(grid.count == 257 && grid.memoryBytes == 257 * 257 * 4)
        #expect(grid[0, 0] == 0 && grid[256, 100] == 0)
        var lo = Double.infinity, hi = -Double.infinity
        for k in 0..<200 {
            let h = t.height(x: Double(k) * 2_000 - 200_000, y: 0)
            lo = min(lo, h)
            hi = max(hi, h)
        }
        #expect(hi - lo > 50)  // the altimeter sees relief along the whole approach
        #expect(hi <= t.maximumHeight)
        // The default grid: 2,048 m at 1 m, 16.8 MB.
        #expect(TerrainParameters(seed: 1).gridSize == 2_048 && TerrainParameters(seed: 1).gridSpacing == 1)
    }

    /// A crater placed by hand: floor at rim - depth, crest at the rim radius, the ejecta
    /// falling to 0 at two radii.
    @Test func explicitCraterDepthAndRim() {
        let crater = Crater(x: 100, y: 50, diameter: 40)
        #expect(crater.depth == 8 && abs(crater.rimHeight - 1.44) < 1e-12)
        let t = Terrain(.flat(features: [.crater(crater)]), frame: .flat)
        #expect(abs(t.height(x: 100, y: 50) - (1.44 - 8)) < 1e-12)
        #expect(abs(t.height(x: 120, y: 50) - 1.44) < 1e-12)
        #expect(abs(t.height(x: 100, y: 30) - 1.44) < 1e-12)
        #expect(abs(t.height(x: 130, y: 50) - 1.44 * ((20.0 / 30) * (20.0 / 30) * (20.0 / 30) - 0.125) / 0.875) < 1e-12)
        #expect(t.height(x: 140, y: 50) == 0)
        #expect(t.height(x: 100, y: 95) == 0)
        // The highest point is the rim crest.
        var top = -Double.infinity
        for k in 0...800 { top = max(top, t.height(x: 60 + Double(k) * 0.1, y: 50)) }
        #expect(abs(top - 1.44) < 1e-9)
    }

    @Test func explicitRockAndFlatZone() {
        let rock = Rock(x: 5, y: 0, diameter: 1, height: 0.6)
        let base = TerrainParameters.slope(degrees: 8, azimuth: 0)
        var p = base
        p.features = [.rock(rock), .crater(Crater(x: -30, y: 0, diameter: 10)), .flatZone(FlatZone(x: 0, y: 0, radius: 40, edgeWidth: 10))]
        let t = Terrain(p, frame: .flat)
        // Inside the zone: level at the centre's height (0 here), rock and crater gone.
        for (x, y) in [(5.0, 0.0), (-30.0, 0.0), (0.0, 39.0), (-20.0, -20.0)] {
            #expect(abs(t.height(x: x, y: y)) < 1e-12)
            #expect(t.slope(x: x, y: y) < 1e-9)
        }
        // Beyond the edge band: the slope again (downhill to the north: h = -tan(8 deg) y).
        let sloped = Terrain(base, frame: .flat)
        #expect(t.height(x: 0, y: 60) == sloped.height(x: 0, y: 60))
        // Without the zone the rock stands 0.6 m above the slope.
        let rocky = Terrain(.flat(features: [.rock(rock)]), frame: .flat)
        #expect(abs(rocky.height(x: 5, y: 0) - 0.6) < 1e-12)
        #expect(rocky.height(x: 5.5, y: 0) == 0)
    }

    /// The normal and slope of a known plane: 10 deg, downhill to the east.
    @Test func normalOfAKnownSlope() {
        let t = Terrain(.slope(degrees: 10, azimuth: 90), frame: .flat)
        let s = 10.0 * Double.pi / 180
        for (x, y) in [(0.0, 0.0), (300.0, -200.0), (-1_000.0, 700.0)] {
            let n = t.normal(x: x, y: y)
            #expect(abs(n.x - sinDeg(10)) < 1e-6 && abs(n.y) < 1e-9 && abs(n.z - cosDeg(10)) < 1e-6)
            #expect(abs(t.slope(x: x, y: y) - s) < 1e-6)
        }
        #expect(abs(t.height(x: 100, y: 0) + 100 * tanDeg(10)) < 1e-6)
        // And on the sphere: the normal below a point near the site, in Moon-fixed axes.
        let site = LandingSite(latitude: 10, longitude: 20)
        let st = Terrain(.slope(degrees: 10, azimuth: 90), frame: .sphere(site))
        let n = st.normal(below: site.position + 100 * site.up)
        #expect(abs(n.dot(site.east) - sinDeg(10)) < 1e-6)
        #expect(abs(n.dot(site.up) - cosDeg(10)) < 1e-6)
    }

    /// Ray casts against analytic answers, to a millimetre.
    @Test func rayCastFlatAndSloped() throws {
        let flat = Terrain(.flat(), frame: .flat)
        for a in [0.0, 30, 60, 80] {
            let d = Vector3(sinDeg(a), 0.3 * sinDeg(a), -cosDeg(a))
            let r = try #require(flat.castRay(from: Vector3(10, 20, 100), direction: d, maxRange: 10_000))
            #expect(abs(r - 100 / (d.normalized.z * -1)) < 0.001)
        }
        #expect(flat.castRay(from: Vector3(0, 0, 100), direction: Vector3(0, 0, -1), maxRange: 99) == nil)
        #expect(flat.castRay(from: Vector3(0, 0, 100), direction: Vector3(1, 0, 0.01), maxRange: 1e6) == nil)
        #expect(flat.castRay(from: Vector3(0, 0, -1), direction: Vector3(0, 0, -1), maxRange: 10) == 0)

        // 10 deg slope, downhill to the east: z = -tan(10) x.
        let sloped = Terrain(.slope(degrees: 10, azimuth: 90), frame: .flat)
        for a in [-40.0, 0, 30, 60] {
            let d = Vector3(sinDeg(a), 0, -cosDeg(a))
            let expected = 100 / (cosDeg(a) - tanDeg(10) * sinDeg(a))
            let r = try #require(sloped.castRay(from: Vector3(0, 0, 100), direction: d, maxRange: 10_000))
            #expect(abs(r - expected) < 0.001)
        }

        // The mean sphere: a slant ray from 15 km meets |o + t d| = R (the quadratic).
        let site = LandingSite.changE3
        let sphere = Terrain(.flat(), frame: .sphere(site))
        let o = site.position + 15_000 * site.up + 2_000 * site.north
        let d = (-1 * site.up + 0.7 * site.east).normalized
        let b = o.dot(d), c = o.lengthSquared - site.radius * site.radius
        let expected = -b - (b * b - c).squareRoot()
        let r = try #require(sphere.castRay(from: o, direction: d, maxRange: 50_000))
        #expect(abs(r - expected) < 0.001)
    }

    /// A beam swept across a crater rim: every hit lies on the surface with no earlier
    /// crossing, and the slant beam's range jumps where it starts to see past the rim.
    @Test func rimStepInARaySweep() throws {
        let crater = Crater(x: 0, y: 0, diameter: 2_000, depth: 400, rimHeight: 72)
        let t = Terrain(.flat(features: [.crater(crater)]), frame: .flat)
        // Vertical beam from 5 km: the profile itself.
        let overRim = try #require(t.castRay(from: Vector3(1_000, 0, 5_000), direction: Vector3(0, 0, -1), maxRange: 20_000))
        #expect(abs(overRim - (5_000 - 72)) < 0.001)
        let overCentre = try #require(t.castRay(from: Vector3(0, 0, 5_000), direction: Vector3(0, 0, -1), maxRange: 20_000))
        #expect(abs(overCentre - (5_000 + 400 - 72)) < 0.001)

        // Slant beam, 65 deg forward of vertical, from 500 m, flying towards the crater (-x).
        // Its line is shallower than the inner wall, so passing the crest it jumps from
        // the outer flank to the far floor: from the rim crest (72 m) it descends 0.466 m
        // per metre and meets the bowl again at r = 165 m, 835 m further on.
        let d = Vector3(-sinDeg(65), 0, -cosDeg(65))
        var previous: Double?
        var largestJump = 0.0
        var jumpAt = 0.0
        for k in 0..<120 {
            let x = 3_000 - Double(k) * 10
            let o = Vector3(x, 0, 500)
            let r = try #require(t.castRay(from: o, direction: d, maxRange: 20_000))
            let hit = o + r * d
            #expect(abs(t.clearance(of: hit)) < 0.001)
            // No earlier crossing: clearance positive every 2 m before the hit.
            var s = 0.0
            while s < r - 0.01 {
                #expect(t.clearance(of: o + s * d) > 0)
                s += 2
            }
            if let p = previous, abs(r - p) > largestJump { largestJump = abs(r - p); jumpAt = x }
            previous = r
        }
        #expect(largestJump > 500)  // a step, not a slope: 10 m of flight, > 500 m of range
        #expect(largestJump < 1_000)
        // Where the beam grazes the crest: x = 1,000 + (500 - 72) tan(65 deg) = 1,918 m.
        #expect(jumpAt > 1_900 && jumpAt < 1_940)
    }
}

func sinDeg(_ a: Double) -> Double { sin(a * .pi / 180) }
func cosDeg(_ a: Double) -> Double { cos(a * .pi / 180) }
func tanDeg(_ a: Double) -> Double { tan(a * .pi / 180) }

extension TerrainTests {
    /// The waves' own sine agrees with the C library's to 1e-14 over |x| <= 1e5.
    @Test func waveSineMatchesLibm() {
        var worst = 0.0
        var x = -100_000.0
        while x < 100_000 {
            worst = max(worst, abs(TerrainMath.sine(x) - sin(x)))
            x += 3.210_987_654_3
        }
        for x in [0.0, .pi / 4, .pi / 2, .pi, 3 * .pi / 2, -.pi / 4, 1e-9] {
            worst = max(worst, abs(TerrainMath.sine(x) - sin(x)))
        }
        #expect(worst < 1e-14)
    }
}
