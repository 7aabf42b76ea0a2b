public import FlightCore

/// The on-board sequencer (F Prime's CmdSequencer, with conditions): runs compiled sequences
/// from its catalogue, several at once up to ``runSlots``, sending their commands through the
/// command dispatcher (source `sequencer`) and waiting for each response.
///
/// - ``install(_:)`` checks a compiled sequence through (header, CRC-32C, this build's
///   dictionary hash, every instruction, channel and opcode) and refuses it with a reason.
/// - Commands `SEQ_RUN`, `SEQ_VALIDATE`, `SEQ_CANCEL`, `SEQ_PAUSE`, `SEQ_RESUME`, `SEQ_STEP`.
/// - A failed command (any response but OK), a `wait until` past its timeout (unless
///   `else continue`), an `abort` statement, a `while` past its bound or a value that does not
///   fit fails the sequence: each active frame's `on abort` block runs, innermost first.
/// - Progress as telemetry (per run slot: sequence, line, state) and events.
///
/// The tick path reads the compiled bytes in place: no allocation, no string building.
/// After the topology is built, call ``attach(to:)`` once.
public final class Sequencer: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    /// Sequences that can run at once.
    public let runSlots: Int
    /// Sequences the catalogue holds.
    public let catalogueCapacity: Int
    /// Instructions one run slot executes per tick at most (bounds a tick's work).
    public let instructionsPerTick: Int
    /// Capacity of each slot's command-argument buffer (bytes).
    static let argumentCapacity = 16 * 1_026

    var catalogue: ContiguousArray<CatalogueEntry?>
    let slots: ContiguousArray<RunSlot>
    let stack: UnsafeMutablePointer<Double>
    weak var telemetry: TelemetryStore?
    weak var dispatcher: CommandDispatcher?
    /// The dictionary hash of the flight build this sequencer is attached to.
    public private(set) var dictionaryHash: UInt32?
    private var argumentsByOpcode: [UInt32: [ArgumentDefinition]] = [:]
    private var knownChannels = Set<UInt32>()

    public internal(set) var started: UInt32 = 0
    public internal(set) var completed: UInt32 = 0
    public internal(set) var failed: UInt32 = 0
    public internal(set) var cancelled: UInt32 = 0
    public internal(set) var commandsSent: UInt32 = 0
    public internal(set) var refused: UInt32 = 0

    public enum Command: UInt32 { case run = 0, validate, cancel, pause, resume, step }
    public enum Event: UInt32 {
        case installed = 0, refused, commandRefused, started, completed, failed, commandFailed, abortBlockStarted,
            cancelled, paused, resumed, stepped, validated
    }
    public enum Parameter: UInt32 { case utcEpoch = 0 }
    /// Totals first; then three channels per run slot from ``slotChannelBase``.
    public enum Channel: UInt32 { case started = 0, completed, failed, cancelled, commandsSent, refused, installed }
    static let slotChannelBase: UInt32 = 0x10

    public init(name: String = "seq", runSlots: Int = 4, catalogueCapacity: Int = 16, instructionsPerTick: Int = 64) {
        precondition((1...16).contains(runSlots) && catalogueCapacity >= 1 && instructionsPerTick >= 1)
        self.name = name
        self.runSlots = runSlots
        self.catalogueCapacity = catalogueCapacity
        self.instructionsPerTick = instructionsPerTick
        catalogue = ContiguousArray(repeating: nil, count: catalogueCapacity)
        slots = ContiguousArray((0..<runSlots).map { _ in RunSlot() })
        stack = .allocate(capacity: SequenceImage.maxStackDepth)
        stack.initialize(repeating: 0, count: SequenceImage.maxStackDepth)
    }

    deinit { stack.deallocate() }

    public var definition: ComponentDefinition {
        let seqName = ArgumentDefinition("name", .string(maxLength: SequenceImage.maxNameLength), summary: "The sequence's name (its 'sequence' line or file name)")
        let seq = ArgumentDefinition("sequence", .u16, summary: "Catalogue id of the sequence (1-based)")
        let line = ArgumentDefinition("line", .u32, summary: "Script line")
        var channels = [
            ChannelDefinition(Channel.started.rawValue, "SequencesStarted", .u32, update: .onChange),
            ChannelDefinition(Channel.completed.rawValue, "SequencesCompleted", .u32, update: .onChange),
            ChannelDefinition(Channel.failed.rawValue, "SequencesFailed", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1)),
            ChannelDefinition(Channel.cancelled.rawValue, "SequencesCancelled", .u32, update: .onChange),
            ChannelDefinition(Channel.commandsSent.rawValue, "SequenceCommandsSent", .u32, update: .onChange),
            ChannelDefinition(Channel.refused.rawValue, "SequencesRefused", .u32, update: .onChange, summary: "Sequences and sequencer commands refused"),
            ChannelDefinition(Channel.installed.rawValue, "SequencesInstalled", .u32, update: .onChange, summary: "Sequences in the catalogue"),
        ]
        for i in 0..<runSlots {
            let b = Self.slotChannelBase + UInt32(3 * i)
            channels.append(ChannelDefinition(b, "Run\(i)_Sequence", .u16, update: .onChange, summary: "Catalogue id running in slot \(i) (0: none)"))
            channels.append(ChannelDefinition(b + 1, "Run\(i)_Line", .u32, update: .onChange, summary: "Script line slot \(i) is on"))
            channels.append(ChannelDefinition(b + 2, "Run\(i)_State", .enumeration(SequenceRunState.enumType), update: .onChange, summary: "What slot \(i) is doing"))
        }
        return ComponentDefinition(
            kind: "Sequencer",
            summary: "Runs compiled sequences: commands with time tags, waits on telemetry, branches, bounded loops, calls and abort blocks.",
            commands: [
                CommandDefinition(Command.run.rawValue, "SEQ_RUN", arguments: [seqName], summary: "Start an installed sequence in a free run slot"),
                CommandDefinition(Command.validate.rawValue, "SEQ_VALIDATE", arguments: [seqName], summary: "Check an installed sequence again (CRC, dictionary, instructions)"),
                CommandDefinition(Command.cancel.rawValue, "SEQ_CANCEL", arguments: [seqName], summary: "Stop a running sequence now; its abort block does not run"),
                CommandDefinition(Command.pause.rawValue, "SEQ_PAUSE", arguments: [seqName], summary: "Pause a running sequence before its next statement"),
                CommandDefinition(Command.resume.rawValue, "SEQ_RESUME", arguments: [seqName], summary: "Resume a paused sequence"),
                CommandDefinition(Command.step.rawValue, "SEQ_STEP", arguments: [seqName], summary: "Run one statement of a paused sequence, then pause again"),
            ],
            channels: channels,
            events: [
                EventDefinition(Event.installed.rawValue, "SequenceInstalled", .activityHigh, arguments: [seq, .init("bytes", .u32), .init("crc", .u32)], format: "Sequence {} installed: {} bytes, CRC {}"),
                EventDefinition(Event.refused.rawValue, "SequenceRefused", .warningHigh, arguments: [.init("reason", .enumeration(SequenceRefusal.enumType)), .init("detail", .u32)], format: "Compiled sequence refused: {} ({})"),
                EventDefinition(Event.commandRefused.rawValue, "SequenceCommandRefused", .warningLow, arguments: [.init("opCode", .u32), .init("reason", .enumeration(SequenceRefusal.enumType))], format: "Sequencer command {} refused: {}"),
                EventDefinition(Event.started.rawValue, "SequenceStarted", .activityHigh, arguments: [seq, .init("slot", .u8)], format: "Sequence {} started in slot {}"),
                EventDefinition(Event.completed.rawValue, "SequenceCompleted", .activityHigh, arguments: [seq, .init("seconds", .f64, units: "s")], format: "Sequence {} completed after {} s"),
                EventDefinition(Event.failed.rawValue, "SequenceFailed", .warningHigh, arguments: [seq, line, .init("reason", .enumeration(SequenceFailure.enumType))], format: "Sequence {} failed at line {}: {}"),
                EventDefinition(Event.commandFailed.rawValue, "SequenceCommandFailed", .warningHigh, arguments: [seq, line, .init("opCode", .u32), .init("response", .enumeration(CommandResponse.enumType))], format: "Sequence {} line {}: opcode {} answered {}"),
                EventDefinition(Event.abortBlockStarted.rawValue, "SequenceAbortBlockStarted", .warningLow, arguments: [seq, line], format: "Sequence {}: running its abort block (line {})"),
                EventDefinition(Event.cancelled.rawValue, "SequenceCancelled", .activityHigh, arguments: [seq, line], format: "Sequence {} cancelled at line {}"),
                EventDefinition(Event.paused.rawValue, "SequencePaused", .activityLow, arguments: [seq, line], format: "Sequence {} paused before line {}"),
                EventDefinition(Event.resumed.rawValue, "SequenceResumed", .activityLow, arguments: [seq], format: "Sequence {} resumed"),
                EventDefinition(Event.stepped.rawValue, "SequenceStepped", .activityLow, arguments: [seq, line], format: "Sequence {} stepped line {}"),
                EventDefinition(Event.validated.rawValue, "SequenceValidated", .activityHigh, arguments: [seq, .init("crc", .u32)], format: "Sequence {} is valid (CRC {})"),
            ],
            parameters: [
                ParameterDefinition(Parameter.utcEpoch.rawValue, "UTC_EPOCH", .f64, default: .f64(0), range: 0...1e11, units: "s", summary: "UTC (Unix seconds) at flight time zero, for 'at <UTC>' time tags"),
            ])
    }

    // MARK: Wiring

    /// Connects the sequencer to its built topology: the dispatcher (commands and their
    /// responses), the telemetry store (conditions) and the dictionary (its hash, every
    /// opcode and channel) that installed sequences are checked against.
    public func attach(to topology: Topology) {
        telemetry = topology.telemetry
        dispatcher = topology.dispatcher
        let dictionary = SequenceDictionary(topology.dictionary())
        dictionaryHash = dictionary.hash
        argumentsByOpcode = Dictionary(uniqueKeysWithValues: dictionary.commands.map { ($0.opcode.rawValue, $0.arguments) })
        knownChannels = Set(dictionary.channels.map(\.id.rawValue))
        topology.dispatcher.setResponseHandler(for: .sequencer) { [unowned self] completion in
            self.responded(completion)
        }
    }

    // MARK: Catalogue

    /// Checks a compiled sequence and puts it in the catalogue under its name (replacing a
    /// sequence of that name that is not running). Returns its catalogue id (1-based).
    @discardableResult
    public func install(_ bytes: [UInt8]) -> Result<UInt16, SequenceInstallError> {
        guard let hash = dictionaryHash else { return refuse(.notAttached, 0, "the sequencer is not attached to a topology") }
        let decoded: DecodedSequence
        do {
            decoded = try DecodedSequence.decode(
                bytes, dictionaryHash: hash, channelExists: { [knownChannels] in knownChannels.contains($0.rawValue) },
                commandArguments: { [argumentsByOpcode] in argumentsByOpcode[$0.rawValue] })
        } catch {
            var detail: UInt32 = 0
            if case .dictionaryMismatch(let s, _) = error { detail = s }
            if case .crcMismatch(_, let a) = error { detail = a }
            if case .malformed(let o, _) = error { detail = UInt32(clamping: o) }
            return refuse(SequenceRefusal(error), detail, error.description)
        }
        let entry = CatalogueEntry(bytes, decoded)
        var index = catalogue.firstIndex { $0?.name == entry.name }
        if let i = index, slots.contains(where: { $0.entry === catalogue[i] }) {
            return refuse(.alreadyRunning, UInt32(i + 1), "sequence '\(entry.name)' is running; cancel it before replacing it")
        }
        if index == nil { index = catalogue.firstIndex { $0 == nil } }
        guard let i = index else { return refuse(.catalogueFull, UInt32(catalogueCapacity), "the catalogue holds \(catalogueCapacity) sequences") }
        catalogue[i] = entry
        ports.log(Event.installed, .u16(UInt16(i + 1)), .u32(UInt32(bytes.count)), .u32(entry.crc))
        return .success(UInt16(i + 1))
    }

    private func refuse(_ r: SequenceRefusal, _ detail: UInt32, _ text: String) -> Result<UInt16, SequenceInstallError> {
        refused &+= 1
        ports.log(Event.refused, .enumeration(Int32(r.rawValue)), .u32(detail))
        return .failure(SequenceInstallError(refusal: r, detail: text))
    }

    /// The catalogue id of an installed sequence.
    public func catalogueID(of name: String) -> UInt16? {
        catalogue.firstIndex { $0?.name == name }.map { UInt16($0 + 1) }
    }

    /// A run slot's state, line and sequence (for tests and tools).
    public func slotStatus(_ i: Int) -> (state: SequenceRunState, line: UInt32, sequence: UInt16) {
        (slots[i].state, slots[i].line, slots[i].sequenceID)
    }

    /// Whether any slot is running a sequence.
    public var isBusy: Bool { slots.contains { $0.entry != nil } }

    // MARK: Commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        guard let which = Command(rawValue: command.localOpcode) else { return .invalidOpcode }
        let found = command.arguments.withString(0) { raw -> Int? in
            for i in 0..<catalogue.count {
                if let e = catalogue[i], e.nameBytes.elementsEqual(raw) { return i }
            }
            return nil
        }
        guard let index = found, let entry = catalogue[index] else { return commandRefused(command, .unknownSequence, .validationError) }
        let id = UInt16(index + 1)
        let slotIndex = slots.firstIndex { $0.entry === entry }
        switch which {
        case .run:
            guard slotIndex == nil else { return commandRefused(command, .alreadyRunning, .executionError) }
            guard let free = slots.firstIndex(where: { $0.entry == nil }) else { return commandRefused(command, .noFreeRunSlot, .busy) }
            start(slots[free], entry, id: id, slot: free, now: command.time)
            return .ok
        case .validate:
            do {
                _ = try DecodedSequence.decode(
                    entry.image, dictionaryHash: dictionaryHash, channelExists: { [knownChannels] in knownChannels.contains($0.rawValue) },
                    commandArguments: { [argumentsByOpcode] in argumentsByOpcode[$0.rawValue] })
            } catch {
                refused &+= 1
                ports.log(Event.refused, .enumeration(Int32(SequenceRefusal(error).rawValue)), .u32(UInt32(id)))
                return .executionError
            }
            ports.log(Event.validated, .u16(id), .u32(entry.crc))
            return .ok
        case .cancel:
            guard let s = slotIndex else { return commandRefused(command, .notRunning, .executionError) }
            let slot = slots[s]
            ports.log(Event.cancelled, .u16(id), .u32(slot.line))
            cancelled &+= 1
            release(slot)
            return .ok
        case .pause:
            guard let s = slotIndex else { return commandRefused(command, .notRunning, .executionError) }
            guard !slots[s].paused else { return commandRefused(command, .alreadyPaused, .executionError) }
            slots[s].paused = true
            slots[s].stepping = false
            ports.log(Event.paused, .u16(id), .u32(slots[s].line))
            return .ok
        case .resume, .step:
            guard let s = slotIndex else { return commandRefused(command, .notRunning, .executionError) }
            guard slots[s].paused else { return commandRefused(command, .notPaused, .executionError) }
            slots[s].paused = false
            if which == .step {
                slots[s].stepping = true
                slots[s].stepped = false
            } else {
                ports.log(Event.resumed, .u16(id))
            }
            return .ok
        }
    }

    private func commandRefused(_ c: CommandInvocation, _ r: SequenceRefusal, _ response: CommandResponse) -> CommandResponse {
        refused &+= 1
        ports.log(Event.commandRefused, .u32(c.opcode.rawValue), .enumeration(Int32(r.rawValue)))
        return response
    }

    func start(_ slot: RunSlot, _ entry: CatalogueEntry, id: UInt16, slot index: Int, now: FlightTime) {
        slot.entry = entry
        slot.sequenceID = id
        slot.state = .running
        slot.depth = 0
        slot.waiting = .none
        slot.paused = false
        slot.stepping = false
        slot.failed = false
        slot.response = nil
        slot.started = now
        slot.mark = now
        slot.generation &+= 1
        slot.line = 0
        push(slot, routine: 0)
        started &+= 1
        ports.log(Event.started, .u16(id), .u8(UInt8(index)))
    }

    /// Starts a routine in a new frame with its variables at their initial values.
    func push(_ slot: RunSlot, routine: Int) {
        let entry = slot.entry!
        let base = slot.depth == 0 ? 0 : slot.frames[slot.depth - 1].variableBase + entry.routines[slot.frames[slot.depth - 1].routine].variableCount
        let info = entry.routines[routine]
        for k in 0..<info.variableCount { slot.variables[base + k] = info.initial[k] }
        slot.frames[slot.depth] = RunSlot.Frame(routine: routine, pc: 0, variableBase: base, aborting: false)
        slot.depth += 1
    }

    func release(_ slot: RunSlot) {
        slot.entry = nil
        slot.sequenceID = 0
        slot.state = .idle
        slot.depth = 0
        slot.waiting = .none
        slot.paused = false
        slot.stepping = false
        slot.generation &+= 1
    }

    // MARK: Responses

    func responded(_ c: CommandCompletion) {
        let index = Int(c.sequence >> 24)
        guard index < slots.count else { return }
        let slot = slots[index]
        guard slot.entry != nil, slot.waiting == .response, slot.token == c.sequence else { return }
        slot.response = c.response
    }

    // MARK: Tick

    public func tick(_ context: TickContext) {
        for i in 0..<slots.count where slots[i].entry != nil {
            run(slots[i], index: i, now: context.time)
        }
        ports.write(Channel.started, .u32(started))
        ports.write(Channel.completed, .u32(completed))
        ports.write(Channel.failed, .u32(failed))
        ports.write(Channel.cancelled, .u32(cancelled))
        ports.write(Channel.commandsSent, .u32(commandsSent))
        ports.write(Channel.refused, .u32(refused))
        var installed: UInt32 = 0
        for e in catalogue where e != nil { installed += 1 }
        ports.write(Channel.installed, .u32(installed))
        for i in 0..<slots.count {
            let b = Self.slotChannelBase + UInt32(3 * i)
            let s = slots[i]
            ports.write(b, .u16(s.sequenceID))
            ports.write(b + 1, .u32(s.line))
            ports.write(b + 2, .enumeration(Int32(s.state.rawValue)))
        }
    }
}
