public import FlightCore

/// The rover's drive as a component: ``DriveController`` on the rover's topics. Each tick it
/// reads the latest wheel status, attitude and hazard samples the device drivers published
/// (``RoverTopics``), runs one drive cycle, and publishes the wheel speed demand the wheel
/// driver follows (rad/s per side; every wheel stopped and disabled when the drive is not
/// moving). SDD: docs/services/rover-drive.md.
///
/// Commands: `DRIVE_ARC radius distance timeout`, `DRIVE_TURN angle timeout` (degrees),
/// `DRIVE_GOTO_WAYPOINT east north timeout`, `DRIVE_STOP`, `DRIVE_SET_KEEP_OUT_CIRCLE east
/// north radius`, `DRIVE_SET_KEEP_OUT_BOX east1 north1 east2 north2`, `DRIVE_CLEAR_KEEP_OUT`,
/// `DRIVE_HEARTBEAT`. Every command the drive receives from the ground or a sequence counts
/// as contact with the ground (for the COMM_LOSS stop); one from the fault manager does not.
///
/// Every stop is one event, `DriveStopped` (reason, wheel, value, limit): what tripped it and
/// the limit it crossed (``stopMeasurement()``); the fault table tells the stops apart by the
/// reason (`event: drive.DriveStopped` with `where: {reason: TILT_OVER_LIMIT}`). With
/// ``modes`` (a fault table), the drive sets DRIVING while it moves and STANDBY when it
/// completes or stops (never out of SAFE).
public final class RoverDrive: Component {
    public enum Command: UInt32 {
        case arc = 0, turn, gotoWaypoint, stop, setKeepOutCircle, setKeepOutBox, clearKeepOut, heartbeat
    }
    public enum Channel: UInt32 {
        case state = 0, stopReason, stopWheel, east, north, heading, tilt, slip, odometer, steps, replans, hazards
        case demandLeft, demandRight, keepOutZones, completed
    }
    public enum Event: UInt32 {
        case started = 0, completed, stopped, refused, hazardFound, keepOutAdded, keepOutCleared
    }
    /// Why a command was refused (event `CommandRefused`).
    public enum Refusal: Int32, CaseIterable {
        case badArgument = 0, distanceTooLong, angleTooLarge, badTimeout, startInKeepOut, goalInKeepOut, goalOutOfRange, noRoute, tooManyLegs, keepOutFull, badZone
    }

    public let name: String
    public var ports = ComponentPorts.unwired
    public private(set) var controller: DriveController
    /// The system mode (with a fault table): DRIVING while the drive moves, STANDBY when
    /// it is idle or stopped. Modes the component does not have are left alone.
    public var modes: SystemMode? {
        didSet { modeIndices = modes.map { ($0.index(of: "STANDBY"), $0.index(of: "DRIVING")) } }
    }
    private var modeIndices: (standby: Int?, driving: Int?)?
    private let wheelStatus: Subscription<WheelStatusSample>
    private let attitude: Subscription<RoverAttitudeSample>
    private let hazard: Subscription<HazardSample>
    private let wheelDemand: Topic<WheelSpeedDemand>
    private var status = WheelStatusSample()
    private var attitudeSample = RoverAttitudeSample()
    private var hazardSample = HazardSample()
    private var lastGroundContact = 0.0
    private var lastState = DriveState.idle
    private var lastHazards = 0

    public init(name: String = "drive", controller: DriveController, topics: RoverTopics) throws(TopologyError) {
        self.name = name
        self.controller = controller
        wheelStatus = try topics.wheelStatus.subscribe(name, capacity: 1, policy: .keepLatest)
        attitude = try topics.attitude.subscribe(name, capacity: 1, policy: .keepLatest)
        hazard = try topics.hazard.subscribe(name, capacity: 1, policy: .keepLatest)
        wheelDemand = topics.wheelDemand
    }

    func seconds(_ t: FlightTime) -> Double { Double(t.nanoseconds) / 1e9 }

    func refuse(_ r: Refusal) -> CommandResponse {
        ports.log(Event.refused, .enumeration(r.rawValue))
        return .executionError
    }

