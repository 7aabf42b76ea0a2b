/// Builds a topology: the core services, the mission's components with their base ids, the
/// rate groups and the bus. ``build()`` checks everything a flight engineer would otherwise
/// find at run time (names, id collisions, definitions, the schedule) and refuses a bad
/// topology with a specific ``TopologyError``.
public struct TopologyBuilder {
    public let name: String
    public let dispatcher: CommandDispatcher
    public let events: EventLog
    public let telemetry: TelemetryStore
    public let parameters: ParameterDatabase
    public let bus: SoftwareBus
    public let scheduler: Scheduler

    struct Placed {
        let component: any Component
        let baseID: UInt32?
    }
    var placed: [Placed] = []
    var groups: [(group: any RateGroupRunning, divisor: Int, offset: Int, budget: FlightDuration?, tiers: [any RateGroupRunning], restoreAfter: Int)] = []
    /// Where auto-assigned base ids start, and their stride.
    public var firstAutomaticBaseID: UInt32 = 0x1000
    public var automaticBaseIDStride: UInt32 = 0x100

    /// - Parameters:
    ///   - baseRate: the scheduler's base tick, Hz.
    ///   - coreRate: how often the core services tick (publish their counters, drain commands), Hz.
    ///   - eventCapacity: records the event log's ring holds.
    ///   - commandQueue: commands the dispatcher queues before answering BUSY.
    ///   - commandsPerTick: queued commands the dispatcher runs per core tick.
    ///   - parameterFile: the parameter file; ``build()`` loads it when it exists.
    public init(
        name: String, baseRate: Double, coreRate: Double = 10, eventCapacity: Int = 1024,
        commandQueue: Int = 32, commandsPerTick: Int = 8, parameterFile: String? = nil
    ) {
        self.name = name
        dispatcher = CommandDispatcher(queueCapacity: commandQueue, commandsPerTick: commandsPerTick)
        events = EventLog(capacity: eventCapacity)
        telemetry = TelemetryStore()
        parameters = ParameterDatabase(filePath: parameterFile)
        bus = SoftwareBus()
        scheduler = Scheduler(baseRate: baseRate)
        placed = [
            Placed(component: dispatcher, baseID: 0x0100), Placed(component: events, baseID: 0x0200),
            Placed(component: telemetry, baseID: 0x0300), Placed(component: parameters, baseID: 0x0400),
            Placed(component: bus, baseID: 0x0500), Placed(component: scheduler, baseID: 0x0600),
        ]
        let divisor = max(1, Int((baseRate / coreRate).rounded()))
        groups.append((RateGroup("core", dispatcher, events, parameters, bus, telemetry), divisor, 0, nil, [], 10))
    }

    /// Adds a component, at `baseID` or the next automatic one.
    public mutating func add(_ component: any Component, baseID: UInt32? = nil) {
        placed.append(Placed(component: component, baseID: baseID))
    }

    /// Adds a rate group running every `divisor` base ticks, on ticks where `tick % divisor == offset`.
    /// `budget` is the execution time past which a run counts as an overrun (default: one base period).
    public mutating func add(_ group: any RateGroupRunning, divisor: Int, offset: Int = 0, budget: FlightDuration? = nil) {
        groups.append((group, divisor, offset, budget, [], 10))
    }

    /// The names of the components the rate groups (and shed tiers) added so far run: the
    /// active components a ``HealthMonitor`` pings.
    public var activeComponentNames: [String] {
        groups.flatMap { g in ([g.group] + g.tiers).flatMap { $0.members.map(\.name) } }
    }

    /// Adds a rate group with lower-priority tiers that run after it in the same slot, highest
    /// priority first. When a run of the group and its tiers exceeds `budget` (measured by the
    /// scheduler's execution clock), the last tier still running is shed (the Apollo 1202
    /// case: the essential `group` always runs, on time); after `restoreAfter` runs within
    /// budget one shed tier comes back. Each overrun, shed and restore is counted and reported.
    public mutating func add(_ group: any RateGroupRunning, divisor: Int, offset: Int = 0, budget: FlightDuration? = nil, shedding tiers: [any RateGroupRunning], restoreAfter: Int = 10) {
        groups.append((group, divisor, offset, budget, tiers, restoreAfter))
    }

