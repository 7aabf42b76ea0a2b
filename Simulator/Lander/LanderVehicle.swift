/// The parameters of a lander: masses, engine and legs.
///
/// Sources and assumptions for each preset are in docs/simulator.md.
public struct LanderVehicle: Equatable, Sendable {
    /// Mass with no descent propellant (everything that lands), kg.
    public var dryMass: Double
    /// Descent propellant at the start of the simulation, kg.
    public var propellantMass: Double
    /// Lowest thrust the engine holds while lit, N.
    public var minThrust: Double
    /// Full (rated) thrust, N.
    public var maxThrust: Double
    /// Top of the continuously throttleable range, N. Commands above it run at
    /// `maxThrust` (the LM descent engine's fixed "full throttle" position). Equal to
    /// `maxThrust` for an engine that throttles all the way.
    public var maxContinuousThrust: Double
    /// Effective exhaust velocity, m/s (mass flow is thrust / exhaust velocity).
    public var exhaustVelocity: Double
    /// First-order lag from commanded to actual thrust, s. 0 means no lag: the
    /// actual thrust equals the (limited) command at once.
    public var engineTimeConstant: Double
    /// Distance from the centre of mass down to the foot pads (along body -z), m.
    public var legHeight: Double
    /// Distance of each of the four foot pads from the body z axis, m. The feet sit at
    /// body (+-r, 0, -legHeight) and (0, +-r, -legHeight).
    public var footprintRadius: Double

    public init(
        dryMass: Double, propellantMass: Double, minThrust: Double, maxThrust: Double,
        maxContinuousThrust: Double? = nil, exhaustVelocity: Double,
        engineTimeConstant: Double = 0.2, legHeight: Double = 1.5, footprintRadius: Double = 2.4
    ) {
        self.dryMass = dryMass
        self.propellantMass = propellantMass
        self.minThrust = minThrust
        self.maxThrust = maxThrust
        self.maxContinuousThrust = maxContinuousThrust ?? maxThrust
        self.exhaustVelocity = exhaustVelocity
        self.engineTimeConstant = engineTimeConstant
        self.legHeight = legHeight
        self.footprintRadius = footprintRadius
    }

    /// The four foot pads in body coordinates (body +z is the thrust axis, up when level).
    public var feet: (Vector3, Vector3, Vector3, Vector3) {
        let r = footprintRadius, h = -legHeight
        return (Vector3(r, 0, h), Vector3(0, r, h), Vector3(-r, 0, h), Vector3(0, -r, h))
    }

    /// Dry plus propellant, kg.
    public var initialMass: Double { dryMass + propellantMass }

    /// The thrust the engine settles to for a command: 0 when off, otherwise
    /// clamped to the throttle limits (and to full above the continuous range).
    @inlinable
    public func limitedThrust(commanded: Double, engineOn: Bool) -> Double {
        guard engineOn, !commanded.isNaN else { return 0 }
        if commanded > maxContinuousThrust { return maxThrust }
        return min(max(commanded, minThrust), maxContinuousThrust)
    }

    /// A Chang'e-3-class lander at powered descent initiation: one 1,500-7,500 N
    /// continuously variable engine (SASTIND). Masses and exhaust velocity are assumptions
    /// (see docs/simulator.md): 1,200 kg dry and 1,700 kg propellant, 2,900 kg in all
    /// (Chang'e-3's 3,780 kg at launch less about 0.8 km/s of lunar orbit insertion and
    /// descent orbit burns), 3,100 m/s (Isp about 316 s, an MMH/NTO engine of this class).
    public static let changE = LanderVehicle(
        dryMass: 1_200, propellantMass: 1_700, minThrust: 1_500, maxThrust: 7_500,
        exhaustVelocity: 3_100, engineTimeConstant: 0.2, legHeight: 1.5, footprintRadius: 2.4)

    /// The Apollo LM at powered descent initiation: DPS 43.7 kN rated, ve 2,956 m/s,
    /// throttleable 10-60 % or full (Luminary 099). Masses approximate Apollo 11 at
    /// PDI: about 15,100 kg total, 8,200 kg of it descent propellant (assumed split).
    public static let apolloLM = LanderVehicle(
        dryMass: 6_900, propellantMass: 8_200, minThrust: 4_370, maxThrust: 43_700,
        maxContinuousThrust: 26_220, exhaustVelocity: 2_956, engineTimeConstant: 0.2,
        legHeight: 1.5, footprintRadius: 4.7)
}
