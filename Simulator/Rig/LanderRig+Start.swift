/// Initial conditions and truth for reports.
extension LanderRig.Configuration {
    /// The default descent: the Chang'e-3 site (terrain seed 2013), the lander at a PDI-like
    /// state — `altitude` above the site's sphere, `speed` horizontal towards the site,
    /// `upRange` metres of ground track short of it — with a full Chang'e-class vehicle, its
    /// engine off and its thrust axis along local up until commanded; sensor rates set to the
    /// emulators' publication rates (engine telemetry 50 Hz, power 2 Hz).
    ///
    /// `terrain`, when given, replaces the generated one (its frame should be `.sphere(site)`).
    /// The defaults are the Chang'e-3 descent's start (15 km, 1.69 km/s, ~577 km up-range:
    /// the missions' `LanderPlans.changEDownRange`).
    public static func descent(
        seed: UInt64, vehicle: LanderVehicle = .changE, site: LandingSite = .changE3, terrainSeed: UInt64 = 2013,
        altitude: Double = 15_000, speed: Double = 1_692, upRange: Double = 577_215, terrain: Terrain? = nil
    ) -> Self {
        let terrain = terrain ?? Terrain(TerrainParameters(seed: terrainSeed), frame: .sphere(site))
        // The ground track: along the site's meridian, from the south, flying north.
        // (The map is gnomonic: a ground arc s lies at R tan(s / R) on it.)
        let r0 = site.position(of: MapPoint(x: 0, y: -site.radius * tan(upRange / site.radius), altitude: altitude))
        let frame = site.localFrame(at: r0)
        let start = LanderState(position: r0, velocity: speed * frame.north, mass: vehicle.initialMass)
        var world = LanderWorld.Configuration(vehicle: vehicle, terrain: terrain, start: start, seed: seed)
        world.engineTelemetry.rate = 50
        world.power.rate = 2
        return Self(world: world)
    }
}

/// What really happened, for reports and scenario conditions (never what the flight software
/// believes).
public struct LanderTruth: Sendable {
    public var time: Double
    public var state: LanderState
    /// Height of the feet above the terrain below, m.
    public var altitude: Double
    /// Along local up, m/s (negative descending).
    public var verticalSpeed: Double
    public var horizontalSpeed: Double
    /// Since the start of the run, kg.
    public var propellantUsed: Double
    /// Ground distance to the landing site (the terrain's origin), m.
    public var distanceToSite: Double
    /// Actual thrust, N.
    public var thrust: Double
    public var touchdown: Touchdown?
}

extension LanderRig {
    /// The truth now. Costs a terrain query: call it for reports, not every step.
    public var truth: LanderTruth {
        let s = world.state
        let gravity = world.simulation.dynamics.gravity
        let up = gravity.up(at: s.position)
        let vUp = s.velocity.dot(up)
        let map = world.terrain.frame.mapPoint(of: s.position)
        return LanderTruth(
            time: world.time, state: s, altitude: world.simulation.footHeight, verticalSpeed: vUp,
            horizontalSpeed: (s.velocity - vUp * up).length,
            propellantUsed: configuration.world.start.mass - s.mass,
            distanceToSite: world.terrain.frame.groundDistance(fromSiteTo: map), thrust: s.thrust, touchdown: world.touchdown)
    }
}

extension SurfaceFrame {
    /// Ground distance from the site (the map's origin) to a map point, m: along the sphere
    /// for a spherical frame (the map is gnomonic), straight for a flat one.
    func groundDistance(fromSiteTo m: MapPoint) -> Double {
        let d = (m.x * m.x + m.y * m.y).squareRoot()
        switch self {
        case .flat: return d
        case .sphere(let site): return d.isFinite ? site.radius * atan(d / site.radius) : .infinity
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