    public func build() throws(TopologyError) -> Topology {
        // Names, and each instance once.
        var byName: [String: Int] = [:]
        var seen = Set<ObjectIdentifier>()
        for (i, p) in placed.enumerated() {
            let n = p.component.name
            guard isIdentifier(n) else { throw .invalidName(n, reason: "a component name must be letters, digits and underscores, not starting with a digit") }
            guard seen.insert(ObjectIdentifier(p.component)).inserted else { throw .componentAddedTwice(n) }
            guard byName[n] == nil else { throw .duplicateComponentName(n) }
            byName[n] = i
        }

        // Schedule.
        var groupOf: [ObjectIdentifier: String] = [:]
        var groupNames = Set<String>()
        guard groups.count <= Scheduler.maxGroups else { throw .invalidSchedule(group: groups.last!.group.name, reason: "a topology has at most \(Scheduler.maxGroups) rate groups") }
        for g in groups {
            guard g.divisor >= 1 else { throw .invalidSchedule(group: g.group.name, reason: "divisor \(g.divisor) must be at least 1") }
            guard g.offset >= 0 && g.offset < g.divisor else { throw .invalidSchedule(group: g.group.name, reason: "offset \(g.offset) must be in 0..<\(g.divisor)") }
            if let b = g.budget, b.nanoseconds <= 0 { throw .invalidSchedule(group: g.group.name, reason: "budget must be positive") }
            guard g.restoreAfter >= 1 else { throw .invalidSchedule(group: g.group.name, reason: "restoreAfter must be at least 1 run") }
            for unit in [g.group] + g.tiers {
                guard isIdentifier(unit.name) else { throw .invalidName(unit.name, reason: "a rate group name must be an identifier") }
                guard groupNames.insert(unit.name).inserted else { throw .duplicateRateGroup(unit.name) }
                for m in unit.members {
                    guard seen.contains(ObjectIdentifier(m)) else { throw .componentNotAdded(component: m.name, group: unit.name) }
                    if let other = groupOf[ObjectIdentifier(m)] { throw .componentInTwoGroups(component: m.name, first: other, second: unit.name) }
                    groupOf[ObjectIdentifier(m)] = unit.name
                }
            }
        }
        for g in groups { scheduler.add(g.group, divisor: g.divisor, offset: g.offset, budget: g.budget, shedding: g.tiers, restoreAfter: g.restoreAfter) }
        bus.freeze()

        // Base ids.
        var next = firstAutomaticBaseID
        var bases: [UInt32] = []
        var baseOwner: [UInt32: String] = [:]
        let explicit = Set(placed.compactMap(\.baseID))
        for p in placed {
            var b: UInt32
            if let e = p.baseID {
                b = e
            } else {
                while explicit.contains(next) { next += automaticBaseIDStride }
                b = next
                next += automaticBaseIDStride
            }
            if let o = baseOwner[b] { throw .duplicateBaseID(b, first: o, second: p.component.name) }
            baseOwner[b] = p.component.name
            bases.append(b)
        }

        // Definitions, local checks, then global id collisions.
        let definitions = placed.map { $0.component.definition }
        var enums: [String: EnumType] = [:]
        for (p, d) in zip(placed, definitions) {
            try Self.validate(d, component: p.component.name, enums: &enums)
        }
        var owners: [String: [UInt32: String]] = ["opcode": [:], "channel": [:], "event": [:], "parameter": [:]]
        func claim(_ kind: String, _ id: UInt32, _ who: String) throws(TopologyError) {
            if let first = owners[kind]![id] { throw .idCollision(kind: kind, id: id, first: first, second: who) }
            owners[kind]![id] = who
        }
        for (i, (p, d)) in zip(placed, definitions).enumerated() {
            // Global ids are base + local; refuse a sum past U32 rather than wrap (or trap when wiring).
            let generated = d.parameterCommandOpcodes.flatMap { [$0.set, $0.save] }
            let locals = d.commands.map(\.localOpcode) + generated + d.channels.map(\.localID) + d.events.map(\.localID) + d.parameters.map(\.localID)
            if let top = locals.max(), bases[i] > UInt32.max - top {
                throw .invalidDefinition(component: p.component.name, member: "baseID", reason: "base id 0x\(hex(bases[i])) plus local id 0x\(hex(top)) is past 0xFFFFFFFF")
            }
        }
        for (i, (p, d)) in zip(placed, definitions).enumerated() {
            let n = p.component.name, b = bases[i]
            for c in d.commands { try claim("opcode", b &+ c.localOpcode, "\(n).\(c.mnemonic)") }
            for (prm, ops) in zip(d.parameters, d.parameterCommandOpcodes) {
                try claim("opcode", b &+ ops.set, "\(n).\(prm.name)_PRM_SET")
                try claim("opcode", b &+ ops.save, "\(n).\(prm.name)_PRM_SAVE")
                try claim("parameter", b &+ prm.localID, "\(n).\(prm.name)")
            }
            for c in d.channels { try claim("channel", b &+ c.localID, "\(n).\(c.name)") }
            for e in d.events { try claim("event", b &+ e.localID, "\(n).\(e.name)") }
        }

        // Every parameter must fit in one loadable parameter file.
        let parameterCount = definitions.reduce(0) { $0 + $1.parameters.count }
        guard ParameterFile.maxImageSize(records: parameterCount) <= ParameterFile.maxSize else {
            throw .invalidDefinition(component: parameters.name, member: "parameters", reason: "\(parameterCount) parameters do not fit in a \(ParameterFile.maxSize)-byte parameter file")
        }

        // Wire.
        let services = FlightServices(telemetry: telemetry, events: events, parameters: parameters, dispatcher: dispatcher, now: .zero)
        var table: [CommandDispatcher.Entry] = []
        for (i, (p, d)) in zip(placed, definitions).enumerated() {
            let c = p.component, b = bases[i]
            let ch = telemetry.register(d.channels, component: c.name, baseID: b)
            let ev = events.register(d.events, component: c.name, baseID: b)
            let pr = parameters.register(d.parameters, owner: c, component: c.name, baseID: b)
            c.ports = ComponentPorts(baseID: b, services: services, channelSlots: ch, eventSlots: ev, parameterSlots: pr)
            for cmd in d.commands {
                table.append(.init(opcode: Opcode(b + cmd.localOpcode), qualifiedName: "\(c.name).\(cmd.mnemonic)", component: c, localOpcode: cmd.localOpcode, definition: cmd, route: .component))
            }
            for (prm, ops) in zip(d.parameters, d.parameterCommandOpcodes) {
                let slot = parameters.slotIndex(of: ParameterID(b + prm.localID))!
                let set = CommandDefinition(ops.set, "\(prm.name)_PRM_SET", arguments: [ArgumentDefinition("val", prm.type, range: prm.range, units: prm.units)], summary: "Set parameter \(prm.name)")
                let save = CommandDefinition(ops.save, "\(prm.name)_PRM_SAVE", summary: "Stage parameter \(prm.name) for the parameter file")
                table.append(.init(opcode: Opcode(b + ops.set), qualifiedName: "\(c.name).\(set.mnemonic)", component: c, localOpcode: ops.set, definition: set, route: .parameterSet(slot: slot)))
                table.append(.init(opcode: Opcode(b + ops.save), qualifiedName: "\(c.name).\(save.mnemonic)", component: c, localOpcode: ops.save, definition: save, route: .parameterSave(slot: slot)))
            }
        }
        dispatcher.setTable(table)
        parameters.finishRegistration()

        let components = zip(placed, zip(bases, definitions)).map { (p, bd) in
            Topology.Member(component: p.component, baseID: bd.0, definition: bd.1, rateGroup: groupOf[ObjectIdentifier(p.component)])
        }
        let topology = Topology(name: name, members: components, services: services, dispatcher: dispatcher, scheduler: scheduler, bus: bus, enums: enums)
        if let path = parameters.filePath, PosixFile.exists(path) {
            topology.parameterLoad = parameters.loadFile()
        }
        // Components that resolve names against the built topology (the fault manager, health).
        for m in components {
            if let b = m.component as? any TopologyBinding { try b.bind(to: topology) }
        }
        return topology
    }