    func refusal(_ r: DriveRefusal) -> Refusal {
        switch r {
        case .nonFinite: return .badArgument
        case .distanceTooLong: return .distanceTooLong
        case .angleTooLarge: return .angleTooLarge
        case .timeoutNotPositive: return .badTimeout
        case .route(let f):
            switch f {
            case .startInKeepOut: return .startInKeepOut
            case .goalInKeepOut: return .goalInKeepOut
            case .outOfRange: return .goalOutOfRange
            case .noRoute: return .noRoute
            case .tooManyLegs: return .tooManyLegs
            }
        }
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        let now = seconds(command.time)
        if command.source != .faultManager { lastGroundContact = now }
        let a = command.arguments
        let drive: (DriveCommand, Double, Int32)?
        switch Command(rawValue: command.localOpcode) {
        case .arc: drive = (.arc(radius: a[0].doubleValue, distance: a[1].doubleValue), a[2].doubleValue, 0)
        case .turn: drive = (.turn(angle: a[0].doubleValue * .pi / 180), a[1].doubleValue, 1)
        case .gotoWaypoint: drive = (.gotoWaypoint(east: a[0].doubleValue, north: a[1].doubleValue), a[2].doubleValue, 2)
        case .stop:
            controller.stop()
            return .ok
        case .setKeepOutCircle:
            guard let zone = try? KeepOutZone.circle(east: a[0].doubleValue, north: a[1].doubleValue, radius: a[2].doubleValue) else {
                return refuse(.badZone)
            }
            return addKeepOut(zone)
        case .setKeepOutBox:
            let e1 = min(a[0].doubleValue, a[2].doubleValue), e2 = max(a[0].doubleValue, a[2].doubleValue)
            let n1 = min(a[1].doubleValue, a[3].doubleValue), n2 = max(a[1].doubleValue, a[3].doubleValue)
            guard e2 > e1, n2 > n1,
                  let zone = try? KeepOutZone.polygon(FourCorners(SIMD2(e1, n1), SIMD2(e2, n1), SIMD2(e2, n2), SIMD2(e1, n2)))
            else { return refuse(.badZone) }
            return addKeepOut(zone)
        case .clearKeepOut:
            controller.clearKeepOut()
            ports.log(Event.keepOutCleared)
            return .ok
        case .heartbeat:
            return .ok
        case nil:
            return .invalidOpcode
        }
        guard let (c, timeout, kind) = drive else { return .invalidOpcode }
        do {
            try controller.start(c, at: now, timeout: timeout)
        } catch {
            return refuse(refusal(error))
        }
        ports.log(Event.started, .enumeration(kind))
        lastState = controller.state
        followMode()
        return .ok
    }

    func addKeepOut(_ zone: KeepOutZone) -> CommandResponse {
        do {
            try controller.addKeepOut(zone)
        } catch {
            return refuse(.keepOutFull)
        }
        ports.log(Event.keepOutAdded, .u32(UInt32(controller.keepOut.count)))
        return .ok
    }

