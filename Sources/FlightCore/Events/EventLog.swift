/// The event log (F Prime's EventManager/ActiveLogger): a preallocated ring of event records
/// that consumers (downlink, console, fault manager) read with their own cursors.
///
/// - Throttling: an event with a ``EventThrottle`` is suppressed after `count` emissions,
///   until cleared by command or its window passes; every suppression is counted.
/// - Filtering by severity and by id, set by command; every filtered event is counted.
/// - When the ring is full the oldest record is overwritten and counted; a consumer whose
///   cursor fell behind is told exactly how many records it missed.
public final class EventLog: Component {
    public let name: String
    public var ports = ComponentPorts.unwired

    public struct Record: Sendable, Hashable {
        public var sequence: UInt64
        public var id: EventID
        public var severity: EventSeverity
        public var time: FlightTime
        public var arguments: EventArguments
    }

    public struct Info: Sendable {
        public let id: EventID
        public let qualifiedName: String
        public let severity: EventSeverity
        public let arguments: [ArgumentDefinition]
        public let format: String
        public let throttle: EventThrottle?
    }

    public let capacity: Int
    private let ring: UnsafeMutablePointer<Record>
    /// Sequence number the next record gets; records `[next - stored, next)` are in the ring.
    public private(set) var nextSequence: UInt64 = 0
    private var stored = 0

    public private(set) var infos: ContiguousArray<Info> = []
    var indexByID: [EventID: Int] = [:]
    private var throttleCount: ContiguousArray<UInt32> = []
    private var throttleWindowStart: ContiguousArray<FlightTime> = []
    private var idFiltered: ContiguousArray<Bool> = []
    /// Times each event was emitted, before filters and throttles: what the fault manager's
    /// event monitors count, so that an event throttled or filtered from the log (and the
    /// downlink) is still seen on board.
    private(set) var emitted: ContiguousArray<UInt64> = []
    private var severityEnabled = [Bool](repeating: true, count: 8)
    /// Argument matches (the fault manager's event monitors with `where`), added when the
    /// topology is bound: each counts, like ``emitted``, the emissions of its event whose
    /// arguments have its values. Per event slot, a chain through ``ArgumentMatch/next``.
    struct ArgumentMatch {
        var conditionStart: Int
        var conditionCount: Int
        var next: Int32
    }
    private var firstMatch: ContiguousArray<Int32> = []
    private var argumentMatches: ContiguousArray<ArgumentMatch> = []
    /// (argument index, the value's ``FlightValue/bitPattern``), all of which must hold.
    private var matchConditions: ContiguousArray<(argument: Int, bits: UInt64)> = []
    /// Times each argument match saw its event with its values, before filters and throttles.
    private(set) var matched: ContiguousArray<UInt64> = []

    public private(set) var logged: UInt64 = 0
    public private(set) var throttled: UInt64 = 0
    public private(set) var filtered: UInt64 = 0
    public private(set) var overwritten: UInt64 = 0
    public private(set) var digest: UInt64 = 0xcbf2_9ce4_8422_2325

    public enum Command: UInt32 { case setSeverityFilter = 0, setIDFilter = 1, clearThrottle = 2, clearAllThrottles = 3 }
    public enum Channel: UInt32 { case logged = 0, throttled = 1, filtered = 2, overwritten = 3 }
    public enum Event: UInt32 { case throttleCleared = 0, severityFilterSet = 1, idFilterSet = 2 }

    public static let severityType = EnumType(
        "Regolith.EventSeverity", representation: .u8,
        constants: EventSeverity.allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "F Prime event severities")

    public init(name: String = "eventLogger", capacity: Int = 1024) {
        precondition(capacity > 0)
        self.name = name
        self.capacity = capacity
        self.ring = .allocate(capacity: capacity)
    }

    deinit {
        ring.deinitialize(count: min(stored, capacity))
        ring.deallocate()
    }

