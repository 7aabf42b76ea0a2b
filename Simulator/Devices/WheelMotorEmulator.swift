public import Devices
public import FlightCore

/// One of the rover's six wheel motor controllers: takes WHEELn_CMD, publishes WHEELn_STATUS
/// (20 Hz by default) from the latest ``measurement`` and its own state.
///
/// A command is refused when its counter repeats the last accepted one (`repeatedCounter`)
/// or its speed exceeds ``Configuration/maxSpeed`` (`speedOutOfRange`). With no accepted
/// command for ``Configuration/commandTimeout`` the controller stops the wheel
/// (``commandedSpeed`` 0) and reports `CmdTimeout` until the next accepted command. The
/// caller's rover model reads ``commandedSpeed`` after each step.
public final class WheelMotorEmulator: DeviceEmulator {
    public struct Configuration: Sendable, Equatable {
        /// The largest speed the controller accepts, rad/s.
        public var maxSpeed: Double = 2.0
        /// How long the last command stays good.
        public var commandTimeout: FlightDuration = .milliseconds(500)
        public var schedule = PublicationSchedule(hertz: 20)
        public init() {}
    }

    public struct Measurement: Sendable, Equatable {
        /// Wheel speed, rad/s.
        public var speed: Double
        /// Cumulative encoder ticks since the start (the emulator wraps them to 24 bits).
        public var encoderTicks: Int64
        /// Motor current, A.
        public var current: Double
        public var stall: Bool
        public var overCurrent: Bool
        public var valid: Bool

        public init(speed: Double = 0, encoderTicks: Int64 = 0, current: Double = 0, stall: Bool = false, overCurrent: Bool = false, valid: Bool = true) {
            self.speed = speed
            self.encoderTicks = encoderTicks
            self.current = current
            self.stall = stall
            self.overCurrent = overCurrent
            self.valid = valid
        }
    }

    public enum Rejection: Int, CaseIterable, Sendable {
        case repeatedCounter, speedOutOfRange
    }

    public let wheel: Int
    public let configuration: Configuration
    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState
    /// The last command the controller accepted.
    public private(set) var latestCommand: WheelCommand?
    public private(set) var acceptedCommands = 0
    /// Times the command timed out (each stop counted once).
    public private(set) var timeouts = 0
    public private(set) var isTimedOut = false
    private var lastAcceptedAt: FlightDuration?
    private var rejectedByReason = [Int](repeating: 0, count: Rejection.allCases.count)

    /// Wheel `wheel` (0...5): it takes only its own command id, so six controllers can share
    /// one CAN bus.
    public init(wheel: Int, link: DeviceEndpoint.Link, configuration: Configuration = Configuration()) {
        precondition((0..<WheelCommand.wheelCount).contains(wheel), "wheel must be 0...5")
        self.wheel = wheel
        self.configuration = configuration
        endpoint = DeviceEndpoint(link: link, filter: .ids([WheelCommand.id(wheel: wheel)]))
        publishing = PublicationState(schedule: configuration.schedule)
    }

    /// The speed the wheel should turn at, rad/s: the accepted command's, or 0 when disabled,
    /// timed out or never commanded.
    public var commandedSpeed: Double {
        guard let c = latestCommand, c.enable, !isTimedOut else { return 0 }
        return c.speed
    }

    public var isEnabled: Bool { (latestCommand?.enable ?? false) && !isTimedOut }

    public func rejectedCommands(_ reason: Rejection) -> Int { rejectedByReason[reason.rawValue] }
    public var rejectedCommands: Int { rejectedByReason.reduce(0, +) }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        while let m = endpoint.receive() {
            if case .wheelCommand(let c) = m, c.wheel == wheel { handle(c, at: time) }
        }
        if let at = lastAcceptedAt, !isTimedOut, time - at > configuration.commandTimeout {
            isTimedOut = true
            timeouts += 1
        }
        guard let counter = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.wheelStatus(WheelStatus(
            wheel: wheel, speed: m.speed, current: m.current, encoderCount: WheelStatus.wrappedEncoderCount(m.encoderTicks),
            valid: m.valid, enabled: isEnabled, stall: m.stall, overCurrent: m.overCurrent, commandTimeout: isTimedOut,
            counter: counter))) == .sent)
    }

    /// Applies one decoded command received at `time`.
    public func handle(_ c: WheelCommand, at time: FlightDuration) {
        if let last = latestCommand, last.counter == c.counter { return reject(.repeatedCounter) }
        guard abs(c.speed) <= configuration.maxSpeed else { return reject(.speedOutOfRange) }
        latestCommand = c
        acceptedCommands += 1
        lastAcceptedAt = time
        isTimedOut = false
    }

    private func reject(_ r: Rejection) { rejectedByReason[r.rawValue] += 1 }
}
