/// The command dispatcher (F Prime's CmdDispatcher): routes each command by opcode to the
/// component that owns it, after decoding and range-checking its arguments, and answers with
/// F Prime's response codes.
///
/// - A bounded input queue (``submit(_:)``) drained in ``tick(_:)``; a full queue answers BUSY.
/// - ``dispatch(_:)`` runs a command at once, for senders on the executive's thread.
/// - Hazardous commands execute only within the ARM window after `ARM` named their opcode;
///   an ARM is used up by the command it armed.
/// - Counters per opcode and per response code; `OpCodeDispatched`, `OpCodeCompleted` and
///   `OpCodeError` events as F Prime's ground tools expect.
public final class CommandDispatcher: Component {
    public let name: String
    public var ports = ComponentPorts.unwired

    enum Route { case component, parameterSet(slot: Int), parameterSave(slot: Int) }

    struct Entry {
        let opcode: Opcode
        let qualifiedName: String
        let component: any Component
        let localOpcode: UInt32
        let definition: CommandDefinition
        let route: Route
        var dispatched: UInt64 = 0
        var errors: UInt64 = 0
    }

    private(set) var table: ContiguousArray<Entry> = []
    private var queue: ContiguousArray<CommandPacket?>
    private var queueHead = 0
    private var queueCount = 0
    public let queueCapacity: Int
    public let commandsPerTick: Int
    private var sinks: [CommandSource: (CommandCompletion) -> Void] = [:]
    /// Asked before each command runs (after its arguments are checked); may refuse it.
    /// Held weakly: the gate (the fault manager) is a component the topology keeps alive.
    public weak var gate: (any CommandGate)?
    /// Commands the gate refused.
    public private(set) var gatedCount: UInt64 = 0

    private var armedOpcode: Opcode?
    private var armedUntil: FlightTime = .zero
    /// Set by ``CommandInvocation/deferCompletion()`` while a handler runs: its token.
    var deferredToken: UInt32?
    private var nextToken: UInt32 = 1
    /// Commands accepted for later completion: a bounded table (``queueCapacity`` entries).
    private var pending: ContiguousArray<(token: UInt32, command: PendingCommand, deadline: FlightTime)?>
    /// Commands accepted for later completion and not yet completed.
    public private(set) var pendingCount = 0
    /// Completions that came after their command had timed out (ignored, counted).
    public private(set) var lateCompletions: UInt64 = 0

    public private(set) var dispatchedCount: UInt64 = 0
    public private(set) var errorCount: UInt64 = 0
    public private(set) var busyCount: UInt64 = 0
    public private(set) var responseCounts = [UInt64](repeating: 0, count: CommandResponse.allCases.count)

    public enum Command: UInt32 { case noOp = 0, arm = 1, disarm = 2 }
    public enum Channel: UInt32 { case dispatched = 0, errors = 1, busy = 2, armedOpcode = 3 }
    public enum Event: UInt32 {
        case opCodeDispatched = 0, opCodeCompleted, opCodeError, invalidCommand, malformedCommand,
            argumentOutOfRange, tooManyCommands, noOpReceived, hazardousNotArmed, armExpired, armed,
            armRefused, disarmed, commandTimedOut, lateCompletion
    }
    public enum Parameter: UInt32 { case armWindow = 0, completionTimeout = 1 }

    public init(name: String = "cmdDisp", queueCapacity: Int = 32, commandsPerTick: Int = 8) {
        precondition(queueCapacity > 0 && commandsPerTick > 0)
        self.name = name
        self.queueCapacity = queueCapacity
        self.commandsPerTick = commandsPerTick
        self.queue = ContiguousArray(repeating: nil, count: queueCapacity)
        self.pending = ContiguousArray(repeating: nil, count: queueCapacity)
    }

