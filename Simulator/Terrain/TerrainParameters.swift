/// Everything that defines a terrain: the seed, the three layers, and explicit features.
/// Same parameters (seed included) give a bit-identical terrain. The defaults, their sizes
/// and their sources are in docs/simulator.md ("Terrain").
public struct TerrainParameters: Equatable, Sendable {
    /// Seed of every random draw (wave directions and phases, crater and rock places).
    public var seed: UInt64

    // Background: a sum of seeded plane waves, everywhere on the map.
    /// Number of plane waves (0: no background).
    public var backgroundWaves: Int
    /// Shortest and longest wavelength, m (drawn log-uniformly).
    public var backgroundWavelengths: ClosedRange<Double>
    /// Each wave's amplitude is `slope * wavelength / (2 pi)` with `slope` drawn in
    /// `0.5 ... 1` times this: its steepest gradient (rise over run).
    public var backgroundSlope: Double

    // Regional slope: one long wave whose steepest point lies at the site.
    /// Slope at the site, degrees.
    public var regionalSlope: Double
    /// Downhill direction, degrees clockwise from north.
    public var regionalSlopeAzimuth: Double
    /// Wavelength of the regional wave, m (the slope is within 5 % of its value for
    /// 0.05 wavelengths around the site).
    public var regionalSlopeWavelength: Double

    // Site grid: craters and rocks rasterised on a square grid centred on the site.
    /// Side of the square, m (0: no grid).
    public var gridSize: Double
    /// Grid spacing, m.
    public var gridSpacing: Double
    /// Width of the band at the grid's border where its detail fades to 0, m.
    public var gridEdgeTaper: Double
    /// Craters per m^2 with diameter >= 1 m; the cumulative count follows N(>=D) = k D^-2
    /// (the equilibrium slope of small lunar craters).
    public var craterDensity: Double
    /// Diameters of the seeded craters, m.
    public var craterDiameters: ClosedRange<Double>
    /// Depth to diameter, drawn uniformly (0.2 fresh, lower degraded).
    public var craterDepthRatio: ClosedRange<Double>
    /// Rocks per m^2 with diameter >= 1 m; cumulative N(>=D) = k D^-2.5.
    public var rockDensity: Double
    /// Diameters of the seeded rocks, m.
    public var rockDiameters: ClosedRange<Double>
    /// Height to diameter of a rock, drawn uniformly; heights are capped at `maxRockHeight`.
    public var rockHeightRatio: ClosedRange<Double>
    public var maxRockHeight: Double

    /// Explicit features, applied in order after the seeded layers (flat zones last).
    public var features: [TerrainFeature]

    public init(
        seed: UInt64,
        backgroundWaves: Int = 4, backgroundWavelengths: ClosedRange<Double> = 4_000...80_000,
        backgroundSlope: Double = 0.02,
        regionalSlope: Double = 2, regionalSlopeAzimuth: Double = 90,
        regionalSlopeWavelength: Double = 40_000,
        gridSize: Double = 2_048, gridSpacing: Double = 1, gridEdgeTaper: Double = 64,
        craterDensity: Double = 0.02, craterDiameters: ClosedRange<Double> = 2...200,
        craterDepthRatio: ClosedRange<Double> = 0.08...0.2,
        rockDensity: Double = 0.002, rockDiameters: ClosedRange<Double> = 1...4,
        rockHeightRatio: ClosedRange<Double> = 0.25...0.5, maxRockHeight: Double = 1.5,
        features: [TerrainFeature] = []
    ) {
        self.seed = seed
        self.backgroundWaves = backgroundWaves
        self.backgroundWavelengths = backgroundWavelengths
        self.backgroundSlope = backgroundSlope
        self.regionalSlope = regionalSlope
        self.regionalSlopeAzimuth = regionalSlopeAzimuth
        self.regionalSlopeWavelength = regionalSlopeWavelength
        self.gridSize = gridSize
        self.gridSpacing = gridSpacing
        self.gridEdgeTaper = gridEdgeTaper
        self.craterDensity = craterDensity
        self.craterDiameters = craterDiameters
        self.craterDepthRatio = craterDepthRatio
        self.rockDensity = rockDensity
        self.rockDiameters = rockDiameters
        self.rockHeightRatio = rockHeightRatio
        self.maxRockHeight = maxRockHeight
        self.features = features
    }

    /// A perfectly flat terrain (height 0 everywhere) plus `features`: for analytic checks.
    public static func flat(features: [TerrainFeature] = []) -> TerrainParameters {
        TerrainParameters(
            seed: 0, backgroundWaves: 0, regionalSlope: 0, gridSize: 0, craterDensity: 0,
            rockDensity: 0, features: features)
    }

    /// A smooth terrain with only the regional slope (no waves, no grid): for analytic checks.
    public static func slope(
        degrees: Double, azimuth: Double, wavelength: Double = 1e7
    ) -> TerrainParameters {
        TerrainParameters(
            seed: 0, backgroundWaves: 0, regionalSlope: degrees, regionalSlopeAzimuth: azimuth,
            regionalSlopeWavelength: wavelength, gridSize: 0, craterDensity: 0, rockDensity: 0)
    }
}
