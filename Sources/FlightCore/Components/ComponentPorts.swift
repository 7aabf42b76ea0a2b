/// The services every component writes to, shared by one topology and confined to the
/// executive's thread.
public final class FlightServices {
    public let telemetry: TelemetryStore
    public let events: EventLog
    public let parameters: ParameterDatabase
    public unowned let dispatcher: CommandDispatcher
    /// Flight time of the tick being run; set by the executive before each tick.
    public var now: FlightTime { tickTime }
    // Internal storage behind `now`: a public stored property is checked for exclusive access
    // at run time on every read (every telemetry write and event reads it), internal storage
    // at compile time.
    var tickTime: FlightTime

    init(telemetry: TelemetryStore, events: EventLog, parameters: ParameterDatabase, dispatcher: CommandDispatcher, now: FlightTime) {
        self.telemetry = telemetry
        self.events = events
        self.parameters = parameters
        self.dispatcher = dispatcher
        self.tickTime = now
    }
}

/// A component's wiring into the services: the tables that map its local channel, event and
/// parameter ids onto preallocated slots. Built by the topology; cheap to use on the tick path
/// (an array index, no hashing, no allocation).
///
/// The tables and the services sit behind one reference (``Wiring``): a component's `ports` is a
/// stored property of a class, so every call through it copies the struct, and one reference
/// costs one retain and release per call where four (services and three tables) cost four.
public struct ComponentPorts {
    public let baseID: UInt32
    let wiring: Wiring?

    /// What a wired component's ports point at; immutable once the topology is built.
    final class Wiring {
        let services: FlightServices
        // The services' parts, held here too so that a call borrows them straight from the
        // wiring (through `services` the optimiser retains and releases them around the call).
        let telemetry: TelemetryStore
        let events: EventLog
        let parameters: ParameterDatabase
        let channelSlots: [Int32]
        let eventSlots: [Int32]
        let parameterSlots: [Int32]

        init(services: FlightServices, channelSlots: [Int32], eventSlots: [Int32], parameterSlots: [Int32]) {
            self.services = services
            self.telemetry = services.telemetry
            self.events = services.events
            self.parameters = services.parameters
            self.channelSlots = channelSlots
            self.eventSlots = eventSlots
            self.parameterSlots = parameterSlots
        }

        func write(_ local: UInt32, _ value: FlightValue) {
            telemetry.write(slot: ComponentPorts.slot(channelSlots, local, "write to an undeclared channel"), value, time: services.tickTime)
        }

        func log(_ local: UInt32, _ args: EventArguments) {
            events.log(slot: ComponentPorts.slot(eventSlots, local, "log of an undeclared event"), args, time: services.tickTime)
        }

        func parameter(_ local: UInt32) -> FlightValue {
            parameters.value(slot: ComponentPorts.slot(parameterSlots, local, "read of an undeclared parameter"))
        }
    }

    /// Ports of a component that is not (yet) in a topology: writes and event logs do nothing,
    /// and reading a parameter (which has no value yet) is a programming error.
    public static var unwired: ComponentPorts {
        ComponentPorts(baseID: 0, services: nil, channelSlots: [], eventSlots: [], parameterSlots: [])
    }

    init(baseID: UInt32, services: FlightServices?, channelSlots: [Int32], eventSlots: [Int32], parameterSlots: [Int32]) {
        self.baseID = baseID
        self.wiring = services.map {
            Wiring(services: $0, channelSlots: channelSlots, eventSlots: eventSlots, parameterSlots: parameterSlots)
        }
    }

    var services: FlightServices? { wiring?.services }

    public var isWired: Bool { wiring != nil }

    /// Flight time of the current tick.
    public var now: FlightTime { wiring?.services.now ?? .zero }

    @inline(__always)
    static func slot(_ table: [Int32], _ local: UInt32, _ what: @autoclosure () -> String) -> Int {
        let i = Int(local)
        precondition(i < table.count && table[i] >= 0, what())
        return Int(table[i])
    }

