import FlightCore
import Glibc

/// A seeded digital elevation model around a landing site: heights above the reference
/// surface (the mean sphere, or the plane z = 0 of the flat moon) as a function of map
/// coordinates (x east, y north, m). See docs/simulator.md ("Terrain").
///
/// Three layers, summed, then explicit features:
/// 1. a smooth background of seeded plane waves (kilometres to tens of kilometres), everywhere;
/// 2. a regional slope: one long wave whose steepest point is at the site;
/// 3. a site grid (`ElevationGrid`) with seeded craters and rocks, fading to 0 at its border;
/// 4. explicit `TerrainFeature`s (craters and rocks evaluated analytically; flat zones last).
///
/// Same parameters and seed give a bit-identical terrain. Queries allocate nothing.
public struct Terrain: Sendable {
    /// The immutable data behind a terrain, shared by its copies (so copying a `Terrain`,
    /// which holds a grid of megabytes, costs one reference count).
    final class Storage: Sendable {
        let parameters: TerrainParameters
        let frame: SurfaceFrame
        let grid: ElevationGrid?
        let seededCraters: [Crater]
        let seededRocks: [Rock]
        let waves: ContiguousArray<Wave>
        let craters: ContiguousArray<Crater>
        let rocks: ContiguousArray<Rock>
        let flatZones: ContiguousArray<LevelledZone>
        let maximumHeight: Double
        let gradientBound: Double
        let smoothGradientBound: Double
        let detailMaximum: Double
        let explicitDetailMaximum: Double

        init(
            parameters: TerrainParameters, frame: SurfaceFrame, grid: ElevationGrid?, seededCraters: [Crater],
            seededRocks: [Rock], waves: ContiguousArray<Wave>, craters: ContiguousArray<Crater>,
            rocks: ContiguousArray<Rock>, flatZones: ContiguousArray<LevelledZone>, maximumHeight: Double,
            gradientBound: Double, smoothGradientBound: Double, detailMaximum: Double,
            explicitDetailMaximum: Double
        ) {
            self.parameters = parameters
            self.frame = frame
            self.grid = grid
            self.seededCraters = seededCraters
            self.seededRocks = seededRocks
            self.waves = waves
            self.craters = craters
            self.rocks = rocks
            self.flatZones = flatZones
            self.maximumHeight = maximumHeight
            self.gradientBound = gradientBound
            self.smoothGradientBound = smoothGradientBound
            self.detailMaximum = detailMaximum
            self.explicitDetailMaximum = explicitDetailMaximum
        }

        func with(flatZones zones: ContiguousArray<LevelledZone>) -> Storage {
            Storage(
                parameters: parameters, frame: frame, grid: grid, seededCraters: seededCraters,
                seededRocks: seededRocks, waves: waves, craters: craters, rocks: rocks, flatZones: zones,
                maximumHeight: maximumHeight, gradientBound: gradientBound,
                smoothGradientBound: smoothGradientBound, detailMaximum: detailMaximum,
                explicitDetailMaximum: explicitDetailMaximum)
        }
    }

    struct Wave: Sendable {
        var kx: Double
        var ky: Double
        var amplitude: Double
        var phase: Double
    }

    /// A flat zone with the height it levels to.
    struct LevelledZone: Sendable {
        var zone: FlatZone
        var level: Double
    }

    let storage: Storage

    public var parameters: TerrainParameters { storage.parameters }
    public var frame: SurfaceFrame { storage.frame }
    /// The site grid, if `gridSize > 0`.
    public var grid: ElevationGrid? { storage.grid }
    /// The seeded craters and rocks that were rasterised into the grid (for tests, maps and
    /// documentation; queries read the grid).
    public var seededCraters: [Crater] { storage.seededCraters }
    public var seededRocks: [Rock] { storage.seededRocks }
    /// An upper bound on every height, m (for quick "far above the ground" checks).
    public var maximumHeight: Double { storage.maximumHeight }
    /// An upper bound on |height gradient| away from rock edges, used by the ray caster.
    public var gradientBound: Double { storage.gradientBound }
    /// The same for the smooth part alone (waves and explicit craters).
    public var smoothGradientBound: Double { storage.smoothGradientBound }
    /// An upper bound on how far the detail (grid, explicit rocks, flat zones) rises above
    /// the smooth part, m: the surface lies below `smoothHeight + detailMaximum` everywhere.
    public var detailMaximum: Double { storage.detailMaximum }
    /// The same outside the site grid: explicit rocks and flat zones only, m.
    public var explicitDetailMaximum: Double { storage.explicitDetailMaximum }

