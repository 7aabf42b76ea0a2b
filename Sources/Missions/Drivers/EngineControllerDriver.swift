public import Devices
public import FlightCore

/// The descent engine controller's flight driver. It follows an ``EngineThrustDemand`` topic
/// (or, by command, a manual setting or a shutdown), turns it into ENGINE_CMD messages, and
/// publishes each ENGINE_STATUS as an ``EngineStatusSample``.
///
/// Commands to the controller (docs/devices.md, the controller's rules):
/// - a shutdown demand sends `Shutdown`; while the controller reports its shutdown latch and
///   a burn is wanted again, the driver first sends a safe command (disarmed, valve closed),
///   which clears the latch;
/// - a burn (arm and fire) sends `ArmCmd` with the valve on HOLD until the status reports the
///   controller armed, then the valve OPEN with the throttle: arming and firing are two
///   commands, as the controller requires. Once armed, a stale status does not close the
///   valve (the last known state holds);
/// - thrust (N) becomes throttle (% of RATED_THRUST), clamped to 0...100 %;
/// - a command goes when it differs from the last one sent or COMMAND_PERIOD has passed,
///   each with a new counter. The status's `CmdCounter` acknowledges it; a command left
///   unacknowledged for ACK_TIMEOUT (refused by the controller, or lost) is reported.
public final class EngineControllerDriver: Component {
    /// What the driver follows.
    public enum Source: Int32, Sendable {
        /// The ``EngineThrustDemand`` topic.
        case demand = 0
        /// The setting of the last ENGINE_MANUAL command.
        case manual = 1
        /// ENGINE_SHUTDOWN: shut down until ENGINE_FOLLOW_DEMAND.
        case shutdown = 2

        static let enumType = EnumType(
            "Regolith.EngineDriverSource", representation: .u8,
            constants: [("DEMAND", 0), ("MANUAL", 1), ("SHUTDOWN", 2)])
    }

    enum Command: UInt32 { case shutdown = 0x20, followDemand = 0x21, manual = 0x22 }
    enum Channel: UInt32 {
        case source = 0x20, commandsSent, lastCommandCounter, acknowledged, ackTimeouts, throttle
        case thrust, chamberPressure, armed, valve, shutdownLatched, faults, demands, invalidDemands, thrustClamped
        case thrustDeficit
    }
    enum Event: UInt32 { case sourceChanged = 0x20, notAcknowledged, engineFaults, invalidDemand, thrustDeficit, thrustRecovered }
    enum Parameter: UInt32 { case ratedThrust = 0x20, commandPeriod, ackTimeout }

    public static let defaultStaleTimeout = FlightDuration.milliseconds(100)

    public let name: String
    public var ports = ComponentPorts.unwired
    public let endpoint: DeviceEndpoint
    public let topic: Topic<EngineStatusSample>
    private let demands: Subscription<EngineThrustDemand>
    var monitor: DriverMonitor
    private let initial: (stale: FlightDuration, rated: Double)
    private var assembler = SampleAssembler(parts: 1)
    private var published: UInt32 = 0
    public private(set) var latest: EngineStatusSample?

    // Parameters.
    public private(set) var ratedThrust: Double
    private var commandPeriod = FlightDuration.milliseconds(100)
    private var ackTimeout = FlightDuration.milliseconds(250)
    private var parametersRead = false

    // What to follow.
    public private(set) var source = Source.demand
    private var demand = EngineThrustDemand.safe
    private var manual = (arm: false, fire: false, throttle: 0.0)

    // Commands sent and acknowledged.
    private var counter: UInt8 = 0
    /// The last command sent (nil before the first).
    public private(set) var lastSent: EngineControllerCommand?
    private var lastSentAt: FlightTime?
    /// The oldest counter sent and not yet acknowledged, and when it was sent.
    private var unacknowledged: (counter: UInt8, since: FlightTime)?
    private var ackReported = false
    private var reportedFaults: UInt8 = 0
    /// Since when the measured thrust has been under ``deficitFraction`` of the commanded
    /// (nil: it is not), and whether that has been reported.
    private var deficitSince: FlightTime?
    /// Whether the engine is giving less thrust than commanded (the SLIM case): the measured
    /// thrust under ``deficitFraction`` of the command for ``deficitPersistence``, with the
    /// valve open at no less than ``deficitMinimumThrottle``.
    public private(set) var thrustDeficit = false
    /// Measured over commanded thrust under which the engine is short.
    public static let deficitFraction = 0.8
    /// Long enough for the engine's lag (tau 0.2 s) to follow any throttle step.
    public static let deficitPersistence = FlightDuration.seconds(1)
    public static let deficitMinimumThrottle = 20.0
    /// Something the own channels show changed since they were last written.
    private var telemetryChanged = true

