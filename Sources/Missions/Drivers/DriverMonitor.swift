import Devices
import FlightCore

/// The part every device driver shares: its health (``DeviceHealth``), the counts of what
/// went wrong on its link, and the commands, telemetry channels, events and parameter that
/// come with them (docs/services/device-drivers.md, "Common to every driver").
///
/// A driver calls, on each tick: ``begin(_:ports:)``, then for each message of a sample
/// ``note(_:ports:)`` with its ``SampleAssembler`` verdict and ``fresh(at:valid:)`` when a
/// sample is complete, then ``end(_:endpoint:drainLimited:ports:)``. Allocation-free: it
/// writes telemetry and logs events through the ports only.
struct DriverMonitor {
    /// Common local ids; a driver's own start at ``firstOwnID``.
    enum Command: UInt32 { case resync = 0, clearCounts = 1 }
    enum Channel: UInt32 {
        case health = 0, samples, sampleAge, repeated, missed, backwards, incomplete, invalid
        case rejected, lastRejection, ignored, sendRefused, staleCount, linkDownCount, drainLimited
    }
    enum Event: UInt32 {
        case healthDegraded = 0, healthRestored, framesRejected, sequenceAnomaly, sendsRefused, countsCleared, resynced
    }
    enum Parameter: UInt32 { case staleTimeout = 0 }
    /// Where a driver's own commands, channels, events and parameters start.
    static let firstOwnID: UInt32 = 0x20

    /// Silence after which the device is STALE.
    private(set) var staleTimeout: FlightDuration
    /// Messages taken from the endpoint per tick at most (the rest wait for the next tick).
    let maxMessagesPerTick: Int
    private(set) var health = DeviceHealth.waiting
    private var started: FlightTime?
    /// When the latest complete, fresh sample arrived.
    private(set) var lastFresh: FlightTime?
    private var latestValid = true
    private var parametersRead = false

    // Counts since the start or the last CLEAR_COUNTS.
    private(set) var samples: UInt32 = 0
    private(set) var repeated: UInt32 = 0
    private(set) var missed: UInt32 = 0
    private(set) var backwards: UInt32 = 0
    private(set) var incomplete: UInt32 = 0
    private(set) var invalid: UInt32 = 0
    private(set) var staleCount: UInt32 = 0
    private(set) var linkDownCount: UInt32 = 0
    private(set) var drainLimited: UInt32 = 0
    /// The endpoint's counts at the last CLEAR_COUNTS.
    private var base = DeviceEndpoint.Counts()
    /// The endpoint's totals at the last event about them.
    private var reportedRejected = 0
    private var reportedSendRefused = 0

    init(staleTimeout: FlightDuration, maxMessagesPerTick: Int = 64) {
        self.staleTimeout = staleTimeout
        self.maxMessagesPerTick = maxMessagesPerTick
    }

    // MARK: Definition