    /// Checks one component's definition on its own.
    static func validate(_ d: ComponentDefinition, component n: String, enums: inout [String: EnumType]) throws(TopologyError) {
        func unique<T>(_ items: [T], kind: String, id: (T) -> UInt32, name: (T) -> String) throws(TopologyError) {
            var ids: [UInt32: String] = [:]
            var names = Set<String>()
            for it in items {
                let nm = name(it)
                guard isIdentifier(nm) else { throw .invalidName("\(n).\(nm)", reason: "a \(kind) name must be an identifier") }
                if let first = ids[id(it)] { throw .duplicateLocalID(component: n, kind: kind, localID: id(it), first: first, second: nm) }
                ids[id(it)] = nm
                guard names.insert(nm).inserted else { throw .duplicateMemberName(component: n, kind: kind, name: nm) }
            }
        }
        try unique(d.commands, kind: "command", id: \.localOpcode, name: \.mnemonic)
        try unique(d.channels, kind: "channel", id: \.localID, name: \.name)
        try unique(d.events, kind: "event", id: \.localID, name: \.name)
        try unique(d.parameters, kind: "parameter", id: \.localID, name: \.name)
        let generated = d.parameters.flatMap { ["\($0.name)_PRM_SET", "\($0.name)_PRM_SAVE"] }
        for g in generated where d.commands.contains(where: { $0.mnemonic == g }) {
            throw .duplicateMemberName(component: n, kind: "command", name: g)
        }
        for x in [d.commands.map(\.localOpcode), d.channels.map(\.localID), d.events.map(\.localID), d.parameters.map(\.localID)].joined() where x > 0xFFFF {
            throw .invalidDefinition(component: n, member: "\(x)", reason: "local ids must be below 0x10000")
        }

        func note(_ t: FlightType, _ member: String) throws(TopologyError) {
            guard case .enumeration(let e) = t else { return }
            if let old = enums[e.qualifiedName], old != e { throw .conflictingEnum(e.qualifiedName) }
            guard !e.names.isEmpty, Set(e.names).count == e.names.count, Set(e.values).count == e.values.count else {
                throw .invalidDefinition(component: n, member: member, reason: "enum \(e.qualifiedName) needs distinct, non-empty constants")
            }
            let representation = e.representation.flightType
            for (name, v) in zip(e.names, e.values) {
                guard representation.numericBounds!.contains(Double(v)) else {
                    throw .invalidDefinition(component: n, member: member, reason: "enum \(e.qualifiedName) constant \(name) = \(v) does not fit its \(representation.fprimeName) representation")
                }
                guard Int32(exactly: v) != nil else {
                    throw .invalidDefinition(component: n, member: member, reason: "enum \(e.qualifiedName) constant \(name) = \(v) is outside I32, which holds enum values")
                }
            }
            enums[e.qualifiedName] = e
        }
        func checkRange(_ r: ClosedRange<Double>?, _ t: FlightType, _ member: String) throws(TopologyError) {
            guard let r else { return }
            guard let bounds = t.numericBounds else { throw .invalidDefinition(component: n, member: member, reason: "a range is only for numeric types, not \(t.fprimeName)") }
            guard r.lowerBound.isFinite, r.upperBound.isFinite, bounds.contains(r.lowerBound), bounds.contains(r.upperBound) else {
                throw .invalidDefinition(component: n, member: member, reason: "range \(r.lowerBound)...\(r.upperBound) does not fit type \(t.fprimeName)")
            }
        }
        for c in d.commands {
            guard c.arguments.count <= CommandArguments.capacity else {
                throw .invalidDefinition(component: n, member: c.mnemonic, reason: "a command takes at most \(CommandArguments.capacity) arguments")
            }
            var argNames = Set<String>()
            for a in c.arguments {
                guard isIdentifier(a.name), argNames.insert(a.name).inserted else {
                    throw .invalidDefinition(component: n, member: c.mnemonic, reason: "argument names must be distinct identifiers ('\(a.name)')")
                }
                if case .string(let m) = a.type, m <= 0 || m > 1024 { throw .invalidDefinition(component: n, member: c.mnemonic, reason: "string argument '\(a.name)' needs a maximum length in 1...1024") }
                try checkRange(a.range, a.type, "\(c.mnemonic).\(a.name)")
                try note(a.type, c.mnemonic)
            }
        }
        for c in d.channels {
            if case .string = c.type { throw .invalidDefinition(component: n, member: c.name, reason: "telemetry channels cannot be strings (the tick path does not allocate)") }
            if let l = c.limits {
                guard c.type.isNumeric else { throw .invalidDefinition(component: n, member: c.name, reason: "limits need a numeric channel") }
                if let why = l.inconsistency { throw .invalidDefinition(component: n, member: c.name, reason: "limits are inconsistent: \(why)") }
            }
            try note(c.type, c.name)
        }
        for e in d.events {
            guard e.arguments.count <= EventArguments.capacity else { throw .invalidDefinition(component: n, member: e.name, reason: "an event carries at most \(EventArguments.capacity) arguments") }
            for a in e.arguments {
                if case .string = a.type { throw .invalidDefinition(component: n, member: e.name, reason: "event arguments cannot be strings (the tick path does not allocate)") }
                try note(a.type, e.name)
            }
            let holes = e.format.split(separator: "{}", omittingEmptySubsequences: false).count - 1
            guard holes == e.arguments.count else { throw .invalidDefinition(component: n, member: e.name, reason: "format has \(holes) '{}' for \(e.arguments.count) arguments") }
            if let t = e.throttle, t.count == 0 { throw .invalidDefinition(component: n, member: e.name, reason: "a throttle count must be at least 1") }
        }
        for p in d.parameters {
            if case .string = p.type { throw .invalidDefinition(component: n, member: p.name, reason: "parameters cannot be strings") }
            guard p.defaultValue.isOf(p.type) else { throw .invalidDefinition(component: n, member: p.name, reason: "default \(p.defaultValue) is not a \(p.type.fprimeName)") }
            try checkRange(p.range, p.type, p.name)
            if let r = p.range, !r.contains(p.defaultValue.doubleValue) { throw .invalidDefinition(component: n, member: p.name, reason: "default \(p.defaultValue) is outside its range \(r.lowerBound)...\(r.upperBound)") }
            if case .enumeration(let e) = p.type, case .enumeration(let v) = p.defaultValue, !e.contains(Int64(v)) {
                throw .invalidDefinition(component: n, member: p.name, reason: "default \(v) is not a constant of enum \(e.qualifiedName)")
            }
            try note(p.type, p.name)
        }
    }
}

