public import FlightCore

/// The lander's descent as a component: arming checks, the phases of ``DescentController``
/// as telemetry and events, the engine and attitude demands, and delta-v burns.
///
/// Commands:
/// - `START_DESCENT` (hazardous: needs ARM): runs the arming checks (the IM-1 lesson: every
///   sensor the descent depends on must answer, valid, before ignition) and, if all pass,
///   starts the braking phase; otherwise refuses (EXECUTION_ERROR) with an event naming the
///   first device that failed.
/// - `ABORT_DESCENT`: engine shut down and safe, attitude held.
/// - `SAFE_LANDING`: the engine gives less than commanded (SLIM, 2024; the fault table sends
///   it when `engine.ThrustDeficit` holds): from APPROACH, HOVER or TERMINAL_DESCENT, a
///   thrust-limited landing straight down (``DescentPhase/safeLanding``), with the command
///   scaled by the measured thrust scale (channel `ThrustScale`). Refused (EXECUTION_ERROR)
///   in any other phase.
/// - `EXECUTE_BURN dv duration` (hazardous): a burn along the present thrust axis ended on
///   the measured delta-v, with a 10 % time backstop, refused when the IMU is not valid
///   (the Luna 25 lesson, ``DeltaVBurn``).
///
/// Ignition waits until the attitude unit reports the thrust axis within IGNITION_POINTING
/// of the guidance direction (at most 60 s), so the first seconds of thrust do not push the
/// wrong way.
public final class DescentManager: Component {
    public enum Command: UInt32 { case startDescent = 0, abortDescent = 1, executeBurn = 2, safeLanding = 3 }
    public enum Channel: UInt32 {
        case phase = 0, timeToGo, thrustDemand, saturations, lateralMoves, burnDeltaV, burnActive, armingFailures, ignited
        case thrustScale
    }
    public enum Event: UInt32 {
        case phaseChanged = 0, armingCheckFailed, armingPassed, aborted, burnRefused, burnStarted, burnEnded, landed, saturated
        case safeLandingStarted, safeLandingRefused, hazardMove
    }
    public enum Parameter: UInt32 { case ignitionPointing = 0 }

    /// A device the arming checks look at, and how to read its health now.
    public struct ArmedDevice {
        public var name: String
        public var health: () -> UInt8
        public init(name: String, health: @escaping () -> UInt8) {
            self.name = name
            self.health = health
        }
    }

    public let name: String
    public var ports = ComponentPorts.unwired
    public private(set) var controller: DescentController
    public let legHeight: Double
    private let navigation: Subscription<NavigationSolution>
    private let legs: Subscription<LegContactSample>
    private let attitudeStatus: Subscription<AttitudeStatusSample>
    private let engineStatus: Subscription<EngineStatusSample>
    private let engineDemand: Topic<EngineThrustDemand>
    private let attitudeDemand: Topic<AttitudeDemand>
    private let armedDevices: [ArmedDevice]
    private var nav = NavigationSolution()
    private var contacts = 0
    private var pointingError = Double.pi
    private var startTime: FlightTime?
    public private(set) var ignited = false
    /// Flight time (s) the engine was first commanded to fire: powered descent initiation.
    public private(set) var ignitionTime: Double?
    private var lastPhase = DescentPhase.standby
    private var armingFailures: UInt32 = 0
    private var saturations: UInt32 = 0
    private var lastThrust = 0.0
    /// The thrust the engine should be giving now: the command through the engine's lag.
    private var expectedThrust = 0.0
    /// Measured over expected thrust, low-pass filtered (``thrustScaleTimeConstant``): the
    /// engine controller's thrust reading, fast and wide, for the safe landing after a loss.
    /// Guidance's dispersion estimate (``ThrustScaleEstimator``) is the IMU's, slow and
    /// gated; why there are two is written there.
    public private(set) var thrustScale = 1.0
    private var thrustScaleAt: Double?
    /// The engine's response time constant (Luminary 099 THROTLAG; the simulator's too), s.
    public static let engineTimeConstant = 0.2
    /// Time constant of the thrust scale's filter, s: converged to within 10 % of a loss by
    /// the time the engine driver's 1 s deficit persistence has passed.
    public static let thrustScaleTimeConstant = 0.4
    private var ignitionPointing = 10.0 * Double.pi / 180
    /// Gravitational parameter of the Moon (m^3/s^2), for guidance's gravity.
    public var gm = 4.902_8e12
    private var burn: DeltaVBurn?
    /// The system mode, when the topology has fault protection: DESCENT from START_DESCENT,
    /// LANDED at touchdown, SAFE on abort (so the table's DESCENT lock-outs and monitors apply).
    public var modes: SystemMode?
    /// Every phase change: (flight time s, phase). For reports; bounded by the phase count.
    public private(set) var phaseLog: [(time: Double, phase: DescentPhase)] = []

