public import Devices
public import FlightCore

/// The flight driver of the rover's six wheel motor controllers, as one component on one
/// link (a CAN bus they share, or a byte link to a multi-drop hub). It follows a
/// ``WheelSpeedDemand`` topic (or, by command, a manual setting or a stop), sends one
/// WHEELn_CMD per wheel, and publishes the six WHEELn_STATUS as one ``WheelStatusSample``.
///
/// - Each wheel's status has its own counter and its own stale timer: one silent wheel makes
///   the driver STALE (the sample's `fresh` mask says which), one wheel's invalid status makes
///   it INVALID.
/// - Commands go when they differ from the last sent or COMMAND_PERIOD has passed (the
///   controllers stop a wheel after 0.5 s without a command), each round with a new counter.
///   Speeds are clamped to MAX_SPEED; a speed that is not a finite number is sent as 0.
/// - With no demand for DEMAND_TIMEOUT (rover drive stopped publishing), the driver stops
///   every wheel and reports it; the next demand is followed again.
/// - Encoder counts are unwrapped from 24 bits into a running count per wheel (odometry).
public final class WheelMotorsDriver: Component {
    public enum Source: Int32, Sendable {
        case demand = 0, manual = 1, stopped = 2

        static let enumType = EnumType(
            "Regolith.WheelDriverSource", representation: .u8,
            constants: [("DEMAND", 0), ("MANUAL", 1), ("STOPPED", 2)])
    }

    enum Command: UInt32 { case stop = 0x20, followDemand = 0x21, manual = 0x22 }
    enum Channel: UInt32 {
        case source = 0x20, commandsSent, demands, invalidDemands, speedClamped, demandTimeouts
        case staleWheels, validWheels, enabledWheels, stalled, overCurrent, controllerTimeouts
    }
    enum Event: UInt32 { case sourceChanged = 0x20, demandTimedOut, wheelFaults, invalidDemand, wheelStale }
    enum Parameter: UInt32 { case maxSpeed = 0x20, commandPeriod, demandTimeout }

    public static let defaultStaleTimeout = FlightDuration.milliseconds(250)
    static let wheels = WheelCommand.wheelCount

    public let name: String
    public var ports = ComponentPorts.unwired
    public let endpoint: DeviceEndpoint
    public let topic: Topic<WheelStatusSample>
    private let demands: Subscription<WheelSpeedDemand>
    var monitor: DriverMonitor
    private let initial: (stale: FlightDuration, maxSpeed: Double)
    private var assemblers = [SampleAssembler](repeating: SampleAssembler(parts: 1), count: wheels)
    private var lastFresh = [FlightTime?](repeating: nil, count: wheels)
    private var lastEncoder = [Int32?](repeating: nil, count: wheels)
    private var staging = WheelStatusSample()
    private var published: UInt32 = 0
    public private(set) var latest: WheelStatusSample?

    // Parameters.
    public private(set) var maxSpeed: Double
    private var commandPeriod = FlightDuration.milliseconds(100)
    private var demandTimeout = FlightDuration.seconds(1)
    private var parametersRead = false

    // What to follow.
    public private(set) var source = Source.demand
    private var demand = WheelSpeedDemand.stop
    private var demandAt: FlightTime?
    private var demandTimedOut = false
    private var manual = WheelSpeedDemand.stop

    // Commands.
    private var counter: UInt8 = 0
    /// The speeds and enable of the last round of commands sent (nil before the first).
    public private(set) var lastSent: WheelSpeedDemand?
    private var lastSentAt: FlightTime?
    private var reportedFaults: (stall: UInt8, overCurrent: UInt8) = (0, 0)
    private var reportedStale: UInt8 = 0
    private var invalidReported = false
    /// Something the own channels show changed since they were last written.
    private var telemetryChanged = true
    private var writtenStale: UInt8 = 0xFF

    // Counts.
    private var commandsSent: UInt32 = 0
    private var demandsReceived: UInt32 = 0
    private var invalidDemands: UInt32 = 0
    private var speedClamped: UInt32 = 0
    private var demandTimeouts: UInt32 = 0