/// A built, wired topology: what the executives run and the dictionary describes.
public final class Topology {
    public struct Member {
        public let component: any Component
        public let baseID: UInt32
        public let definition: ComponentDefinition
        public let rateGroup: String?
    }

    public let name: String
    public let members: [Member]
    public let services: FlightServices
    public let dispatcher: CommandDispatcher
    public let scheduler: Scheduler
    public let bus: SoftwareBus
    let enums: [String: EnumType]
    /// Named constants exported with the dictionary (e.g. the ground link's spacecraft id).
    public var constants: [DictionaryConstant] = []
    /// The outcome of loading the parameter file at build, when one was configured and existed.
    public internal(set) var parameterLoad: Result<Int, ParameterFileError>?

    init(name: String, members: [Member], services: FlightServices, dispatcher: CommandDispatcher, scheduler: Scheduler, bus: SoftwareBus, enums: [String: EnumType]) {
        self.name = name
        self.members = members
        self.services = services
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.bus = bus
        self.enums = enums
    }

    public var telemetry: TelemetryStore { services.telemetry }
    public var events: EventLog { services.events }
    public var parameters: ParameterDatabase { services.parameters }

    /// A lockstep executive over this topology, its time starting at `start`.
    public func lockstep(start: FlightDuration = .zero) -> LockstepExecutive {
        LockstepExecutive(topology: self, clock: SimulatedClock(start: start))
    }

    /// A real-time executive over this topology.
    public func realTime(_ configuration: RealTimeExecutive.Configuration = .init()) -> RealTimeExecutive {
        RealTimeExecutive(topology: self, configuration: configuration)
    }

    /// The opcode of a command by its qualified name (`cmdDisp.CMD_NO_OP`).
    public func opcode(_ qualifiedName: String) -> Opcode? {
        dispatcher.table.first { $0.qualifiedName == qualifiedName }?.opcode
    }

    public func channelID(_ qualifiedName: String) -> ChannelID? {
        telemetry.withSlots { $0.first { $0.qualifiedName == qualifiedName }?.id }
    }

    public func eventID(_ qualifiedName: String) -> EventID? {
        events.infos.first { $0.qualifiedName == qualifiedName }?.id
    }
}