    // Counts.
    private var commandsSent: UInt32 = 0
    private var ackTimeouts: UInt32 = 0
    private var demandsReceived: UInt32 = 0
    private var invalidDemands: UInt32 = 0
    private var thrustClamped: UInt32 = 0

    /// - Parameters:
    ///   - demand: the topic the driver follows (it subscribes, keep-latest).
    ///   - ratedThrust: 100 % throttle, N (RATED_THRUST's default): 7,500 N for a Chang'e-class
    ///     engine, 45,040 N for the Apollo DPS.
    public init(
        name: String = "engine", link: DeviceEndpoint.Link, publishing topic: Topic<EngineStatusSample>,
        following demand: Topic<EngineThrustDemand>, ratedThrust: Double = 7_500,
        staleTimeout: FlightDuration = defaultStaleTimeout, maxMessagesPerTick: Int = 64
    ) throws(TopologyError) {
        self.name = name
        self.topic = topic
        demands = try demand.subscribe(name, capacity: 1, policy: .keepLatest)
        endpoint = DeviceEndpoint(link: link, filter: .ids([EngineControllerStatus.id]))
        initial = (staleTimeout, min(max(ratedThrust, 1), 65_535))
        self.ratedThrust = initial.rated
        monitor = DriverMonitor(staleTimeout: staleTimeout, maxMessagesPerTick: maxMessagesPerTick)
    }

    public var health: DeviceHealth { monitor.health }