    public var definition: ComponentDefinition {
        let op = ArgumentDefinition("opCode", .u32, summary: "The opcode")
        let response = FlightType.enumeration(CommandResponse.enumType)
        return ComponentDefinition(
            kind: "CommandDispatcher",
            summary: "Routes commands to their owning components after checking their arguments; guards hazardous commands with ARM.",
            commands: [
                CommandDefinition(Command.noOp.rawValue, "CMD_NO_OP", summary: "No-op command, to test commanding"),
                CommandDefinition(Command.arm.rawValue, "ARM", arguments: [.init("opCode", .u32, summary: "The hazardous command's opcode")], summary: "Arm one hazardous command for the ARM_WINDOW parameter's seconds"),
                CommandDefinition(Command.disarm.rawValue, "DISARM", summary: "Cancel a pending ARM"),
            ],
            channels: [
                ChannelDefinition(Channel.dispatched.rawValue, "CommandsDispatched", .u32, update: .onChange, summary: "Number of commands dispatched"),
                ChannelDefinition(Channel.errors.rawValue, "CommandErrors", .u32, update: .onChange, summary: "Number of commands that did not complete OK"),
                ChannelDefinition(Channel.busy.rawValue, "CommandsBusy", .u32, update: .onChange, summary: "Commands refused BUSY because the queue was full"),
                ChannelDefinition(Channel.armedOpcode.rawValue, "ArmedOpcode", .u32, update: .onChange, summary: "Opcode armed now (0 when none, or when its window has passed)"),
            ],
            events: [
                EventDefinition(Event.opCodeDispatched.rawValue, "OpCodeDispatched", .command, arguments: [op, .init("source", .i32, summary: "Who sent it: 0 ground, 1 sequencer, 2 fault manager")], format: "Opcode {} dispatched from source {}"),
                EventDefinition(Event.opCodeCompleted.rawValue, "OpCodeCompleted", .command, arguments: [op], format: "Opcode {} completed"),
                EventDefinition(Event.opCodeError.rawValue, "OpCodeError", .command, arguments: [op, .init("error", response)], format: "Opcode {} completed with error {}"),
                EventDefinition(Event.invalidCommand.rawValue, "InvalidCommand", .warningHigh, arguments: [op], format: "Invalid opcode {} received"),
                EventDefinition(Event.malformedCommand.rawValue, "MalformedCommand", .warningHigh, arguments: [op, .init("error", response)], format: "Opcode {} had malformed arguments: {}"),
                EventDefinition(Event.argumentOutOfRange.rawValue, "ArgumentOutOfRange", .warningHigh, arguments: [op, .init("argument", .i32), .init("value", .f64)], format: "Opcode {} argument {} value {} is out of range"),
                EventDefinition(Event.tooManyCommands.rawValue, "TooManyCommands", .warningHigh, arguments: [op], format: "Command queue full; opcode {} refused BUSY", throttle: EventThrottle(count: 10)),
                EventDefinition(Event.noOpReceived.rawValue, "NoOpReceived", .activityHigh, format: "Received a NO-OP command"),
                EventDefinition(Event.hazardousNotArmed.rawValue, "HazardousCommandNotArmed", .warningHigh, arguments: [op], format: "Hazardous opcode {} refused: not armed"),
                EventDefinition(Event.armExpired.rawValue, "ArmExpired", .warningHigh, arguments: [op], format: "Hazardous opcode {} refused: its ARM expired"),
                EventDefinition(Event.armed.rawValue, "Armed", .activityHigh, arguments: [op, .init("window", .f64, units: "s")], format: "Opcode {} armed for {} s"),
                EventDefinition(Event.armRefused.rawValue, "ArmRefused", .warningLow, arguments: [op], format: "ARM refused: opcode {} is not a hazardous command"),
                EventDefinition(Event.disarmed.rawValue, "Disarmed", .activityHigh, arguments: [op], format: "ARM of opcode {} cancelled"),
                EventDefinition(Event.commandTimedOut.rawValue, "CommandTimedOut", .warningHigh, arguments: [op, .init("seconds", .f64, units: "s")], format: "Opcode {} did not complete within {} s: failed EXECUTION_ERROR"),
                EventDefinition(Event.lateCompletion.rawValue, "LateCompletion", .warningLow, arguments: [op, .init("response", response)], format: "Opcode {} completed ({}) after it had timed out; ignored"),
            ],
            parameters: [
                ParameterDefinition(Parameter.armWindow.rawValue, "ARM_WINDOW", .f64, default: .f64(10), range: 0.1...600, units: "s", summary: "How long an ARM stays valid"),
                ParameterDefinition(Parameter.completionTimeout.rawValue, "COMPLETION_TIMEOUT", .f64, default: .f64(30), range: 0.1...3600, units: "s", summary: "Flight seconds a deferred command may take before it fails EXECUTION_ERROR (in a lockstep run much faster than real time, real I/O takes many flight seconds)"),
            ])
    }