    /// - Parameters:
    ///   - maxSpeed: MAX_SPEED's default, rad/s (the controllers refuse more than 2 rad/s).
    public init(
        name: String = "wheels", link: DeviceEndpoint.Link, publishing topic: Topic<WheelStatusSample>,
        following demand: Topic<WheelSpeedDemand>, maxSpeed: Double = 2,
        staleTimeout: FlightDuration = defaultStaleTimeout, maxMessagesPerTick: Int = 64
    ) throws(TopologyError) {
        self.name = name
        self.topic = topic
        demands = try demand.subscribe(name, capacity: 1, policy: .keepLatest)
        endpoint = DeviceEndpoint(link: link, filter: .ids((0..<Self.wheels).map { WheelStatus.id(wheel: $0) }))
        initial = (staleTimeout, min(max(maxSpeed, 0), 32))
        self.maxSpeed = initial.maxSpeed
        monitor = DriverMonitor(staleTimeout: staleTimeout, maxMessagesPerTick: maxMessagesPerTick)
    }

    public var health: DeviceHealth { monitor.health }

    public var definition: ComponentDefinition {
        let source = FlightType.enumeration(Source.enumType)
        let throttle = EventThrottle(count: 10, window: .seconds(60))
        return DriverMonitor.definition(
            kind: "WheelMotorsDriver",
            summary: "Rover wheel motor controllers driver (all six): WheelSpeedDemand (or manual commands) into WHEELn_CMD; WHEELn_STATUS into WheelStatusSample",
            staleTimeout: initial.stale,
            commands: [
                CommandDefinition(Command.stop.rawValue, "WHEELS_STOP", summary: "Stop and disable every wheel, ignoring the demand topic, until WHEELS_FOLLOW_DEMAND"),
                CommandDefinition(Command.followDemand.rawValue, "WHEELS_FOLLOW_DEMAND", summary: "Follow the WheelSpeedDemand topic again"),
                CommandDefinition(
                    Command.manual.rawValue, "WHEELS_MANUAL",
                    arguments: [
                        .init("left", .f64, range: -32...32, units: "rad/s", summary: "Wheels 0-2"),
                        .init("right", .f64, range: -32...32, units: "rad/s", summary: "Wheels 3-5"),
                    ],
                    summary: "Bench: drive the wheels directly (clamped to MAX_SPEED) until WHEELS_FOLLOW_DEMAND or WHEELS_STOP"),
            ],
            channels: [
                ChannelDefinition(Channel.source.rawValue, "Source", source, update: .onChange),
                ChannelDefinition(Channel.commandsSent.rawValue, "CommandsSent", .u32, update: .onChange, summary: "WHEELn_CMD messages sent"),
                ChannelDefinition(Channel.demands.rawValue, "DemandsReceived", .u32, update: .onChange),
                ChannelDefinition(Channel.invalidDemands.rawValue, "InvalidDemands", .u32, update: .onChange, summary: "Demands with a speed that is not a finite number"),
                ChannelDefinition(Channel.speedClamped.rawValue, "SpeedClamped", .u32, update: .onChange, summary: "Demands with a speed above MAX_SPEED"),
                ChannelDefinition(Channel.demandTimeouts.rawValue, "DemandTimeouts", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Times the demand stopped for DEMAND_TIMEOUT and the wheels were stopped"),
                ChannelDefinition(Channel.staleWheels.rawValue, "StaleWheels", .u8, update: .onChange, summary: "Bit n: wheel n sent no fresh status within STALE_TIMEOUT"),
                ChannelDefinition(Channel.validWheels.rawValue, "ValidWheels", .u8, update: .onChange),
                ChannelDefinition(Channel.enabledWheels.rawValue, "EnabledWheels", .u8, update: .onChange),
                ChannelDefinition(Channel.stalled.rawValue, "StalledWheels", .u8, update: .onChange),
                ChannelDefinition(Channel.overCurrent.rawValue, "OverCurrentWheels", .u8, update: .onChange),
                ChannelDefinition(Channel.controllerTimeouts.rawValue, "ControllerTimeouts", .u8, update: .onChange, summary: "Bit n: wheel n's controller timed out waiting for a command"),
            ],
            events: [
                EventDefinition(Event.sourceChanged.rawValue, "SourceChanged", .activityHigh, arguments: [.init("source", source)], format: "Wheel driver now follows {}"),
                EventDefinition(Event.demandTimedOut.rawValue, "DemandTimedOut", .warningHigh, arguments: [.init("waited", .f64, units: "s")], format: "No wheel speed demand for {} s: wheels stopped", throttle: throttle),
                EventDefinition(Event.wheelFaults.rawValue, "WheelFaults", .warningHigh, arguments: [.init("stalled", .u8), .init("overCurrent", .u8)], format: "Wheel faults: stalled {} over-current {} (bit n = wheel n)", throttle: throttle),
                EventDefinition(Event.invalidDemand.rawValue, "InvalidDemand", .warningLow, format: "A wheel speed demand is not a finite number; 0 rad/s sent", throttle: throttle),
                EventDefinition(Event.wheelStale.rawValue, "WheelsStale", .warningHigh, arguments: [.init("wheels", .u8)], format: "Wheels {} (bit n = wheel n) sent no fresh status within STALE_TIMEOUT", throttle: throttle),
            ],
            parameters: [
                ParameterDefinition(Parameter.maxSpeed.rawValue, "MAX_SPEED", .f64, default: .f64(initial.maxSpeed), range: 0...32, units: "rad/s", summary: "Speeds are clamped to +-MAX_SPEED"),
                ParameterDefinition(Parameter.commandPeriod.rawValue, "COMMAND_PERIOD", .f64, default: .f64(0.1), range: 0.01...0.45, units: "s", summary: "Unchanged commands are repeated this often (below the controllers' 0.5 s timeout)"),
                ParameterDefinition(Parameter.demandTimeout.rawValue, "DEMAND_TIMEOUT", .f64, default: .f64(1), range: 0.05...60, units: "s", summary: "With no demand for this long the wheels are stopped"),
            ])
    }

    // MARK: Tick

    public func tick(_ context: TickContext) {
        let time = context.time
        monitor.begin(time, ports: ports)
        readParameters()
        var n = 0
        var freshThisTick = false
        while n < monitor.maxMessagesPerTick, let m = endpoint.receive() {
            n += 1
            if case .wheelStatus(let s) = m, consume(s, at: time) { freshThisTick = true }
        }
        let stale = staleMask(at: time)
        if freshThisTick {
            published &+= 1
            staging.time = time.nanoseconds
            staging.fresh = WheelStatusSample.allWheels & ~stale
            staging.sequence = published
            monitor.fresh(at: time, valid: staging.valid & staging.fresh == staging.fresh)
            topic.publish(staging)
            latest = staging
            telemetryChanged = true
        }
        if stale != reportedStale {
            if stale & ~reportedStale != 0 { ports.log(Event.wheelStale, .u8(stale)) }
            reportedStale = stale
        }
        while let d = demands.receive() {
            demandsReceived &+= 1
            telemetryChanged = true
            demand = d
            demandAt = time
            demandTimedOut = false
        }
        command(at: time)
        let degraded: DeviceHealth? = stale != 0 ? .stale : nil
        if monitor.end(time, endpoint: endpoint, drainLimited: n == monitor.maxMessagesPerTick, degraded: degraded, ports: ports) {
            for i in 0..<Self.wheels { assemblers[i].reset() }
        }
        if telemetryChanged || stale != writtenStale {
            telemetryChanged = false
            writtenStale = stale
            writeTelemetry(stale: stale)
        }
    }

    private func readParameters() {
        guard !parametersRead, ports.isWired else { return }
        parametersRead = true
        apply(.maxSpeed, ports.parameter(Parameter.maxSpeed))
        apply(.commandPeriod, ports.parameter(Parameter.commandPeriod))
        apply(.demandTimeout, ports.parameter(Parameter.demandTimeout))
    }

    /// Takes one wheel's status; true when it was fresh.
    private func consume(_ s: WheelStatus, at time: FlightTime) -> Bool {
        let w = s.wheel
        guard w >= 0 && w < Self.wheels else { return false }
        let o = assemblers[w].offer(part: 0, counter: s.counter)
        monitor.note(o, counter: s.counter, ports: ports)
        guard o.completes else { return false }
        lastFresh[w] = time
        staging.speed[w] = s.speed
        staging.current[w] = s.current
        if let last = lastEncoder[w] { staging.encoderTicks[w] &+= WheelStatus.encoderDelta(from: last, to: s.encoderCount) }
        lastEncoder[w] = s.encoderCount
        let bit = UInt8(1) << UInt8(w)
        func set(_ flags: inout UInt8, _ on: Bool) { flags = on ? flags | bit : flags & ~bit }
        set(&staging.valid, s.valid)
        set(&staging.enabled, s.enabled)
        set(&staging.stall, s.stall)
        set(&staging.overCurrent, s.overCurrent)
        set(&staging.commandTimeout, s.commandTimeout)
        let faults = (staging.stall, staging.overCurrent)
        if faults != reportedFaults {
            if faults.0 & ~reportedFaults.stall != 0 || faults.1 & ~reportedFaults.overCurrent != 0 {
                ports.log(Event.wheelFaults, .u8(faults.0), .u8(faults.1))
            }
            reportedFaults = faults
        }
        return true
    }

    /// Wheels with no fresh status within the stale timeout (since the first tick, for a wheel
    /// never heard from).
    private func staleMask(at time: FlightTime) -> UInt8 {
        var mask: UInt8 = 0
        for w in 0..<Self.wheels where monitor.isOverdue(time, since: lastFresh[w]) {
            mask |= UInt8(1) << UInt8(w)
        }
        return mask
    }

    private func command(at time: FlightTime) {
        var want: WheelSpeedDemand
        switch source {
        case .stopped:
            want = .stop
        case .manual:
            want = manual
        case .demand:
            if let at = demandAt, time.since(at) <= demandTimeout {
                want = demand
            } else {
                if let at = demandAt, !demandTimedOut {
                    demandTimedOut = true
                    demandTimeouts &+= 1
                    telemetryChanged = true
                    ports.log(Event.demandTimedOut, .f64(time.since(at).seconds))
                }
                want = .stop
            }
        }
        want = limited(want)
        let due = lastSentAt.map { time.since($0) >= commandPeriod } ?? true
        guard want != lastSent || due else { return }
        counter &+= 1
        var sentAll = true
        for w in 0..<Self.wheels {
            let speed = want.enable ? want.speeds[w] : 0
            if endpoint.send(.wheelCommand(WheelCommand(wheel: w, speed: speed, enable: want.enable, counter: counter))) == .sent {
                commandsSent &+= 1
            } else {
                sentAll = false  // counted by the endpoint, reported by the monitor
            }
        }
        telemetryChanged = true
        if sentAll {
            lastSent = want
            lastSentAt = time
        }
    }

    /// Clamps to MAX_SPEED; a speed that is not finite becomes 0.
    private func limited(_ d: WheelSpeedDemand) -> WheelSpeedDemand {
        var d = d
        var invalid = false, clamped = false
        for w in 0..<Self.wheels {
            let v = d.speeds[w]
            if !v.isFinite {
                d.speeds[w] = 0
                invalid = true
            } else if abs(v) > maxSpeed {
                d.speeds[w] = v < 0 ? -maxSpeed : maxSpeed
                clamped = true
            }
        }
        if invalid, !invalidReported {
            invalidDemands &+= 1
            telemetryChanged = true
            ports.log(Event.invalidDemand)
        }
        invalidReported = invalid
        if clamped, d != lastSent {
            speedClamped &+= 1
            telemetryChanged = true
        }
        return d
    }

    private func writeTelemetry(stale: UInt8) {
        ports.write(Channel.source, .enumeration(source.rawValue))
        ports.write(Channel.commandsSent, .u32(commandsSent))
        ports.write(Channel.demands, .u32(demandsReceived))
        ports.write(Channel.invalidDemands, .u32(invalidDemands))
        ports.write(Channel.speedClamped, .u32(speedClamped))
        ports.write(Channel.demandTimeouts, .u32(demandTimeouts))
        ports.write(Channel.staleWheels, .u8(stale))
        ports.write(Channel.validWheels, .u8(staging.valid))
        ports.write(Channel.enabledWheels, .u8(staging.enabled))
        ports.write(Channel.stalled, .u8(staging.stall))
        ports.write(Channel.overCurrent, .u8(staging.overCurrent))
        ports.write(Channel.controllerTimeouts, .u8(staging.commandTimeout))
    }

    // MARK: Commands and parameters

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        let resync = { for i in 0..<Self.wheels { self.assemblers[i].reset() } }
        if let r = monitor.handle(command, endpoint: endpoint, ports: ports, resync: resync) { return r }
        switch Command(rawValue: command.localOpcode) {
        case .stop:
            follow(.stopped)
        case .followDemand:
            follow(.demand)
        case .manual:
            guard case .f64(let left) = command.arguments[0], case .f64(let right) = command.arguments[1] else { return .validationError }
            manual = .sides(left: left, right: right)
            follow(.manual)
        case nil:
            return .invalidOpcode
        }
        return .ok
    }

    private func follow(_ s: Source) {
        if s != source { ports.log(Event.sourceChanged, .enumeration(s.rawValue)) }
        source = s
        telemetryChanged = true
    }

    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        if monitor.parameterUpdated(localID, to: value) { return }
        if let p = Parameter(rawValue: localID) { apply(p, value) }
    }

    private func apply(_ p: Parameter, _ value: FlightValue) {
        guard case .f64(let v) = value else { return }
        switch p {
        case .maxSpeed: maxSpeed = v
        case .commandPeriod: commandPeriod = .seconds(v)
        case .demandTimeout: demandTimeout = .seconds(v)
        }
    }
}