    public var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "EventLog",
            summary: "Records every event in a bounded ring with throttling and filters; nothing is dropped without being counted.",
            commands: [
                CommandDefinition(Command.setSeverityFilter.rawValue, "SET_EVENT_FILTER", arguments: [.init("severity", .enumeration(Self.severityType)), .init("record", .bool)], summary: "Record (true) or discard (false) events of a severity; FATAL events are always recorded"),
                CommandDefinition(Command.setIDFilter.rawValue, "SET_ID_FILTER", arguments: [.init("id", .u32), .init("record", .bool)], summary: "Record (true) or discard (false) one event id; FATAL events are always recorded"),
                CommandDefinition(Command.clearThrottle.rawValue, "CLEAR_THROTTLE", arguments: [.init("id", .u32)], summary: "Let a throttled event through again"),
                CommandDefinition(Command.clearAllThrottles.rawValue, "CLEAR_ALL_THROTTLES", summary: "Clear every event throttle"),
            ],
            channels: [
                ChannelDefinition(Channel.logged.rawValue, "EventsLogged", .u64, update: .onChange),
                ChannelDefinition(Channel.throttled.rawValue, "EventsThrottled", .u64, update: .onChange),
                ChannelDefinition(Channel.filtered.rawValue, "EventsFiltered", .u64, update: .onChange),
                ChannelDefinition(Channel.overwritten.rawValue, "EventsOverwritten", .u64, update: .onChange, limits: ChannelLimits(yellowHigh: 1)),
            ],
            events: [
                EventDefinition(Event.throttleCleared.rawValue, "ThrottleCleared", .activityHigh, arguments: [.init("id", .u32)], format: "Throttle cleared for event {}"),
                EventDefinition(Event.severityFilterSet.rawValue, "SeverityFilterSet", .activityHigh, arguments: [.init("severity", .enumeration(Self.severityType)), .init("record", .bool)], format: "Events of severity {} recorded: {}"),
                EventDefinition(Event.idFilterSet.rawValue, "IdFilterSet", .activityHigh, arguments: [.init("id", .u32), .init("record", .bool)], format: "Event {} recorded: {}"),
            ])
    }

    func register(_ events: [EventDefinition], component: String, baseID: UInt32) -> [Int32] {
        var table = [Int32](repeating: -1, count: Int(events.map(\.localID).max().map { $0 + 1 } ?? 0))
        for e in events {
            let id = EventID(baseID + e.localID)
            table[Int(e.localID)] = Int32(infos.count)
            indexByID[id] = infos.count
            infos.append(Info(id: id, qualifiedName: component + "." + e.name, severity: e.severity, arguments: e.arguments, format: e.format, throttle: e.throttle))
            throttleCount.append(0)
            throttleWindowStart.append(.zero)
            idFiltered.append(false)
            emitted.append(0)
            firstMatch.append(-1)
        }
        return table
    }

    /// Adds an argument match on the event in `slot` (not on the tick path; allocates) and
    /// returns its index in ``matched``. Each condition is an argument index of that event
    /// and the bit pattern its value must have.
    func addArgumentMatch(slot: Int, _ conditions: [(argument: Int, bits: UInt64)]) -> Int {
        precondition(conditions.allSatisfy { $0.argument >= 0 && $0.argument < infos[slot].arguments.count }, "argument match beyond the event's arguments")
        let k = argumentMatches.count
        argumentMatches.append(ArgumentMatch(conditionStart: matchConditions.count, conditionCount: conditions.count, next: firstMatch[slot]))
        matchConditions.append(contentsOf: conditions)
        matched.append(0)
        firstMatch[slot] = Int32(k)
        return k
    }

    /// Records an event. On the tick path: no allocation.
    func log(slot i: Int, _ args: EventArguments, time: FlightTime) {
        let info = infos[i]
        precondition(args.count == info.arguments.count, "event logged with the wrong number of arguments")
        emitted[i] &+= 1
        var k = firstMatch[i]
        while k >= 0 {  // bounded: the argument matches on this event
            let m = argumentMatches[Int(k)]
            var all = true
            for c in m.conditionStart..<(m.conditionStart + m.conditionCount) where args[matchConditions[c].argument].bitPattern != matchConditions[c].bits {
                all = false
                break
            }
            if all { matched[Int(k)] &+= 1 }
            k = m.next
        }
        if info.severity != .fatal && (!severityEnabled[Int(info.severity.rawValue)] || idFiltered[i]) {
            filtered &+= 1
            return
        }
        if let t = info.throttle {
            if let w = t.window, time.since(throttleWindowStart[i]) >= w {
                throttleWindowStart[i] = time
                throttleCount[i] = 0
            }
            if throttleCount[i] >= t.count {
                throttled &+= 1
                return
            }
            if throttleCount[i] == 0 { throttleWindowStart[i] = time }
            throttleCount[i] += 1
        }
        let record = Record(sequence: nextSequence, id: info.id, severity: info.severity, time: time, arguments: args)
        let at = Int(nextSequence % UInt64(capacity))
        if stored == capacity {
            ring[at] = record
            overwritten &+= 1
        } else {
            (ring + at).initialize(to: record)
            stored += 1
        }
        nextSequence += 1
        logged &+= 1
        fold(UInt64(info.id.rawValue))
        fold(time.totalMicroseconds)
        for k in 0..<args.count { fold(args[k].bitPattern) }
    }

    @inline(__always)
    private func fold(_ v: UInt64) {
        var x = v
        for _ in 0..<8 {
            digest = (digest ^ (x & 0xFF)) &* 0x0000_0100_0000_01B3
            x >>= 8
        }
    }

    /// A consumer's position in the log.
    public struct Cursor: Sendable, Hashable {
        public var next: UInt64
        public init(next: UInt64 = 0) { self.next = next }
    }

    /// Calls `body` for each record at or after `cursor`, advances the cursor, and returns how
    /// many records the consumer missed because they were overwritten before it read them.
    @discardableResult
    public func read(from cursor: inout Cursor, _ body: (Record) -> Void) -> UInt64 {
        let oldest = nextSequence - UInt64(stored)
        var missed: UInt64 = 0
        if cursor.next < oldest {
            missed = oldest - cursor.next
            cursor.next = oldest
        }
        while cursor.next < nextSequence {
            body(ring[Int(cursor.next % UInt64(capacity))])
            cursor.next += 1
        }
        return missed
    }

    /// Like ``read(from:_:)`` but stops after `limit` records, or as soon as `body` returns
    /// false (that record is not consumed: the cursor stays on it). Returns the records missed
    /// (overwritten before this consumer read them).
    @discardableResult
    public func read(from cursor: inout Cursor, limit: Int, _ body: (Record) -> Bool) -> UInt64 {
        let oldest = nextSequence - UInt64(stored)
        var missed: UInt64 = 0
        if cursor.next < oldest {
            missed = oldest - cursor.next
            cursor.next = oldest
        }
        var n = 0
        while cursor.next < nextSequence && n < limit {
            guard body(ring[Int(cursor.next % UInt64(capacity))]) else { break }
            cursor.next += 1
            n += 1
        }
        return missed
    }

    /// Records currently in the ring, oldest first (for tests and tools; allocates).
    public var records: [Record] {
        var c = Cursor(next: 0)
        var out: [Record] = []
        read(from: &c) { out.append($0) }
        return out
    }

    public func info(_ id: EventID) -> Info? { indexByID[id].map { infos[$0] } }

    /// Times an event was emitted, whether or not it was filtered or throttled (nil: no such event).
    public func emissions(of id: EventID) -> UInt64? { indexByID[id].map { emitted[$0] } }

    public func tick(_ context: TickContext) {
        ports.write(Channel.logged, .u64(logged))
        ports.write(Channel.throttled, .u64(throttled))
        ports.write(Channel.filtered, .u64(filtered))
        ports.write(Channel.overwritten, .u64(overwritten))
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .setSeverityFilter:
            guard case .enumeration(let sev) = command.arguments[0], case .bool(let record) = command.arguments[1] else { return .validationError }
            guard sev != Int32(EventSeverity.fatal.rawValue) else { return .validationError }
            severityEnabled[Int(sev)] = record
            ports.log(Event.severityFilterSet, .enumeration(sev), .bool(record))
            return .ok
        case .setIDFilter:
            guard case .u32(let id) = command.arguments[0], case .bool(let record) = command.arguments[1] else { return .validationError }
            guard let i = indexByID[EventID(id)], infos[i].severity != .fatal else { return .validationError }
            idFiltered[i] = !record
            ports.log(Event.idFilterSet, .u32(id), .bool(record))
            return .ok
        case .clearThrottle:
            guard case .u32(let id) = command.arguments[0], let i = indexByID[EventID(id)] else { return .validationError }
            throttleCount[i] = 0
            ports.log(Event.throttleCleared, .u32(id))
            return .ok
        case .clearAllThrottles:
            for i in throttleCount.indices { throttleCount[i] = 0 }
            ports.log(Event.throttleCleared, .u32(0))
            return .ok
        case nil:
            return .invalidOpcode
        }
    }
}