    /// Builds the terrain (draws every feature, rasterises the grid). With the default
    /// grid this takes a fraction of a second in a release build; do it once per run.
    public init(_ parameters: TerrainParameters, frame: SurfaceFrame) {
        var bound = 0.0
        var gradient = 0.0
        var detailGradient = 0.0
        var detail = 0.0
        var explicitDetail = 0.0

        // 1 and 2: waves.
        var random = SeededRandom(seed: parameters.seed, stream: 1)
        var waves = ContiguousArray<Wave>()
        let (lmin, lmax) = (parameters.backgroundWavelengths.lowerBound, parameters.backgroundWavelengths.upperBound)
        for _ in 0..<max(0, parameters.backgroundWaves) {
            let wavelength = lmin * pow(lmax / lmin, random.uniform(0, 1))
            let direction = random.uniform(0, 2 * .pi)
            let slope = parameters.backgroundSlope * random.uniform(0.5, 1)
            let k = 2 * Double.pi / wavelength
            let amplitude = slope / k
            waves.append(Wave(kx: k * sin(direction), ky: k * cos(direction), amplitude: amplitude, phase: random.uniform(0, 2 * .pi)))
            bound += amplitude
            gradient += slope
        }
        if parameters.regionalSlope != 0 {
            // h = -A sin(k d.p): gradient -A k d at the site, i.e. downhill along d.
            let az = parameters.regionalSlopeAzimuth * .pi / 180
            let k = 2 * Double.pi / parameters.regionalSlopeWavelength
            let s = tan(parameters.regionalSlope * .pi / 180)
            let amplitude = s / k
            waves.append(Wave(kx: -k * sin(az), ky: -k * cos(az), amplitude: amplitude, phase: 0))
            bound += amplitude
            gradient += s
        }

        // 3: the site grid.
        var craterList: [Crater] = []
        var rockList: [Rock] = []
        var siteGrid: ElevationGrid?
        if parameters.gridSize > 0 {
            var grid = ElevationGrid(size: parameters.gridSize, spacing: parameters.gridSpacing)
            let half = grid.size / 2
            let area = grid.size * grid.size
            var craterRandom = SeededRandom(seed: parameters.seed, stream: 2)
            let (dmin, dmax) = (parameters.craterDiameters.lowerBound, parameters.craterDiameters.upperBound)
            let craterCount = Int((parameters.craterDensity * area * (pow(dmin, -2) - pow(dmax, -2))).rounded())
            for _ in 0..<craterCount {
                // Inverse of the truncated cumulative N(>=D) ~ D^-2.
                let u = craterRandom.uniform(0, 1)
                let d = pow(pow(dmin, -2) - u * (pow(dmin, -2) - pow(dmax, -2)), -0.5)
                let x = craterRandom.uniform(-half, half)
                let y = craterRandom.uniform(-half, half)
                let ratio = craterRandom.uniform(parameters.craterDepthRatio.lowerBound, parameters.craterDepthRatio.upperBound)
                let crater = Crater(x: x, y: y, diameter: d, depth: ratio * d, rimHeight: 0.036 * d * ratio / 0.2)
                craterList.append(crater)
                grid.add(cx: x, cy: y, reach: d) { crater.profile(distance: $0) }
            }
            var rockRandom = SeededRandom(seed: parameters.seed, stream: 3)
            let (rmin, rmax) = (parameters.rockDiameters.lowerBound, parameters.rockDiameters.upperBound)
            let rockCount = Int((parameters.rockDensity * area * (pow(rmin, -2.5) - pow(rmax, -2.5))).rounded())
            for _ in 0..<rockCount {
                let u = rockRandom.uniform(0, 1)
                let d = pow(pow(rmin, -2.5) - u * (pow(rmin, -2.5) - pow(rmax, -2.5)), -0.4)
                let x = rockRandom.uniform(-half, half)
                let y = rockRandom.uniform(-half, half)
                let ratio = rockRandom.uniform(parameters.rockHeightRatio.lowerBound, parameters.rockHeightRatio.upperBound)
                let rock = Rock(x: x, y: y, diameter: d, height: min(parameters.maxRockHeight, ratio * d))
                rockList.append(rock)
                grid.add(cx: x, cy: y, reach: d / 2) { rock.profile(distance: $0) }
            }
            // Fade the detail to 0 over the border band so the grid joins the background.
            let taper = max(parameters.gridEdgeTaper, grid.spacing)
            let n = grid.count
            for j in 0..<n {
                let wy = Self.edgeWeight(grid.coordinate(j), half: half, taper: taper)
                for i in 0..<n {
                    let w = wy * Self.edgeWeight(grid.coordinate(i), half: half, taper: taper)
                    if w < 1 { grid[i, j] = Float(Double(grid[i, j]) * w) }
                }
            }
            bound += max(0, grid.maximum())
            detail += max(0, grid.maximum())
            detailGradient += grid.steepestGradient() * 2.0.squareRoot()
            siteGrid = grid
        }

        // 4: explicit features.
        var craters = ContiguousArray<Crater>()
        var rocks = ContiguousArray<Rock>()
        var widestZone = 0.0
        for feature in parameters.features {
            switch feature {
            case .crater(let c):
                craters.append(c)
                bound += max(0, c.rimHeight)
                gradient += c.steepestSlope
            case .rock(let r):
                rocks.append(r)
                bound += max(0, r.height)
                detail += max(0, r.height)
                explicitDetail += max(0, r.height)
            case .flatZone(let z):
                widestZone = max(widestZone, z.radius + z.edgeWidth)
            }
        }
        // A zone levels to its centre's height: within it the surface rises at most the
        // smooth part's change over the zone above the smooth surface, plus the detail.
        detail += gradient * widestZone
        explicitDetail += gradient * widestZone
        var storage = Storage(
            parameters: parameters, frame: frame, grid: siteGrid, seededCraters: craterList,
            seededRocks: rockList, waves: waves, craters: craters, rocks: rocks, flatZones: [],
            maximumHeight: bound, gradientBound: gradient + detailGradient,
            smoothGradientBound: gradient, detailMaximum: detail, explicitDetailMaximum: explicitDetail)
        // Flat zones level to the height at their centre, computed from everything before
        // them (earlier zones included).
        var zones = ContiguousArray<LevelledZone>()
        for feature in parameters.features {
            if case .flatZone(let z) = feature {
                let partial = Terrain(storage: storage.with(flatZones: zones))
                zones.append(LevelledZone(zone: z, level: partial.height(x: z.x, y: z.y)))
            }
        }
        if !zones.isEmpty { storage = storage.with(flatZones: zones) }
        self.storage = storage
    }

    init(storage: Storage) { self.storage = storage }

    static func edgeWeight(_ c: Double, half: Double, taper: Double) -> Double {
        let inside = half - abs(c)
        if inside >= taper { return 1 }
        if inside <= 0 { return 0 }
        let t = inside / taper
        return t * t * (3 - 2 * t)
    }
}
