/// The shape of a powered descent: the targets of its guided phases and the limits of its
/// terminal phases, all in the site frame (up, cross-range, down-range), SI units.
public struct DescentPlan: Hashable, Sendable {
    /// A guided phase (Apollo's P63 braking, P64 approach): its target, and the time to go
    /// at which it hands over to the next phase.
    public struct GuidedPhase: Hashable, Sendable {
        public var target: DescentGuidance.Target
        public var endTimeToGo: Double
        /// About how long the phase lasts from its start (s): where the search for the first
        /// time to go starts, so the right root of the jerk equation is taken.
        public var plannedDuration: Double

        public init(target: DescentGuidance.Target, endTimeToGo: Double, plannedDuration: Double) {
            self.target = target
            self.endTimeToGo = endTimeToGo
            self.plannedDuration = plannedDuration
        }
    }

    public var braking: GuidedPhase
    public var approach: GuidedPhase
    /// Hover height above the ground (m) and how long to hold it to assess the ground (s).
    public var hoverHeight: Double
    public var hoverAssessment: Double
    /// The longest hold at one spot before the ground is judged anyway (s).
    public var maxHoverTime: Double
    /// The steepest slope under the lander accepted for landing (rad).
    public var maxSlope: Double
    /// How far one lateral move goes (m), and how many moves at most before landing anyway
    /// on the best spot seen.
    public var lateralMove: Double
    public var maxLateralMoves: Int
    /// The close look (Chang'e-3's obstacle avoidance before the final descent): from the
    /// foot height `closeLookHeight` down to `commitHeight` (m) the slope under the lander is
    /// watched; while it is over `maxSlope` the lander stops descending and slides downhill
    /// at `slideSpeed` (m/s) until it reads `slideHysteresis` (rad) under the limit, for
    /// `maxSlideTime` (s) in all at most.
    public var closeLookHeight: Double
    public var commitHeight: Double
    public var slideSpeed: Double
    public var slideHysteresis: Double
    public var maxSlideTime: Double
    /// Vertical descent: speed from the hover down to `slowHeight`, then `finalSpeed` (m/s).
    public var descentSpeed: Double
    public var slowHeight: Double
    public var finalSpeed: Double
    /// Foot height (m) at which the engine is cut and the lander falls the rest.
    public var cutoffHeight: Double
    /// The largest tilt from vertical the terminal phases may command (rad).
    public var maxTerminalTilt: Double
    /// The largest tilt from vertical the thrust-limited safe landing may command (rad): the
    /// thrust is short, so nearly all of it must hold the lander up (cos 10 deg = 0.985).
    public var safeLandingTilt: Double

    public init(
        braking: GuidedPhase, approach: GuidedPhase, hoverHeight: Double = 100, hoverAssessment: Double = 8, maxHoverTime: Double = 25,
        maxSlope: Double = 8 * Double.pi / 180, lateralMove: Double = 15, maxLateralMoves: Int = 2,
        closeLookHeight: Double = 12, commitHeight: Double = 5, slideSpeed: Double = 0.7,
        slideHysteresis: Double = 1 * Double.pi / 180, maxSlideTime: Double = 25,
        descentSpeed: Double = 3, slowHeight: Double = 20, finalSpeed: Double = 0.7, cutoffHeight: Double = 1.5,
        maxTerminalTilt: Double = 20 * Double.pi / 180, safeLandingTilt: Double = 10 * Double.pi / 180
    ) {
        self.braking = braking
        self.approach = approach
        self.hoverHeight = hoverHeight
        self.hoverAssessment = hoverAssessment
        self.maxHoverTime = maxHoverTime
        self.maxSlope = maxSlope
        self.lateralMove = lateralMove
        self.maxLateralMoves = maxLateralMoves
        self.closeLookHeight = closeLookHeight
        self.commitHeight = commitHeight
        self.slideSpeed = slideSpeed
        self.slideHysteresis = slideHysteresis
        self.maxSlideTime = maxSlideTime
        self.descentSpeed = descentSpeed
        self.slowHeight = slowHeight
        self.finalSpeed = finalSpeed
        self.cutoffHeight = cutoffHeight
        self.maxTerminalTilt = maxTerminalTilt
        self.safeLandingTilt = safeLandingTilt
    }
}
