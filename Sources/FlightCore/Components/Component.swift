/// A unit of flight software: a name, what it declares (``ComponentDefinition``), and a
/// synchronous ``tick(_:)`` that the scheduler calls from its rate group.
///
/// Rules for the tick path: never block, never allocate, never log, never `await`.
/// A component reaches the outside only through its ``ports`` (telemetry, events,
/// parameters) and through bus topics and links it was given when it was built.
public protocol Component: AnyObject {
    /// The instance name, unique in a topology (`cmdDisp`, `engine`, `leftFrontWheel`).
    var name: String { get }
    /// What this instance declares. Read once, when the topology is built.
    var definition: ComponentDefinition { get }
    /// Set by the topology when it wires the component; unwired until then.
    var ports: ComponentPorts { get set }

    /// One pass of the component's periodic work.
    func tick(_ context: TickContext)
    /// Executes one of the component's commands, whose arguments the dispatcher has
    /// already decoded and range-checked.
    func handle(_ command: CommandInvocation) -> CommandResponse
    /// Called after a parameter of this component changed (by command or file load).
    func parameterUpdated(_ localID: UInt32, to value: FlightValue)
}

extension Component {
    public func tick(_ context: TickContext) {}
    public func handle(_ command: CommandInvocation) -> CommandResponse { .invalidOpcode }
    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {}
}

/// What the scheduler tells a component on each tick.
public struct TickContext: Sendable {
    /// Base ticks since the executive started (the first tick is 1).
    public var tick: UInt64
    /// Flight time of this tick.
    public var time: FlightTime
    /// The period of the rate group that is running.
    public var period: FlightDuration

    public init(tick: UInt64, time: FlightTime, period: FlightDuration) {
        self.tick = tick
        self.time = time
        self.period = period
    }
}