    public var definition: ComponentDefinition {
        let source = FlightType.enumeration(Source.enumType)
        return DriverMonitor.definition(
            kind: "EngineControllerDriver",
            summary: "Descent engine controller driver: EngineThrustDemand (or manual commands) into ENGINE_CMD; ENGINE_STATUS into EngineStatusSample",
            staleTimeout: initial.stale,
            commands: [
                CommandDefinition(Command.shutdown.rawValue, "ENGINE_SHUTDOWN", summary: "Shut the engine down now and keep it shut down (the demand topic is ignored) until ENGINE_FOLLOW_DEMAND"),
                CommandDefinition(Command.followDemand.rawValue, "ENGINE_FOLLOW_DEMAND", summary: "Follow the EngineThrustDemand topic again"),
                CommandDefinition(
                    Command.manual.rawValue, "ENGINE_MANUAL",
                    arguments: [
                        .init("arm", .bool, summary: "Arm the controller"),
                        .init("fire", .bool, summary: "Open the valve (needs arm)"),
                        .init("throttle", .f64, range: 0...100, units: "%", summary: "Throttle, % of rated thrust"),
                    ],
                    hazardous: true, summary: "Bench: command the engine directly until ENGINE_FOLLOW_DEMAND or ENGINE_SHUTDOWN"),
            ],
            channels: [
                ChannelDefinition(Channel.source.rawValue, "Source", source, update: .onChange, summary: "What the driver follows"),
                ChannelDefinition(Channel.commandsSent.rawValue, "CommandsSent", .u32, update: .onChange),
                ChannelDefinition(Channel.lastCommandCounter.rawValue, "LastCommandCounter", .u8, update: .onChange),
                ChannelDefinition(Channel.acknowledged.rawValue, "CommandAcknowledged", .bool, update: .onChange, summary: "The status echoes the last command's counter"),
                ChannelDefinition(Channel.ackTimeouts.rawValue, "AckTimeouts", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Commands left unacknowledged past ACK_TIMEOUT"),
                ChannelDefinition(Channel.throttle.rawValue, "ThrottleCommand", .f64, units: "%"),
                ChannelDefinition(Channel.thrust.rawValue, "Thrust", .f64, units: "N"),
                ChannelDefinition(Channel.chamberPressure.rawValue, "ChamberPressure", .f64, units: "Pa"),
                ChannelDefinition(Channel.armed.rawValue, "Armed", .bool, update: .onChange),
                ChannelDefinition(Channel.valve.rawValue, "Valve", .enumeration(EngineValve.enumType), update: .onChange),
                ChannelDefinition(Channel.shutdownLatched.rawValue, "ShutdownLatched", .bool, update: .onChange),
                ChannelDefinition(Channel.faults.rawValue, "Faults", .u8, update: .onChange, summary: "ENGINE_STATUS FaultFlags"),
                ChannelDefinition(Channel.demands.rawValue, "DemandsReceived", .u32, update: .onChange),
                ChannelDefinition(Channel.invalidDemands.rawValue, "InvalidDemands", .u32, update: .onChange, summary: "Demands with a thrust that is not a finite, non-negative number (used as 0 N)"),
                ChannelDefinition(Channel.thrustClamped.rawValue, "ThrustClamped", .u32, update: .onChange, summary: "Commands sent whose thrust was clamped to RATED_THRUST"),
                ChannelDefinition(Channel.thrustDeficit.rawValue, "ThrustDeficit", .bool, update: .onChange, summary: "Measured thrust under 80 % of the commanded for 1 s with the valve open (throttle >= 20 %)"),
            ],
            events: [
                EventDefinition(Event.sourceChanged.rawValue, "SourceChanged", .activityHigh, arguments: [.init("source", source)], format: "Engine driver now follows {}"),
                EventDefinition(Event.notAcknowledged.rawValue, "CommandNotAcknowledged", .warningHigh, arguments: [.init("counter", .u8), .init("waited", .f64, units: "s")], format: "Engine controller has not acknowledged command {} after {} s", throttle: EventThrottle(count: 10, window: .seconds(60))),
                EventDefinition(Event.engineFaults.rawValue, "EngineFaults", .warningHigh, arguments: [.init("faults", .u8)], format: "Engine controller reports fault flags {} (bit 0 overpressure, 1 flameout, 2 valve, 3 sensor, 4 ignition)", throttle: EventThrottle(count: 10, window: .seconds(60))),
                EventDefinition(Event.thrustDeficit.rawValue, "ThrustDeficit", .warningHigh, arguments: [.init("measured", .f64, units: "N"), .init("commanded", .f64, units: "N")], format: "Engine gives {} N of the {} N commanded"),
                EventDefinition(Event.thrustRecovered.rawValue, "ThrustRecovered", .activityHigh, arguments: [.init("measured", .f64, units: "N"), .init("commanded", .f64, units: "N")], format: "Engine thrust back to {} N of the {} N commanded"),
                EventDefinition(Event.invalidDemand.rawValue, "InvalidDemand", .warningLow, arguments: [.init("thrust", .f64, units: "N")], format: "Engine demand of {} N is not usable; 0 N commanded", throttle: EventThrottle(count: 10, window: .seconds(60))),
            ],
            parameters: [
                ParameterDefinition(Parameter.ratedThrust.rawValue, "RATED_THRUST", .f64, default: .f64(initial.rated), range: 1...65_535, units: "N", summary: "Thrust at 100 % throttle"),
                ParameterDefinition(Parameter.commandPeriod.rawValue, "COMMAND_PERIOD", .f64, default: .f64(0.1), range: 0.005...1, units: "s", summary: "An unchanged command is repeated this often"),
                ParameterDefinition(Parameter.ackTimeout.rawValue, "ACK_TIMEOUT", .f64, default: .f64(0.25), range: 0.01...10, units: "s", summary: "A command not acknowledged by the status within this is reported"),
            ])
    }

    // MARK: Tick

    public func tick(_ context: TickContext) {
        let time = context.time
        monitor.begin(time, ports: ports)
        readParameters()
        var n = 0
        while n < monitor.maxMessagesPerTick, let m = endpoint.receive() {
            n += 1
            if case .engineStatus(let s) = m { consume(s, at: time) }
        }
        while let d = demands.receive() {
            demandsReceived &+= 1
            demand = d
            telemetryChanged = true
        }
        command(at: time)
        if let u = unacknowledged, !ackReported, time.since(u.since) > ackTimeout {
            ackReported = true
            ackTimeouts &+= 1
            telemetryChanged = true
            ports.log(Event.notAcknowledged, .u8(u.counter), .f64(time.since(u.since).seconds))
        }
        if monitor.end(time, endpoint: endpoint, drainLimited: n == monitor.maxMessagesPerTick, ports: ports) {
            assembler.reset()
        }
        if telemetryChanged {
            telemetryChanged = false
            writeTelemetry()
        }
    }

    private func readParameters() {
        guard !parametersRead, ports.isWired else { return }
        parametersRead = true
        apply(.ratedThrust, ports.parameter(Parameter.ratedThrust))
        apply(.commandPeriod, ports.parameter(Parameter.commandPeriod))
        apply(.ackTimeout, ports.parameter(Parameter.ackTimeout))
    }

    private func consume(_ s: EngineControllerStatus, at time: FlightTime) {
        let o = assembler.offer(part: 0, counter: s.counter)
        monitor.note(o, counter: s.counter, ports: ports)
        guard o.completes else { return }
        acknowledge(s.commandCounter)
        var sample = EngineStatusSample()
        published &+= 1
        sample.time = time.nanoseconds
        sample.thrust = s.thrust
        sample.chamberPressure = s.chamberPressure * 1e6
        sample.valve = EngineValve(rawValue: s.valve.rawValue) ?? .fault
        sample.armed = s.armed
        sample.shutdownLatched = s.shutdown
        sample.thrustValid = s.thrustValid
        sample.pressureValid = s.pressureValid
        sample.faults = s.faults.rawValue
        sample.commandCounter = s.commandCounter
        sample.commandAcknowledged = lastSent.map { $0.counter == s.commandCounter } ?? false
        sample.sequence = published
        sample.deviceCounter = s.counter
        monitor.fresh(at: time, valid: s.thrustValid || s.pressureValid)
        topic.publish(sample)
        latest = sample
        telemetryChanged = true
        if sample.faults != reportedFaults {
            reportedFaults = sample.faults
            if sample.faults != 0 { ports.log(Event.engineFaults, .u8(sample.faults)) }
        }
        checkThrust(sample, at: time)
    }

    /// Compares the measured thrust with the last command (see ``thrustDeficit``); a deficit
    /// clears once the thrust is back to 90 % of the command.
    private func checkThrust(_ s: EngineStatusSample, at time: FlightTime) {
        guard let c = lastSent, s.thrustValid, c.valve == .open || c.valve == .hold, s.valve == .open,
            c.throttle >= Self.deficitMinimumThrottle
        else {
            deficitSince = nil
            return
        }
        let commanded = c.throttle / 100 * ratedThrust
        if s.thrust < Self.deficitFraction * commanded {
            let since = deficitSince ?? time
            deficitSince = since
            if !thrustDeficit, time.since(since) >= Self.deficitPersistence {
                thrustDeficit = true
                telemetryChanged = true
                ports.log(Event.thrustDeficit, .f64(s.thrust), .f64(commanded))
            }
        } else {
            deficitSince = nil
            if thrustDeficit, s.thrust >= 0.9 * commanded {
                thrustDeficit = false
                telemetryChanged = true
                ports.log(Event.thrustRecovered, .f64(s.thrust), .f64(commanded))
            }
        }
    }

    /// The status echoes `echo`, the counter of the last command the controller accepted.
    private func acknowledge(_ echo: UInt8) {
        guard let u = unacknowledged, let last = lastSent?.counter else { return }
        // Counters from the oldest unacknowledged one up to the last sent are pending.
        let pending = last &- u.counter
        let position = echo &- u.counter
        guard position <= pending else { return }
        ackReported = false
        unacknowledged = echo == last ? nil : (echo &+ 1, u.since)
    }

    /// Works out the command wanted now and sends it if it is new or due again.
    private func command(at time: FlightTime) {
        wantClamped = false
        let want = wanted(at: time)
        let changed = lastSent.map { $0.throttle != want.throttle || $0.valve != want.valve || $0.arm != want.arm || $0.shutdown != want.shutdown } ?? true
        let due = lastSentAt.map { time.since($0) >= commandPeriod } ?? true
        guard changed || due else { return }
        counter &+= 1
        var c = want
        c.counter = counter
        guard endpoint.send(.engineCommand(c)) == .sent else { return }  // counted by the endpoint; reported by the monitor
        commandsSent &+= 1
        if wantClamped { thrustClamped &+= 1 }
        telemetryChanged = true
        lastSent = c
        lastSentAt = time
        if unacknowledged == nil { unacknowledged = (counter, time) }
    }

    private func wanted(at time: FlightTime) -> EngineControllerCommand {
        var arm: Bool, fire: Bool, throttle: Double
        switch source {
        case .shutdown:
            return EngineControllerCommand(shutdown: true, counter: 0)
        case .manual:
            (arm, fire, throttle) = manual
        case .demand:
            if demand.shutdown { return EngineControllerCommand(shutdown: true, counter: 0) }
            arm = demand.arm
            fire = demand.arm && demand.fire
            throttle = throttlePercent(demand.thrust)
        }
        let status = latest
        if status?.shutdownLatched == true {
            // Only a safe command is accepted while latched, and it clears the latch.
            return EngineControllerCommand(counter: 0)
        }
        guard arm else { return EngineControllerCommand(counter: 0) }
        guard fire else { return EngineControllerCommand(valve: .closed, arm: true, counter: 0) }
        // Open only once the controller reports itself armed; until then arm and hold.
        let armed = status?.armed ?? false
        return EngineControllerCommand(throttle: throttle, valve: armed ? .open : .hold, arm: true, counter: 0)
    }

    private var lastInvalidDemandReported = false
    /// The command wanted now had its thrust clamped to RATED_THRUST.
    private var wantClamped = false

    private func throttlePercent(_ thrust: Double) -> Double {
        guard thrust.isFinite, thrust >= 0 else {
            if !lastInvalidDemandReported {
                invalidDemands &+= 1
                telemetryChanged = true
                ports.log(Event.invalidDemand, .f64(thrust))
                lastInvalidDemandReported = true
            }
            return 0
        }
        lastInvalidDemandReported = false
        if thrust > ratedThrust {
            wantClamped = true
            return 100
        }
        return thrust / ratedThrust * 100
    }

    private func writeTelemetry() {
        ports.write(Channel.source, .enumeration(source.rawValue))
        ports.write(Channel.commandsSent, .u32(commandsSent))
        ports.write(Channel.lastCommandCounter, .u8(lastSent?.counter ?? 0))
        ports.write(Channel.acknowledged, .bool(latest?.commandAcknowledged ?? false))
        ports.write(Channel.ackTimeouts, .u32(ackTimeouts))
        ports.write(Channel.throttle, .f64(lastSent?.throttle ?? 0))
        ports.write(Channel.demands, .u32(demandsReceived))
        ports.write(Channel.invalidDemands, .u32(invalidDemands))
        ports.write(Channel.thrustClamped, .u32(thrustClamped))
        ports.write(Channel.thrustDeficit, .bool(thrustDeficit))
        guard let s = latest else { return }
        ports.write(Channel.thrust, .f64(s.thrust))
        ports.write(Channel.chamberPressure, .f64(s.chamberPressure))
        ports.write(Channel.armed, .bool(s.armed))
        ports.write(Channel.valve, .enumeration(Int32(s.valve.rawValue)))
        ports.write(Channel.shutdownLatched, .bool(s.shutdownLatched))
        ports.write(Channel.faults, .u8(s.faults))
    }

    // MARK: Commands and parameters

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        if let r = monitor.handle(command, endpoint: endpoint, ports: ports, resync: { assembler.reset() }) { return r }
        switch Command(rawValue: command.localOpcode) {
        case .shutdown:
            follow(.shutdown)
        case .followDemand:
            follow(.demand)
        case .manual:
            guard case .bool(let arm) = command.arguments[0], case .bool(let fire) = command.arguments[1],
                case .f64(let throttle) = command.arguments[2], throttle.isFinite
            else { return .validationError }
            manual = (arm, fire, min(max(throttle, 0), 100))
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
        case .ratedThrust: ratedThrust = v
        case .commandPeriod: commandPeriod = .seconds(v)
        case .ackTimeout: ackTimeout = .seconds(v)
        }
    }
}