    // MARK: Wiring (topology)

    func setTable(_ entries: [Entry]) {
        table = ContiguousArray(entries.sorted { $0.opcode < $1.opcode })
    }

    /// Where completions for commands from `source` go (the ground link, a sequencer).
    public func setResponseHandler(for source: CommandSource, _ handler: @escaping (CommandCompletion) -> Void) {
        sinks[source] = handler
    }

    func index(of opcode: Opcode) -> Int? {
        var lo = 0, hi = table.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if table[mid].opcode < opcode { lo = mid + 1 } else { hi = mid }
        }
        return lo < table.count && table[lo].opcode == opcode ? lo : nil
    }

    /// Dispatch and error counts of one opcode, or nil if no command has it.
    public func counters(for opcode: Opcode) -> (dispatched: UInt64, errors: UInt64)? {
        index(of: opcode).map { (table[$0].dispatched, table[$0].errors) }
    }

    public func count(of response: CommandResponse) -> UInt64 { responseCounts[Int(response.rawValue)] }

    // MARK: Input

    /// Queues a command for the next tick. A full queue answers BUSY at once (and counts it).
    @discardableResult
    public func submit(_ packet: CommandPacket) -> Bool {
        guard queueCount < queueCapacity else {
            busyCount &+= 1
            ports.log(Event.tooManyCommands, .u32(packet.opcode.rawValue))
            complete(packet, .busy, entry: index(of: packet.opcode))
            return false
        }
        queue[(queueHead + queueCount) % queueCapacity] = packet
        queueCount += 1
        return true
    }

    public var queuedCount: Int { queueCount }

    public func tick(_ context: TickContext) {
        var n = 0
        while queueCount > 0 && n < commandsPerTick {
            let packet = queue[queueHead]!
            queue[queueHead] = nil
            queueHead = (queueHead + 1) % queueCapacity
            queueCount -= 1
            dispatch(packet)
            n += 1
        }
        ports.write(Channel.dispatched, .u32(UInt32(truncatingIfNeeded: dispatchedCount)))
        ports.write(Channel.errors, .u32(UInt32(truncatingIfNeeded: errorCount)))
        ports.write(Channel.busy, .u32(UInt32(truncatingIfNeeded: busyCount)))
        if pendingCount > 0 { expirePending(at: context.time) }
        let armedNow = armedOpcode.flatMap { context.time <= armedUntil ? $0 : nil }
        ports.write(Channel.armedOpcode, .u32(armedNow?.rawValue ?? 0))
    }

    /// Decodes, checks and executes one command now; returns (and reports) its response, or
    /// nil when its component deferred completion (the response comes later, to the sender's
    /// response handler).
    @discardableResult
    public func dispatch(_ packet: CommandPacket) -> CommandResponse? {
        let opArg = FlightValue.u32(packet.opcode.rawValue)
        guard let i = index(of: packet.opcode) else {
            ports.log(Event.invalidCommand, opArg)
            return complete(packet, .invalidOpcode, entry: nil)
        }
        let def = table[i].definition
        let args: CommandArguments
        switch CommandArguments.decode(packet.arguments, as: def.arguments) {
        case .success(let a): args = a
        case .failure(let f):
            switch f {
            case .outOfRange(_, let k, let v, _):
                ports.log(Event.argumentOutOfRange, opArg, .i32(Int32(k)), .f64(v))
            default:
                ports.log(Event.malformedCommand, opArg, .enumeration(Int32(f.response.rawValue)))
            }
            return complete(packet, f.response, entry: i)
        }
        if let gate, let refusal = gate.refusal(of: packet.opcode, source: packet.source) {
            gatedCount &+= 1
            return complete(packet, refusal, entry: i)
        }
        if def.hazardous {
            guard armedOpcode == packet.opcode else {
                ports.log(Event.hazardousNotArmed, opArg)
                return complete(packet, .validationError, entry: i)
            }
            armedOpcode = nil
            guard ports.now <= armedUntil else {
                ports.log(Event.armExpired, opArg)
                return complete(packet, .validationError, entry: i)
            }
        }
        ports.log(Event.opCodeDispatched, opArg, .i32(Int32(packet.source.rawValue)))
        dispatchedCount &+= 1
        table[i].dispatched &+= 1
        let invocation = CommandInvocation(
            localOpcode: table[i].localOpcode, opcode: packet.opcode, sequence: packet.sequence,
            source: packet.source, arguments: args, time: ports.now, dispatcher: self, entry: i)
        deferredToken = nil
        let response: CommandResponse
        switch table[i].route {
        case .component: response = table[i].component.handle(invocation)
        case .parameterSet(let slot):
            response = ports.services?.parameters.set(slot: slot, to: args[0]) ?? .executionError
        case .parameterSave(let slot):
            response = ports.services?.parameters.stage(slot: slot) ?? .executionError
        }
        if let token = deferredToken {
            deferredToken = nil
            guard let free = pending.firstIndex(where: { $0 == nil }) else {
                // More commands in flight than the table holds: this one is answered BUSY now
                // and its component's completion will be ignored as late.
                return complete(packet, .busy, entry: i)
            }
            let timeout = ports.isWired ? ports.parameter(Parameter.completionTimeout).doubleValue : 30
            let command = PendingCommand(opcode: packet.opcode, sequence: packet.sequence, source: packet.source, entry: i, token: token)
            pending[free] = (token, command, ports.now.advanced(by: .seconds(timeout)))
            pendingCount += 1
            return nil
        }
        return complete(packet, response, entry: i)
    }

    /// A token for a command whose handler is deferring it.
    func issueToken() -> UInt32 {
        let t = nextToken
        nextToken = nextToken == .max ? 1 : nextToken + 1
        deferredToken = t
        return t
    }

    /// Completes a command whose component deferred it. A completion for a command that
    /// already timed out (or was never pending) is ignored, counted and reported.
    public func complete(_ command: PendingCommand, with response: CommandResponse) {
        guard let k = pending.firstIndex(where: { $0?.token == command.token }) else {
            lateCompletions &+= 1
            ports.log(Event.lateCompletion, .u32(command.opcode.rawValue), .enumeration(Int32(response.rawValue)))
            return
        }
        pending[k] = nil
        pendingCount -= 1
        finish(opcode: command.opcode, sequence: command.sequence, source: command.source, response, entry: command.entry)
    }

    /// Fails every deferred command whose time is up.
    private func expirePending(at now: FlightTime) {
        for k in pending.indices {
            guard let p = pending[k], now > p.deadline else { continue }
            pending[k] = nil
            pendingCount -= 1
            let timeout = ports.parameter(Parameter.completionTimeout).doubleValue
            ports.log(Event.commandTimedOut, .u32(p.command.opcode.rawValue), .f64(timeout))
            finish(opcode: p.command.opcode, sequence: p.command.sequence, source: p.command.source, .executionError, entry: p.command.entry)
        }
    }

    @discardableResult
    private func complete(_ packet: CommandPacket, _ response: CommandResponse, entry: Int?) -> CommandResponse {
        finish(opcode: packet.opcode, sequence: packet.sequence, source: packet.source, response, entry: entry)
    }

    @discardableResult
    private func finish(opcode: Opcode, sequence: UInt32, source: CommandSource, _ response: CommandResponse, entry: Int?) -> CommandResponse {
        responseCounts[Int(response.rawValue)] &+= 1
        let opArg = FlightValue.u32(opcode.rawValue)
        if response == .ok {
            ports.log(Event.opCodeCompleted, opArg)
        } else {
            errorCount &+= 1
            if let entry { table[entry].errors &+= 1 }
            ports.log(Event.opCodeError, opArg, .enumeration(Int32(response.rawValue)))
        }
        sinks[source]?(CommandCompletion(opcode: opcode, sequence: sequence, source: source, response: response))
        return response
    }

    // MARK: Own commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .noOp:
            ports.log(Event.noOpReceived)
            return .ok
        case .arm:
            guard case .u32(let raw) = command.arguments[0], let t = index(of: Opcode(raw)), table[t].definition.hazardous else {
                ports.log(Event.armRefused, command.arguments[0])
                return .validationError
            }
            let window = ports.parameter(Parameter.armWindow).doubleValue
            armedOpcode = Opcode(raw)
            armedUntil = command.time.advanced(by: .seconds(window))
            ports.log(Event.armed, .u32(raw), .f64(window))
            return .ok
        case .disarm:
            if let a = armedOpcode { ports.log(Event.disarmed, .u32(a.rawValue)) }
            armedOpcode = nil
            return .ok
        case nil:
            return .invalidOpcode
        }
    }
}