    public func tick(_ context: TickContext) {
        if let s = wheelStatus.receive() { status = s }
        if let s = attitude.receive() { attitudeSample = s }
        if let s = hazard.receive() { hazardSample = s }
        var ticks = WheelSet<Int>(repeating: 0)
        for i in 0..<6 { ticks[i] = Int(truncatingIfNeeded: status.encoderTicks[i]) }
        let wheelsValid = status.sequence > 0 && status.valid == WheelStatusSample.allWheels
        func beam(_ b: Int) -> Double? {
            guard let r = hazardSample.clearance(b), r.isFinite else { return nil }
            return r
        }
        let input = DriveController.Inputs(
            time: seconds(context.time),
            encoders: .init(sequence: Int(status.sequence), valid: wheelsValid, value: ticks),
            motors: .init(sequence: Int(status.sequence), valid: wheelsValid, value: .init(
                currents: status.current, overCurrentFlags: status.overCurrent, stallFlags: status.stall)),
            attitude: .init(sequence: Int(attitudeSample.sequence), valid: attitudeSample.inclinometerValid && attitudeSample.gyroValid,
                            value: .init(roll: attitudeSample.roll, pitch: attitudeSample.pitch, headingRate: attitudeSample.headingRate)),
            hazard: .init(sequence: Int(hazardSample.sequence), valid: hazardSample.sequence > 0 && hazardSample.valid != 0,
                          value: HazardRanges(left: beam(0), centre: beam(1), right: beam(2))),
            lastGroundContact: lastGroundContact)
        let d = controller.update(input)
        let r = controller.configuration.geometry.wheelRadius
        wheelDemand.publish(d.isStill ? .stop : .sides(left: d.left / r, right: d.right / r))

        if controller.state != lastState {
            if controller.state == .stopped {
                let (value, limit) = stopMeasurement(at: seconds(context.time))
                ports.log(Event.stopped, EventArguments(
                    .enumeration(Int32(controller.stopReason.rawValue)), .i32(Int32(controller.stopWheel)), .f64(value), .f64(limit)))
            } else if controller.state == .idle {
                ports.log(Event.completed, .f64(controller.navigation.east), .f64(controller.navigation.north))
            }
            lastState = controller.state
            followMode()
        }
        if controller.hazardsSeen != lastHazards {
            lastHazards = controller.hazardsSeen
            let h = controller.lastHazard
            ports.log(Event.hazardFound, .enumeration(Int32(h.kind.rawValue)), .f64(h.location.x), .f64(h.location.y))
        }
        let nav = controller.navigation
        ports.write(Channel.state, .enumeration(Int32(controller.state.rawValue)))
        ports.write(Channel.stopReason, .enumeration(Int32(controller.stopReason.rawValue)))
        ports.write(Channel.stopWheel, .i32(Int32(controller.stopWheel)))
        ports.write(Channel.east, .f64(nav.east))
        ports.write(Channel.north, .f64(nav.north))
        ports.write(Channel.heading, .f64(nav.heading * 180 / .pi))
        ports.write(Channel.tilt, .f64(nav.tilt * 180 / .pi))
        ports.write(Channel.slip, .f64(nav.slip))
        ports.write(Channel.odometer, .f64(nav.odometer))
        ports.write(Channel.steps, .u32(UInt32(clamping: controller.steps)))
        ports.write(Channel.replans, .u32(UInt32(clamping: controller.replans)))
        ports.write(Channel.hazards, .u32(UInt32(clamping: controller.hazardsSeen)))
        ports.write(Channel.demandLeft, .f64(d.left))
        ports.write(Channel.demandRight, .f64(d.right))
        ports.write(Channel.keepOutZones, .u32(UInt32(clamping: controller.keepOut.count)))
        ports.write(Channel.completed, .u32(UInt32(clamping: controller.completed)))
    }
}

extension RoverDrive {
    /// What tripped the stop and the limit it crossed, for `DriveStopped`: tilt and its limit
    /// (deg), slip and its limit (0...1), the wheel's current and the over-current limit or
    /// the unloaded threshold (A; a stall has no current limit), the command's timeout, the
    /// time without contact and the COMM_LOSS timeout, the sensor timeout (s). NaN where a
    /// stop has no such value: commanded, hazard and keep-out stops have neither.
    func stopMeasurement(at now: Double) -> (value: Double, limit: Double) {
        let c = controller.configuration, wheel = controller.stopWheel
        let current = (0..<6).contains(wheel) ? status.current[wheel] : .nan
        switch controller.stopReason {
        case .tiltOverLimit: return (controller.navigation.tilt * 180 / .pi, c.tiltLimit * 180 / .pi)
        case .slipOverLimit: return (controller.navigation.slip, c.slipLimit)
        case .motorOverCurrent: return (current, c.overCurrentLimit)
        case .wheelStalled: return (current, .nan)
        case .groundContactLost: return (current, c.noLoadCurrent + c.unloadedMargin)
        case .commandTimeout: return (.nan, controller.commandTimeout)
        case .commLoss: return (now - lastGroundContact, c.commLossTimeout)
        case .sensorsInvalid: return (.nan, c.sensorTimeout)
        case .none, .commanded, .hazard, .keepOut: return (.nan, .nan)
        }
    }

    /// DRIVING while the drive moves, STANDBY when idle or stopped; nothing in SAFE (which
    /// only EXIT_SAFE leaves).
    func followMode() {
        guard let m = modes, let i = modeIndices, !m.isSafe else { return }
        let moving = controller.state == .turning || controller.state == .driving || controller.state == .assessing
        if let target = moving ? i.driving : i.standby, target != m.current { _ = m.request(target, reason: .flightSoftware) }
    }
}

/// Four points as a collection, without an array.
struct FourCorners: RandomAccessCollection {
    let a, b, c, d: SIMD2<Double>
    init(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, _ d: SIMD2<Double>) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }
    var startIndex: Int { 0 }
    var endIndex: Int { 4 }
    subscript(i: Int) -> SIMD2<Double> { i == 0 ? a : (i == 1 ? b : (i == 2 ? c : d)) }
}
