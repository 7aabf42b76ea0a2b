/// The engine's thrust scale — the thrust it really gives over the thrust it is commanded —
/// estimated in closed loop from the IMU, so guidance asks for the thrust it needs and not
/// the thrust a dispersed engine would misread (the Chandrayaan-2 Vikram lesson, 2019: its
/// braking thrust exceeded design and guidance left its envelope).
///
/// Each guidance cycle the measured thrust (the IMU's specific force times the estimated
/// mass) is compared with the thrust the engine should be giving: the last commands through
/// the engine's first-order lag. Their ratio, once it has stayed inside ``gate`` for
/// ``settleTime`` (not at ignition, not while the engine is off or cut), is low-pass filtered
/// over ``filterTime`` and kept inside ``bounds``. Apollo's LGC closed its throttle loop the
/// same way: Luminary's THROTTLE routine took the present thrust from the PIPAs' delta-v
/// and the mass, not from the throttle position.
///
/// A ratio outside the gate is not a dispersion but a failure (SLIM lost half its thrust
/// near 50 m, 2024): the estimate holds, and the engine driver's ThrustDeficit monitor and
/// the fault table deal with it. The estimator never hides a deficit from them: the
/// driver compares the measured thrust with the command, which the scale only divides.
///
/// Not to be confused with ``DescentManager/thrustScale``, a second measure of the same ratio
/// kept on purpose: that one is the engine controller's own thrust reading (its telemetry)
/// over the lagged command, fast (0.4 s), unbounded down to 0.05 and used only
/// after a loss (the safe landing divides by it). This one is the IMU's, slow, bounded to
/// +-20 % and blind to losses by its gate: a dispersion is learnt over seconds from the
/// sensor guidance trusts most, a failure is seen within a second from the engine's own.
/// One estimate cannot be both slow enough not to chase noise and transients, and fast and
/// wide enough to catch SLIM's halving.
///
/// No allocation; O(1) per cycle.
public struct ThrustScaleEstimator: Sendable, Equatable {
    /// The scale is kept inside these bounds (+-20 %: twice the +-10 % to absorb).
    public static let bounds = 0.8...1.2
    /// Ratios outside this are a failure, not a dispersion, and are not used.
    public static let gate = 0.75...1.25
    /// Low-pass time constant of the estimate (s).
    public var filterTime = 4.0
    /// The engine's first-order lag (s): Luminary 099's THROTLAG, and the simulated engine's.
    public var engineLag = 0.2
    /// How long the ratio must stay inside the gate before it is used (s): the ignition
    /// transient and a return from a fault are not taken for a dispersion.
    public var settleTime = 1.0

    /// Actual over commanded thrust, as estimated (1 until measured).
    public private(set) var scale = 1.0
    /// Cycles whose measurement went into the estimate.
    public private(set) var samples = 0
    private var command = 0.0
    private var expected = 0.0
    private var lastTime: Double?
    private var inGate = 0.0

    public init() {}

    /// Records the thrust commanded this cycle (0 with the engine off).
    public mutating func commanded(_ thrust: Double) { command = max(0, thrust) }

    /// One cycle at `time` (s) with the measured thrust (N), nil when the IMU is not valid.
    /// A second call at the same time does nothing.
    public mutating func update(time: Double, measuredThrust: Double?) {
        guard let last = lastTime else {
            lastTime = time
            return
        }
        guard time > last else { return }
        lastTime = time
        let dt = min(time - last, 1)
        expected += (command - expected) * (1 - exponential(-dt / engineLag))
        guard let measured = measuredThrust, measured.isFinite, expected > 0,
              Self.gate.contains(measured / expected)
        else {
            inGate = 0
            return
        }
        inGate += dt
        guard inGate >= settleTime else { return }
        let ratio = measured / expected
        scale += (ratio - scale) * (1 - exponential(-dt / filterTime))
        scale = min(max(scale, Self.bounds.lowerBound), Self.bounds.upperBound)
        samples += 1
    }
}