    // MARK: Telemetry

    /// Writes a telemetry channel (by local id), stamped with the current tick's time.
    public func write(_ local: UInt32, _ value: FlightValue) {
        wiring?.write(local, value)
    }

    @inlinable
    public func write<ID: RawRepresentable<UInt32>>(_ channel: ID, _ value: FlightValue) {
        write(channel.rawValue, value)
    }

    /// The global id of a local channel.
    public func channelID(_ local: UInt32) -> ChannelID { ChannelID(baseID + local) }

    // MARK: Events

    /// Emits an event (by local id) with up to six arguments.
    public func log(_ local: UInt32, _ args: EventArguments = EventArguments()) {
        wiring?.log(local, args)
    }

    @inlinable
    public func log<ID: RawRepresentable<UInt32>>(_ event: ID, _ args: EventArguments = EventArguments()) {
        log(event.rawValue, args)
    }

    @inlinable
    public func log<ID: RawRepresentable<UInt32>>(_ event: ID, _ a: FlightValue) {
        log(event.rawValue, EventArguments(a))
    }

    @inlinable
    public func log<ID: RawRepresentable<UInt32>>(_ event: ID, _ a: FlightValue, _ b: FlightValue) {
        log(event.rawValue, EventArguments(a, b))
    }

    @inlinable
    public func log<ID: RawRepresentable<UInt32>>(_ event: ID, _ a: FlightValue, _ b: FlightValue, _ c: FlightValue) {
        log(event.rawValue, EventArguments(a, b, c))
    }

    // MARK: Commands

    /// Finishes a command this component deferred with ``CommandInvocation/deferCompletion()``.
    public func complete(_ pending: PendingCommand, with response: CommandResponse) {
        services?.dispatcher.complete(pending, with: response)
    }

    // MARK: Parameters

    /// The current value of a parameter (by local id).
    public func parameter(_ local: UInt32) -> FlightValue {
        guard let w = wiring else { preconditionFailure("parameter read on an unwired component") }
        return w.parameter(local)
    }

    @inlinable
    public func parameter<ID: RawRepresentable<UInt32>>(_ p: ID) -> FlightValue { parameter(p.rawValue) }
}

/// Up to six event arguments, stored inline so that logging an event never allocates.
public struct EventArguments: Sendable, Hashable {
    public static let capacity = 6
    public private(set) var count: Int = 0
    var a0: FlightValue = .u8(0), a1: FlightValue = .u8(0), a2: FlightValue = .u8(0)
    var a3: FlightValue = .u8(0), a4: FlightValue = .u8(0), a5: FlightValue = .u8(0)

    public init() {}
    public init(_ a: FlightValue) { append(a) }
    public init(_ a: FlightValue, _ b: FlightValue) {
        append(a)
        append(b)
    }
    public init(_ a: FlightValue, _ b: FlightValue, _ c: FlightValue) {
        append(a)
        append(b)
        append(c)
    }
    public init(_ a: FlightValue, _ b: FlightValue, _ c: FlightValue, _ d: FlightValue) {
        append(a)
        append(b)
        append(c)
        append(d)
    }

    /// Appends an argument; a seventh is a programming error.
    public mutating func append(_ v: FlightValue) {
        switch count {
        case 0: a0 = v
        case 1: a1 = v
        case 2: a2 = v
        case 3: a3 = v
        case 4: a4 = v
        case 5: a5 = v
        default: preconditionFailure("an event carries at most \(Self.capacity) arguments")
        }
        count += 1
    }

    public subscript(i: Int) -> FlightValue {
        precondition(i >= 0 && i < count, "event argument index out of range")
        switch i {
        case 0: return a0
        case 1: return a1
        case 2: return a2
        case 3: return a3
        case 4: return a4
        default: return a5
        }
    }
}
