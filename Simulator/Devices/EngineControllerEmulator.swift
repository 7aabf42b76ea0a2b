public import Devices
public import FlightCore

/// The descent engine controller: takes ENGINE_CMD from the flight computer, keeps the
/// controller's state (armed, valve, throttle, shutdown latch), and publishes ENGINE_STATUS,
/// 50 Hz by default, from the latest ``measurement`` and that state.
///
/// The rules a command must pass (docs/devices.md), checked in this order:
/// 1. its counter differs from the last accepted command's (else `repeatedCounter`);
/// 2. `shutdown` is always accepted: valve closed, disarmed, throttle 0, latch set;
/// 3. while the latch is set only a safe command (disarm, valve closed) is accepted, and it
///    clears the latch (else `shutdownLatched`);
/// 4. opening or purging the valve needs the controller armed by an earlier command and the
///    command keeping it armed (else `notArmed`).
/// The caller's engine model reads ``state`` (throttle and valve) after each step.
public final class EngineControllerEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Measured thrust, N.
        public var thrust: Double
        /// Chamber pressure, MPa.
        public var chamberPressure: Double
        public var thrustValid: Bool
        public var pressureValid: Bool
        /// Faults the engine model or a fault scenario raises; `valveFault` also reports the
        /// valve as FAULT.
        public var faults: EngineControllerStatus.Faults

        public init(thrust: Double = 0, chamberPressure: Double = 0, thrustValid: Bool = true, pressureValid: Bool = true, faults: EngineControllerStatus.Faults = []) {
            self.thrust = thrust
            self.chamberPressure = chamberPressure
            self.thrustValid = thrustValid
            self.pressureValid = pressureValid
            self.faults = faults
        }
    }

    /// What the controller is doing: what the engine model should follow.
    public struct State: Sendable, Equatable {
        public var armed = false
        public var valve = EngineControllerStatus.ValveState.closed
        /// Throttle, % of rated thrust (the engine model applies its limits and lag).
        public var throttle: Double = 0
        public var shutdownLatched = false

        public init(armed: Bool = false, valve: EngineControllerStatus.ValveState = .closed, throttle: Double = 0, shutdownLatched: Bool = false) {
            self.armed = armed
            self.valve = valve
            self.throttle = throttle
            self.shutdownLatched = shutdownLatched
        }

        /// Whether propellant flows: valve open (purge is inert gas).
        public var isFiring: Bool { valve == .open }
    }

    public enum Rejection: Int, CaseIterable, Sendable {
        case repeatedCounter, shutdownLatched, notArmed
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState
    public var state: State { controller }
    // Behind `state`: private, so the rig's read of it every step is checked at compile time.
    private var controller = State()
    /// The last command the controller accepted.
    public private(set) var latestCommand: EngineControllerCommand?
    public private(set) var acceptedCommands = 0
    private var rejectedByReason = [Int](repeating: 0, count: Rejection.allCases.count)

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 50)) {
        endpoint = DeviceEndpoint(link: link, filter: .ids([EngineControllerCommand.id]))
        publishing = PublicationState(schedule: schedule)
    }

    /// Commands refused for `reason` (malformed ones are in the endpoint's counts).
    public func rejectedCommands(_ reason: Rejection) -> Int { rejectedByReason[reason.rawValue] }
    /// Commands refused by the controller's rules.
    public var rejectedCommands: Int { rejectedByReason.reduce(0, +) }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        while let m = endpoint.receive() {
            if case .engineCommand(let c) = m { handle(c) }
        }
        guard let counter = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.engineStatus(EngineControllerStatus(
            thrust: m.thrust, chamberPressure: m.chamberPressure,
            valve: m.faults.contains(.valveFault) ? .fault : controller.valve, armed: controller.armed,
            shutdown: controller.shutdownLatched, thrustValid: m.thrustValid, pressureValid: m.pressureValid, faults: m.faults,
            commandCounter: latestCommand?.counter ?? 0, counter: counter))) == .sent)
    }

    /// Applies one decoded command (``step(to:)`` calls it for each that arrived).
    public func handle(_ c: EngineControllerCommand) {
        if let last = latestCommand, last.counter == c.counter { return reject(.repeatedCounter) }
        if c.shutdown {
            controller = State(armed: false, valve: .closed, throttle: 0, shutdownLatched: true)
            return accept(c)
        }
        if controller.shutdownLatched {
            guard !c.arm, c.valve == .closed || c.valve == .hold else { return reject(.shutdownLatched) }
            controller = State()
            return accept(c)
        }
        let valve: EngineControllerStatus.ValveState =
            switch c.valve {
            case .closed: .closed
            case .open: .open
            case .purge: .purge
            case .hold: controller.valve
            }
        if valve == .open || valve == .purge {
            guard controller.armed, c.arm else { return reject(.notArmed) }
        }
        controller.armed = c.arm
        controller.valve = valve
        controller.throttle = c.throttle
        accept(c)
    }

    private func accept(_ c: EngineControllerCommand) {
        latestCommand = c
        acceptedCommands += 1
    }

    private func reject(_ r: Rejection) { rejectedByReason[r.rawValue] += 1 }
}