    /// A driver's definition: the common members, then its own (ids from ``firstOwnID``).
    static func definition(
        kind: String, summary: String, staleTimeout: FlightDuration,
        commands: [CommandDefinition] = [], channels: [ChannelDefinition] = [],
        events: [EventDefinition] = [], parameters: [ParameterDefinition] = []
    ) -> ComponentDefinition {
        let health = FlightType.enumeration(DeviceHealth.enumType)
        let throttle = EventThrottle(count: 20, window: .seconds(60))
        return ComponentDefinition(
            kind: kind, summary: summary,
            commands: [
                CommandDefinition(Command.resync.rawValue, "RESYNC", summary: "Forget the device's last counter and any half-received sample (the next counter starts afresh); the device itself is not touched"),
                CommandDefinition(Command.clearCounts.rawValue, "CLEAR_COUNTS", summary: "Zero the driver's count channels"),
            ] + commands,
            channels: [
                ChannelDefinition(Channel.health.rawValue, "Health", health, update: .onChange, summary: "GOOD, WAITING (no sample yet), INVALID (latest sample's validity bits clear), STALE (no fresh sample within STALE_TIMEOUT), LINK_DOWN"),
                ChannelDefinition(Channel.samples.rawValue, "Samples", .u32, update: .onChange, summary: "Complete, fresh samples published"),
                ChannelDefinition(Channel.sampleAge.rawValue, "SampleAge", .f64, units: "s", summary: "Time since the latest fresh sample (-1 before the first)"),
                ChannelDefinition(Channel.repeated.rawValue, "Repeated", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Messages whose counter repeated the last sample's (stuck device, duplicated frame) or a part already received"),
                ChannelDefinition(Channel.missed.rawValue, "Missed", .u32, update: .onChange, summary: "Samples the counters show were lost"),
                ChannelDefinition(Channel.backwards.rawValue, "Backwards", .u32, update: .onChange, summary: "Counters that went backwards (device reset, reordering)"),
                ChannelDefinition(Channel.incomplete.rawValue, "Incomplete", .u32, update: .onChange, summary: "Samples dropped because a part never arrived"),
                ChannelDefinition(Channel.invalid.rawValue, "Invalid", .u32, update: .onChange, summary: "Samples published with their validity bits clear"),
                ChannelDefinition(Channel.rejected.rawValue, "Rejected", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Frames the endpoint threw away (corrupt, unknown, short, out of range)"),
                ChannelDefinition(Channel.lastRejection.rawValue, "LastRejection", .enumeration(RejectionReason.enumType), update: .onChange, summary: "Why the latest frame was thrown away"),
                ChannelDefinition(Channel.ignored.rawValue, "Ignored", .u32, update: .onChange, summary: "Valid messages for other devices on a shared link"),
                ChannelDefinition(Channel.sendRefused.rawValue, "SendRefused", .u32, update: .onChange, summary: "Messages the link refused to send"),
                ChannelDefinition(Channel.staleCount.rawValue, "StaleCount", .u32, update: .onChange, summary: "Times the device became STALE"),
                ChannelDefinition(Channel.linkDownCount.rawValue, "LinkDownCount", .u32, update: .onChange, summary: "Times the link went down"),
                ChannelDefinition(Channel.drainLimited.rawValue, "DrainLimited", .u32, update: .onChange, summary: "Ticks that stopped at the per-tick message limit (the rest waited)"),
            ] + channels,
            events: [
                EventDefinition(Event.healthDegraded.rawValue, "HealthDegraded", .warningHigh, arguments: [.init("from", health), .init("to", health)], format: "Device health went from {} to {}", throttle: throttle),
                EventDefinition(Event.healthRestored.rawValue, "HealthRestored", .activityHigh, arguments: [.init("from", health)], format: "Device health is GOOD again (was {})", throttle: throttle),
                EventDefinition(Event.framesRejected.rawValue, "FramesRejected", .warningLow, arguments: [.init("reason", .enumeration(RejectionReason.enumType)), .init("total", .u32)], format: "Frames rejected, latest for {}; {} in all", throttle: throttle),
                EventDefinition(Event.sequenceAnomaly.rawValue, "SequenceAnomaly", .warningLow, arguments: [.init("kind", .enumeration(SequenceAnomaly.enumType)), .init("counter", .u8), .init("missed", .u32)], format: "Device counter anomaly {} at counter {} ({} samples missed)", throttle: throttle),
                EventDefinition(Event.sendsRefused.rawValue, "SendsRefused", .warningLow, arguments: [.init("total", .u32)], format: "The link refused a command; {} refused in all", throttle: throttle),
                EventDefinition(Event.countsCleared.rawValue, "CountsCleared", .activityLow, format: "Driver counts cleared"),
                EventDefinition(Event.resynced.rawValue, "Resynced", .activityHigh, format: "Driver forgot the device's counter by command"),
            ] + events,
            parameters: [
                ParameterDefinition(Parameter.staleTimeout.rawValue, "STALE_TIMEOUT", .f64, default: .f64(staleTimeout.seconds), range: 0.001...60, units: "s", summary: "Silence after which the device is STALE"),
            ] + parameters)
    }

    // MARK: Tick

    /// Starts a tick: reads the parameter on the first one, notes the start time.
    mutating func begin(_ time: FlightTime, ports: ComponentPorts) {
        if !parametersRead, ports.isWired {
            parametersRead = true
            if case .f64(let s) = ports.parameter(Parameter.staleTimeout) { staleTimeout = .seconds(s) }
        }
        if started == nil { started = time }
    }

    /// Counts and reports what the assembler made of one message.
    mutating func note(_ o: SampleAssembler.Offer, counter: UInt8, ports: ComponentPorts) {
        if o.droppedIncomplete {
            incomplete &+= 1
            anomaly(.incomplete, counter, 0, ports)
        }
        if o.duplicate {
            repeated &+= 1
            anomaly(.duplicatePart, counter, 0, ports)
        }
        switch o.observation {
        case .repeated?:
            repeated &+= 1
            anomaly(.repeated, counter, 0, ports)
        case .gap(let n)?:
            missed &+= UInt32(truncatingIfNeeded: n)
            anomaly(.gap, counter, UInt32(truncatingIfNeeded: n), ports)
        case .backwards?:
            backwards &+= 1
            anomaly(.backwards, counter, 0, ports)
        default:
            break
        }
    }

    private func anomaly(_ kind: SequenceAnomaly, _ counter: UInt8, _ missed: UInt32, _ ports: ComponentPorts) {
        ports.log(Event.sequenceAnomaly, .enumeration(kind.rawValue), .u8(counter), .u32(missed))
    }

    /// A complete, fresh sample arrived at `time`; `valid` is whether its data may be used.
    mutating func fresh(at time: FlightTime, valid: Bool) {
        samples &+= 1
        lastFresh = time
        latestValid = valid
        if !valid { invalid &+= 1 }
    }

    /// Ends a tick: works out the health, reports transitions and the endpoint's rejections,
    /// writes the common channels. Returns true when the link has just come back (the driver
    /// then forgets its counters: the device may have restarted meanwhile).
    ///
    /// `degraded` is a worse health the driver knows of beyond the monitor's view (one of six
    /// wheels stale, say); it applies while the link is up and the monitor's own is better.
    mutating func end(
        _ time: FlightTime, endpoint: DeviceEndpoint, drainLimited limited: Bool, degraded: DeviceHealth? = nil,
        ports: ComponentPorts
    ) -> Bool {
        if limited { drainLimited &+= 1 }
        var now: DeviceHealth
        if !endpoint.linkState.isOpen {
            now = .linkDown
        } else if let f = lastFresh {
            now = time.since(f) > staleTimeout ? .stale : (latestValid ? .good : .invalid)
        } else {
            now = isOverdue(time) ? .stale : .waiting
        }
        if let d = degraded, now != .linkDown, now != .waiting, d.rawValue > now.rawValue { now = d }
        let linkReturned = health == .linkDown && now != .linkDown
        if now != health {
            if now == .stale { staleCount &+= 1 }
            if now == .linkDown { linkDownCount &+= 1 }
            if now == .good {
                ports.log(Event.healthRestored, health.flightValue)
            } else {
                ports.log(Event.healthDegraded, health.flightValue, now.flightValue)
            }
            health = now
        }

        let c = endpoint.counts
        if c.rejected > reportedRejected {
            reportedRejected = c.rejected
            ports.log(Event.framesRejected, rejectionValue(endpoint), .u32(UInt32(truncatingIfNeeded: c.rejected - base.rejected)))
        }
        if c.sendRefused > reportedSendRefused {
            reportedSendRefused = c.sendRefused
            ports.log(Event.sendsRefused, .u32(UInt32(truncatingIfNeeded: c.sendRefused - base.sendRefused)))
        }

        ports.write(Channel.health, health.flightValue)
        ports.write(Channel.samples, .u32(samples))
        ports.write(Channel.sampleAge, .f64(lastFresh.map { time.since($0).seconds } ?? -1))
        // The counts rarely change: written when one did (a dozen channel writes per tick and
        // driver saved).
        let counts = Counts(
            repeated: repeated, missed: missed, backwards: backwards, incomplete: incomplete, invalid: invalid,
            staleCount: staleCount, linkDownCount: linkDownCount, drainLimited: drainLimited,
            rejected: c.rejected - base.rejected, lastRejection: endpoint.lastRejection.map { $0.reason.rawValue } ?? -1,
            ignored: c.ignored - base.ignored, sendRefused: c.sendRefused - base.sendRefused)
        if counts != written {
            written = counts
            writeCounts(endpoint, c, ports)
        }
        return linkReturned
    }

    /// What the count channels hold (their last written values).
    private struct Counts: Equatable {
        var repeated: UInt32, missed: UInt32, backwards: UInt32, incomplete: UInt32, invalid: UInt32
        var staleCount: UInt32, linkDownCount: UInt32, drainLimited: UInt32
        var rejected: Int, lastRejection: Int, ignored: Int, sendRefused: Int
    }
    private var written: Counts?

    private func writeCounts(_ endpoint: DeviceEndpoint, _ c: DeviceEndpoint.Counts, _ ports: ComponentPorts) {
        ports.write(Channel.repeated, .u32(repeated))
        ports.write(Channel.missed, .u32(missed))
        ports.write(Channel.backwards, .u32(backwards))
        ports.write(Channel.incomplete, .u32(incomplete))
        ports.write(Channel.invalid, .u32(invalid))
        ports.write(Channel.rejected, .u32(UInt32(truncatingIfNeeded: c.rejected - base.rejected)))
        ports.write(Channel.lastRejection, rejectionValue(endpoint))
        ports.write(Channel.ignored, .u32(UInt32(truncatingIfNeeded: c.ignored - base.ignored)))
        ports.write(Channel.sendRefused, .u32(UInt32(truncatingIfNeeded: c.sendRefused - base.sendRefused)))
        ports.write(Channel.staleCount, .u32(staleCount))
        ports.write(Channel.linkDownCount, .u32(linkDownCount))
        ports.write(Channel.drainLimited, .u32(drainLimited))
    }

    /// Whether nothing has arrived for longer than the stale timeout since `since` (the
    /// driver's first tick when nil).
    func isOverdue(_ time: FlightTime, since: FlightTime? = nil) -> Bool {
        guard let from = since ?? started else { return false }
        return time.since(from) > staleTimeout
    }

    private func rejectionValue(_ endpoint: DeviceEndpoint) -> FlightValue {
        .enumeration(endpoint.lastRejection.map { Int32($0.reason.rawValue) + 1 } ?? 0)
    }

    // MARK: Commands and parameters

    /// Handles RESYNC and CLEAR_COUNTS; nil for a driver's own command. `resync` resets the
    /// driver's assemblers.
    mutating func handle(_ command: CommandInvocation, endpoint: DeviceEndpoint, ports: ComponentPorts, resync: () -> Void) -> CommandResponse? {
        switch Command(rawValue: command.localOpcode) {
        case .resync:
            resync()
            ports.log(Event.resynced)
            return .ok
        case .clearCounts:
            samples = 0
            repeated = 0
            missed = 0
            backwards = 0
            incomplete = 0
            invalid = 0
            staleCount = 0
            linkDownCount = 0
            drainLimited = 0
            base = endpoint.counts
            ports.log(Event.countsCleared)
            return .ok
        case nil:
            return nil
        }
    }

    /// Takes a new STALE_TIMEOUT; false for a driver's own parameter.
    mutating func parameterUpdated(_ localID: UInt32, to value: FlightValue) -> Bool {
        guard Parameter(rawValue: localID) == .staleTimeout else { return false }
        if case .f64(let s) = value { staleTimeout = .seconds(s) }
        return true
    }
}

extension FlightTime {
    /// Nanoseconds since the time base's epoch (the samples' `time`).
    var nanoseconds: UInt64 { totalMicroseconds &* 1_000 }
}