    public init(
        name: String = "descent", controller: DescentController, legHeight: Double,
        landerTopics: LanderTopics, appTopics: LanderAppTopics, armedDevices: [ArmedDevice]
    ) throws(TopologyError) {
        self.name = name
        self.controller = controller
        self.legHeight = legHeight
        navigation = try appTopics.navigation.subscribe(name, capacity: 1, policy: .keepLatest)
        legs = try landerTopics.legContact.subscribe(name, capacity: 1, policy: .keepLatest)
        attitudeStatus = try appTopics.attitudeStatus.subscribe(name, capacity: 1, policy: .keepLatest)
        engineStatus = try landerTopics.engineStatus.subscribe(name, capacity: 1, policy: .keepLatest)
        engineDemand = landerTopics.engineDemand
        attitudeDemand = appTopics.attitudeDemand
        self.armedDevices = armedDevices
        phaseLog.reserveCapacity(4 * DescentPhase.allCases.count)
    }

    public var phase: DescentPhase { controller.phase }

    public var definition: ComponentDefinition {
        let phase = FlightType.enumeration(Self.phaseType)
        return ComponentDefinition(
            kind: "DescentManager",
            summary: "Powered descent: arming checks, P63/P64 quadratic guidance, hover with hazard assessment, terminal descent, cut-off, landed when contact, IMU and altitude agree; thrust-limited safe landing; delta-v burns",
            commands: [
                CommandDefinition(Command.startDescent.rawValue, "START_DESCENT", hazardous: true, summary: "Run the arming checks and, if every device passes, start the powered descent"),
                CommandDefinition(Command.abortDescent.rawValue, "ABORT_DESCENT", summary: "Shut the engine down, hold attitude"),
                CommandDefinition(
                    Command.executeBurn.rawValue, "EXECUTE_BURN",
                    arguments: [
                        .init("deltaV", .f64, range: 0.01...500, units: "m/s", summary: "Velocity to add along the present thrust axis"),
                        .init("duration", .f64, range: 0.1...1000, units: "s", summary: "Planned duration (the backstop is 10 % more)"),
                    ],
                    hazardous: true, summary: "A burn ended on the IMU's measured delta-v; refused without a valid IMU"),
                CommandDefinition(Command.safeLanding.rawValue, "SAFE_LANDING", summary: "The engine gives less than commanded: land straight down on the thrust left, thrust axis near vertical, no hazard moves (from APPROACH, HOVER or TERMINAL_DESCENT)"),
            ],
            channels: [
                ChannelDefinition(Channel.phase.rawValue, "Phase", phase, update: .onChange),
                ChannelDefinition(Channel.timeToGo.rawValue, "TimeToGo", .f64, units: "s"),
                ChannelDefinition(Channel.thrustDemand.rawValue, "ThrustDemand", .f64, units: "N"),
                ChannelDefinition(Channel.saturations.rawValue, "Saturations", .u32, update: .onChange, summary: "Guidance cycles whose thrust demand was outside the throttle range"),
                ChannelDefinition(Channel.lateralMoves.rawValue, "LateralMoves", .u32, update: .onChange),
                ChannelDefinition(Channel.burnDeltaV.rawValue, "BurnDeltaV", .f64, units: "m/s"),
                ChannelDefinition(Channel.burnActive.rawValue, "BurnActive", .bool, update: .onChange),
                ChannelDefinition(Channel.armingFailures.rawValue, "ArmingFailures", .u32, update: .onChange),
                ChannelDefinition(Channel.ignited.rawValue, "Ignited", .bool, update: .onChange),
                ChannelDefinition(Channel.thrustScale.rawValue, "ThrustScale", .f64, summary: "The engine's measured thrust over the commanded (through the engine's lag), filtered; the safe landing divides its command by it"),
            ],
            events: [
                EventDefinition(Event.phaseChanged.rawValue, "PhaseChanged", .activityHigh, arguments: [.init("phase", phase), .init("altitude", .f64, units: "m")], format: "Descent phase {} at {} m"),
                EventDefinition(Event.armingCheckFailed.rawValue, "ArmingCheckFailed", .warningHigh, arguments: [.init("device", .enumeration(deviceType)), .init("health", .enumeration(DeviceHealth.enumType))], format: "Arming check failed: {} is {}; descent not started"),
                EventDefinition(Event.armingPassed.rawValue, "ArmingChecksPassed", .activityHigh, format: "Every device passed the arming checks"),
                EventDefinition(Event.aborted.rawValue, "DescentAborted", .warningHigh, arguments: [.init("altitude", .f64, units: "m")], format: "Descent aborted at {} m: engine shut down"),
                EventDefinition(Event.burnRefused.rawValue, "BurnRefused", .warningHigh, format: "Burn refused: its cut-off sensor (the IMU) is not valid"),
                EventDefinition(Event.burnStarted.rawValue, "BurnStarted", .activityHigh, arguments: [.init("deltaV", .f64, units: "m/s")], format: "Burn of {} m/s started"),
                EventDefinition(Event.burnEnded.rawValue, "BurnEnded", .activityHigh, arguments: [.init("how", .i32), .init("deltaV", .f64, units: "m/s"), .init("elapsed", .f64, units: "s")], format: "Burn ended ({}: 0 delta-v, 1 backstop, 2 IMU lost) at {} m/s after {} s"),
                EventDefinition(Event.landed.rawValue, "Landed", .activityHigh, arguments: [.init("legs", .u8)], format: "Landed: {} legs in contact, IMU and altitude agree"),
                EventDefinition(Event.safeLandingStarted.rawValue, "SafeLandingStarted", .warningHigh, arguments: [.init("altitude", .f64, units: "m"), .init("thrustScale", .f64)], format: "Thrust-limited safe landing from {} m: the engine gives {} of the commanded thrust; hazard moves dropped"),
                EventDefinition(Event.safeLandingRefused.rawValue, "SafeLandingRefused", .warningHigh, arguments: [.init("phase", phase)], format: "Safe landing refused in {}: only from APPROACH, HOVER or TERMINAL_DESCENT"),
                EventDefinition(Event.hazardMove.rawValue, "HazardMove", .activityLow, arguments: [.init("phase", phase), .init("altitude", .f64, units: "m"), .init("slope", .f64, units: "deg")], format: "Hazard move in {} at {} m: the beams see a {} deg slope under the lander", throttle: EventThrottle(count: 10, window: .seconds(60))),
                EventDefinition(Event.saturated.rawValue, "GuidanceSaturated", .warningLow, arguments: [.init("demand", .f64, units: "N")], format: "Thrust demand {} N outside the throttle range", throttle: EventThrottle(count: 5, window: .seconds(60))),
            ],
            parameters: [
                ParameterDefinition(Parameter.ignitionPointing.rawValue, "IGNITION_POINTING", .f64, default: .f64(10), range: 0.5...90, units: "deg", summary: "Ignition waits until the thrust axis is this close to the guidance direction"),
            ])
    }

    /// The devices the arming checks look at, then navigation itself.
    var deviceType: EnumType {
        EnumType(
            "Regolith.ArmedDevice", representation: .u8,
            constants: armedDevices.enumerated().map { ($1.name.uppercased().replacingOccurrences(of: "-", with: "_"), Int64($0)) }
                + [("NAVIGATION", Int64(armedDevices.count))])
    }

    static let phaseType = EnumType(
        "Regolith.DescentPhase", representation: .u8,
        constants: DescentPhase.allCases.map { ("\($0)", Int64($0.rawValue)) })

    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        if localID == Parameter.ignitionPointing.rawValue { ignitionPointing = value.doubleValue * Double.pi / 180 }
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .startDescent:
            guard controller.phase == .standby else { return .executionError }
            for (i, d) in armedDevices.enumerated() {
                let h = d.health()
                if h != 0 {
                    armingFailures &+= 1
                    ports.log(Event.armingCheckFailed, .enumeration(Int32(i)), .enumeration(Int32(h)))
                    return .executionError
                }
            }
            guard nav.initialized, nav.imuValid else {
                armingFailures &+= 1
                ports.log(Event.armingCheckFailed, .enumeration(Int32(armedDevices.count)), .enumeration(nav.initialized ? 2 : 1))
                return .executionError
            }
            ports.log(Event.armingPassed)
            if let m = modes, let d = m.index(of: "DESCENT") { _ = m.request(d, reason: .flightSoftware) }
            startTime = command.time
            controller.ignite(at: seconds(command.time))
            return .ok
        case .abortDescent:
            controller.abort(at: seconds(command.time))
            burn = nil
            ports.log(Event.aborted, .f64(nav.altitude))
            return .ok
        case .safeLanding:
            let from = controller.phase
            guard controller.beginSafeLanding(at: seconds(command.time)) else {
                ports.log(Event.safeLandingRefused, .enumeration(Int32(from.rawValue)))
                return .executionError
            }
            if from != .safeLanding { ports.log(Event.safeLandingStarted, .f64(nav.altitude - legHeight), .f64(thrustScale)) }
            return .ok
        case .executeBurn:
            let b = DeltaVBurn(targetDeltaV: command.arguments[0].doubleValue, plannedDuration: command.arguments[1].doubleValue)
            if let refusal = b.check(imuValid: nav.imuValid && nav.specificForce.isFinite) {
                if refusal == .cutOffSensorInvalid { ports.log(Event.burnRefused) }
                return .executionError
            }
            guard controller.phase == .standby || controller.phase == .landed || controller.phase == .aborted else { return .busy }
            burn = b
            ports.log(Event.burnStarted, .f64(b.targetDeltaV))
            return .ok
        case nil:
            return .invalidOpcode
        }
    }

    func seconds(_ t: FlightTime) -> Double { Double(t.nanoseconds) / 1e9 }

    public func tick(_ context: TickContext) {
        if let n = navigation.receive() { nav = n }
        if let l = legs.receive() { contacts = l.validContacts }
        if let a = attitudeStatus.receive(), a.valid { pointingError = a.pointingError }
        let now = seconds(context.time)
        updateThrustScale(engineStatus.receive(), now: now, dt: context.period.seconds)

        if var b = burn {
            let ending = b.update(specificForce: nav.imuValid && nav.specificForce.isFinite ? nav.specificForce : nil, dt: context.period.seconds)
            burn = b
            if let ending {
                burn = nil
                let code: Int32 = ending == .deltaVReached ? 0 : ending == .backstop ? 1 : 2
                ports.log(Event.burnEnded, .i32(code), .f64(b.measuredDeltaV), .f64(b.elapsed))
                engineDemand.publish(.safe)
            } else {
                engineDemand.publish(.burn(thrust: controller.vehicle.maxThrust))
                attitudeDemand.publish(.holdAttitude)
            }
            ports.write(Channel.burnDeltaV, .f64(b.measuredDeltaV))
        }
        ports.write(Channel.burnActive, .bool(burn != nil))

        if controller.phase != .standby {
            let position = nav.position
            let r = Missions.length(position)
            let g = r > 0 ? -gm / (r * r * r) * position : .zero
            let inputs = DescentController.Inputs(
                time: now, position: position, velocity: nav.velocity, gravity: g, mass: nav.mass,
                footHeight: nav.altitude - legHeight, groundSlope: nav.groundSlope.isFinite ? nav.groundSlope : nil,
                groundDownhill: nav.groundSlope.isFinite ? nav.groundDownhill : nil,
                legsInContact: contacts, specificForce: nav.specificForce.isFinite ? nav.specificForce : nil, thrustScale: thrustScale)
            let movesBefore = controller.lateralMoves
            let demand = controller.update(inputs)
            if controller.lateralMoves > movesBefore {
                ports.log(Event.hazardMove, .enumeration(Int32(controller.phase.rawValue)), .f64(nav.altitude), .f64(nav.groundSlope * 180 / Double.pi))
            }
            if demand.on {
                attitudeDemand.publish(AttitudeDemand(axis: demand.direction))
                // Hold ignition until the thrust axis (navigation's attitude; the attitude unit's
                // own report must agree) points where guidance wants it.
                let axis = nav.quaternion.rotate([0, 0, 1])
                let off = arcCosine(max(-1, min(1, Missions.dot(axis, demand.direction))))
                let aligned = off <= ignitionPointing && pointingError <= ignitionPointing
                if !ignited, !aligned, let start = startTime, context.time.since(start).seconds < 60 {
                    engineDemand.publish(EngineThrustDemand(arm: true, fire: false, thrust: 0))
                } else {
                    if !ignited { ignitionTime = now }
                    ignited = true
                    engineDemand.publish(.burn(thrust: demand.thrust))
                }
                lastThrust = demand.thrust
                if demand.saturated {
                    saturations &+= 1
                    ports.log(Event.saturated, .f64(demand.thrust))
                }
            } else if burn == nil {
                engineDemand.publish(controller.phase == .aborted ? .shutdownNow : .safe)
                attitudeDemand.publish(.holdAttitude)
                lastThrust = 0
            }
        }
        if controller.phase != lastPhase {
            lastPhase = controller.phase
            if phaseLog.count < phaseLog.capacity { phaseLog.append((now, lastPhase)) }
            ports.log(Event.phaseChanged, .enumeration(Int32(lastPhase.rawValue)), .f64(nav.altitude))
            if lastPhase == .landed { ports.log(Event.landed, .u8(UInt8(clamping: contacts))) }
            if let m = modes {
                switch lastPhase {
                case .landed: if let l = m.index(of: "LANDED") { _ = m.request(l, reason: .flightSoftware) }
                case .aborted: m.enterSafe(reason: .flightSoftware)
                default: break
                }
            }
        }
        ports.write(Channel.phase, .enumeration(Int32(controller.phase.rawValue)))
        ports.write(Channel.timeToGo, .f64(controller.timeToGo))
        ports.write(Channel.thrustDemand, .f64(lastThrust))
        ports.write(Channel.saturations, .u32(saturations))
        ports.write(Channel.lateralMoves, .u32(UInt32(clamping: controller.lateralMoves)))
        ports.write(Channel.armingFailures, .u32(armingFailures))
        ports.write(Channel.ignited, .bool(ignited))
        ports.write(Channel.thrustScale, .f64(thrustScale))
    }

    /// The engine's measured thrust over what it should give now: the command passed through
    /// the engine's first-order lag, so a throttle step is not taken for a loss. Updated only
    /// with a valid measurement, the valve open and at least 20 % of the rated thrust expected
    /// (the engine driver's deficit rule); filtered; kept within 0.05...1.5.
    func updateThrustScale(_ sample: EngineStatusSample?, now: Double, dt: Double) {
        let commanded = ignited && controller.phase != .aborted ? lastThrust : 0
        expectedThrust += (commanded - expectedThrust) * min(dt / Self.engineTimeConstant, 1)
        guard let s = sample, s.thrustValid, s.isFiring, expectedThrust >= 0.2 * controller.vehicle.maxThrust else { return }
        // The status comes at its own rate (50 Hz from the simulator): filter over the time
        // since the last measurement used, at most 1 s.
        let since = min(max(now - (thrustScaleAt ?? now - dt), dt), 1)
        thrustScaleAt = now
        let ratio = min(max(s.thrust / expectedThrust, 0.05), 1.5)
        thrustScale += (ratio - thrustScale) * min(since / Self.thrustScaleTimeConstant, 1)
    }
}
