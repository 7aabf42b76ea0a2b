import FlightCore
import Testing

/// One command sent to the `Commanded` probe, and exactly what the dispatcher must answer.
struct CommandCase: Sendable, CustomTestStringConvertible {
    let label: String
    let mnemonic: String
    let arguments: [UInt8]
    let response: CommandResponse
    /// The dispatcher's events, in order (qualified names).
    let events: [String]

    var testDescription: String { label }

    static let okEvents = ["cmdDisp.OpCodeDispatched", "cmdDisp.OpCodeCompleted"]
    static let malformed = ["cmdDisp.MalformedCommand", "cmdDisp.OpCodeError"]
    static let outOfRange = ["cmdDisp.ArgumentOutOfRange", "cmdDisp.OpCodeError"]

    static func ok(_ label: String, _ m: String, _ a: [UInt8]) -> Self { .init(label: label, mnemonic: m, arguments: a, response: .ok, events: okEvents) }
    static func format(_ label: String, _ m: String, _ a: [UInt8]) -> Self { .init(label: label, mnemonic: m, arguments: a, response: .formatError, events: malformed) }
    static func range(_ label: String, _ m: String, _ a: [UInt8]) -> Self { .init(label: label, mnemonic: m, arguments: a, response: .validationError, events: outOfRange) }

    static let all: [CommandCase] = [
        ok("u8 in range", "SET_U8", [5]),
        ok("u8 at lower bound", "SET_U8", [1]),
        ok("u8 at upper bound", "SET_U8", [10]),
        format("too few argument bytes (none)", "SET_U8", []),
        format("too many argument bytes", "SET_U8", [5, 0]),
        range("u8 below range", "SET_U8", [0]),
        range("u8 above range", "SET_U8", [11]),
        ok("i16 at -100", "SET_I16", be(Int16(-100))),
        range("i16 at -101", "SET_I16", be(Int16(-101))),
        format("i16 with one byte", "SET_I16", [0xFF]),
        ok("f32 finite, no declared range", "SET_F32", be(Float(1e30))),
        range("f32 NaN", "SET_F32", be(Float.nan)),
        range("f32 +inf", "SET_F32", be(Float.infinity)),
        range("f32 -inf", "SET_F32", be(-Float.infinity)),
        format("f32 with three bytes", "SET_F32", [0x3F, 0x80, 0]),
        ok("f64 in range", "SET_F64", be(0.5)),
        range("f64 NaN with a range", "SET_F64", be(Double.nan)),
        range("f64 +inf with a range", "SET_F64", be(Double.infinity)),
        range("f64 above range", "SET_F64", be(1.5)),
        ok("enum constant", "SET_MODE", [5]),
        .init(label: "unknown enum constant", mnemonic: "SET_MODE", arguments: [2], response: .validationError, events: malformed),
        ok("bool true (0xFF)", "SET_FLAG", [0xFF]),
        ok("bool false (0x00)", "SET_FLAG", [0x00]),
        format("bool byte 0x01", "SET_FLAG", [0x01]),
        format("bool byte 0x80", "SET_FLAG", [0x80]),
        ok("string within its maximum", "SAY", fprimeString(Array("hello".utf8))),
        ok("string at its maximum", "SAY", fprimeString(Array("12345678".utf8))),
        format("over-long string", "SAY", fprimeString(Array("123456789".utf8))),
        format("string shorter than its length", "SAY", be(UInt16(5)) + Array("abc".utf8)),
        format("string length cut short", "SAY", [0]),
        format("string not UTF-8", "SAY", fprimeString([0xFF, 0xFE])),
        ok("three arguments", "MULTI", be(UInt32(7)) + [0xFF] + be(2.5)),
        format("three arguments, last missing", "MULTI", be(UInt32(7)) + [0xFF]),
        format("three arguments, bad bool in the middle", "MULTI", be(UInt32(7)) + [0x02] + be(2.5)),
        ok("no arguments", "NO_ARGS", []),
        format("argument bytes for a command without arguments", "NO_ARGS", [0]),
    ]
}

@Suite struct CommandDispatcherTests {
    func commanded() throws -> (Topology, Probe) {
        let p = Probe("probe", Fixture.commanded)
        return (try makeTopology([(p, 0x2000)]), p)
    }

    @Test(arguments: CommandCase.all)
    func argumentsAreCheckedWithTheirSpecificResponse(_ c: CommandCase) throws {
        let (t, p) = try commanded()
        let d = t.dispatcher
        let op = try t.op("probe.\(c.mnemonic)")
        let before = CommandResponse.allCases.map { d.count(of: $0) }
        var cursor = t.eventCursor

        let r = d.dispatch(CommandPacket(opcode: op, sequence: 9, arguments: c.arguments, source: .test))

        #expect(r == c.response)
        for (k, response) in CommandResponse.allCases.enumerated() {
            #expect(d.count(of: response) - before[k] == (response == c.response ? 1 : 0), "count of \(response)")
        }
        let ok = c.response == .ok
        #expect(d.errorCount == (ok ? 0 : 1))
        #expect(d.dispatchedCount == (ok ? 1 : 0))
        let counters = try #require(d.counters(for: op))
        #expect(counters.dispatched == (ok ? 1 : 0))
        #expect(counters.errors == (ok ? 0 : 1))
        #expect(p.handled.count == (ok ? 1 : 0))

        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == c.events)
        let last = try #require(records.last)
        if ok {
            #expect(records[0].arguments.values == [.u32(op.rawValue), .i32(Int32(CommandSource.test.rawValue))])
            #expect(last.arguments.values == [.u32(op.rawValue)])
        } else {
            #expect(last.arguments.values == [.u32(op.rawValue), .enumeration(c.response.rawValue)])
            #expect(records[0].arguments[0] == .u32(op.rawValue))
            if c.events == CommandCase.malformed {
                #expect(records[0].arguments[1] == .enumeration(c.response.rawValue))
            }
        }
    }

    @Test func argumentValuesReachTheComponentDecoded() throws {
        let (t, p) = try commanded()
        #expect(try t.send("probe.MULTI", be(UInt32(0xDEAD_BEEF)) + [0xFF] + be(-0.25)) == .ok)
        #expect(try t.send("probe.SAY", fprimeString(Array("héllo".utf8))) == .ok)
        #expect(try t.send("probe.SET_MODE", [5]) == .ok)
        #expect(p.handled.count == 3)
        let multi = p.handled[0]
        #expect(multi.localOpcode == 7)
        #expect(multi.opcode == Opcode(0x2007))
        #expect(multi.arguments.count == 3)
        #expect(multi.arguments[0] == .u32(0xDEAD_BEEF))
        #expect(multi.arguments["b"] == .bool(true))
        #expect(multi.arguments["c"] == .f64(-0.25))
        #expect(p.handled[1].arguments.string(0) == "héllo")
        #expect(p.handled[2].arguments[0] == .enumeration(5))
    }

    @Test func outOfRangeEventNamesTheArgumentAndValue() throws {
        let (t, _) = try commanded()
        var cursor = t.eventCursor
        // SET_I16 has one argument (index 0); MULTI's third argument has no range, so NaN there is
        // refused against the type's bounds with index 2.
        #expect(try t.send("probe.SET_I16", be(Int16(101))) == .validationError)
        let r1 = try #require(t.newEvents(since: &cursor).first)
        #expect(t.qualifiedName(of: r1) == "cmdDisp.ArgumentOutOfRange")
        #expect(r1.arguments.values == [.u32(0x2001), .i32(0), .f64(101)])
        #expect(try t.send("probe.MULTI", be(UInt32(1)) + [0x00] + be(Double.infinity)) == .validationError)
        let r2 = try #require(t.newEvents(since: &cursor).first)
        #expect(t.qualifiedName(of: r2) == "cmdDisp.ArgumentOutOfRange")
        #expect(r2.arguments.values == [.u32(0x2007), .i32(2), .f64(.infinity)])
    }

    @Test func unknownOpcodeIsInvalidAndCountedOnce() throws {
        let (t, p) = try commanded()
        let d = t.dispatcher
        var cursor = t.eventCursor
        #expect(d.dispatch(CommandPacket(opcode: Opcode(0xDEAD), arguments: [1, 2, 3])) == .invalidOpcode)
        #expect(d.count(of: .invalidOpcode) == 1)
        #expect(d.errorCount == 1)
        #expect(d.dispatchedCount == 0)
        #expect(d.counters(for: Opcode(0xDEAD)) == nil)
        #expect(p.handled.isEmpty)
        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.InvalidCommand", "cmdDisp.OpCodeError"])
        #expect(records[0].arguments.values == [.u32(0xDEAD)])
        #expect(records[1].arguments.values == [.u32(0xDEAD), .enumeration(CommandResponse.invalidOpcode.rawValue)])
    }

    @Test func componentFailureIsCountedAsAnError() throws {
        let (t, p) = try commanded()
        p.response = .executionError
        let op = try t.op("probe.NO_ARGS")
        var cursor = t.eventCursor
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: op)) == .executionError)
        #expect(t.dispatcher.count(of: .executionError) == 1)
        #expect(t.dispatcher.dispatchedCount == 1)
        #expect(t.dispatcher.errorCount == 1)
        #expect(t.dispatcher.counters(for: op)! == (dispatched: 1, errors: 1))
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.OpCodeDispatched", "cmdDisp.OpCodeError"])
    }

    @Test func perOpcodeCountersAreKeptApart() throws {
        let (t, _) = try commanded()
        let u8 = try t.op("probe.SET_U8"), flag = try t.op("probe.SET_FLAG")
        for v: UInt8 in [1, 2, 3, 0, 99] { t.dispatcher.dispatch(CommandPacket(opcode: u8, arguments: [v])) }
        t.dispatcher.dispatch(CommandPacket(opcode: flag, arguments: [7]))
        #expect(t.dispatcher.counters(for: u8)! == (dispatched: 3, errors: 2))
        #expect(t.dispatcher.counters(for: flag)! == (dispatched: 0, errors: 1))
        #expect(t.dispatcher.dispatchedCount == 3)
        #expect(t.dispatcher.errorCount == 3)
        #expect(t.dispatcher.count(of: .ok) == 3)
        #expect(t.dispatcher.count(of: .validationError) == 2)
        #expect(t.dispatcher.count(of: .formatError) == 1)
    }

    @Test func noOpIsDispatchedToTheDispatcherItself() throws {
        let (t, _) = try commanded()
        var cursor = t.eventCursor
        #expect(try t.send("cmdDisp.CMD_NO_OP") == .ok)
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.OpCodeDispatched", "cmdDisp.NoOpReceived", "cmdDisp.OpCodeCompleted"])
        #expect(try t.op("cmdDisp.CMD_NO_OP") == Opcode(0x0100))
    }

    // MARK: Counters in telemetry

    @Test func countersArePublishedOnTheCoreTick() throws {
        let (t, _) = try commanded()
        try t.send("probe.SET_U8", [3])
        try t.send("probe.SET_U8", [30])
        try t.send("cmdDisp.CMD_NO_OP")
        let exec = t.lockstep()
        exec.step(9)
        #expect(try t.latest("cmdDisp.CommandsDispatched") == nil)
        exec.step(1)  // the core group runs every 10th base tick at 100 Hz / 10 Hz
        #expect(try t.latest("cmdDisp.CommandsDispatched") == .u32(2))
        #expect(try t.latest("cmdDisp.CommandErrors") == .u32(1))
        #expect(try t.latest("cmdDisp.CommandsBusy") == .u32(0))
        #expect(try t.latest("cmdDisp.ArmedOpcode") == .u32(0))
    }

    // MARK: Queue

    @Test func fullQueueAnswersBusyAndTicksDrainInOrder() throws {
        let (t, p) = try commanded()
        let d = t.dispatcher
        var completions: [CommandCompletion] = []
        d.setResponseHandler(for: .sequencer) { completions.append($0) }
        let op = try t.op("probe.NO_ARGS")
        var cursor = t.eventCursor
        for s in 0..<UInt32(d.queueCapacity) {
            #expect(d.submit(CommandPacket(opcode: op, sequence: s, source: .sequencer)))
        }
        #expect(d.queuedCount == 32)
        #expect(!d.submit(CommandPacket(opcode: op, sequence: 99, source: .sequencer)))
        #expect(d.busyCount == 1)
        #expect(d.count(of: .busy) == 1)
        #expect(d.errorCount == 1)
        #expect(d.counters(for: op)! == (dispatched: 0, errors: 1))  // the refusal is counted against its opcode
        #expect(completions.map(\.sequence) == [99])
        #expect(completions.map(\.response) == [.busy])
        #expect(completions.map(\.opcode) == [op])
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.TooManyCommands", "cmdDisp.OpCodeError"])

        let exec = t.lockstep()
        exec.step(10)  // one core tick: commandsPerTick (8) commands
        #expect(p.handled.map(\.sequence) == Array(0..<8))
        #expect(d.queuedCount == 24)
        exec.step(30)
        #expect(p.handled.map(\.sequence) == Array(0..<32))
        #expect(d.queuedCount == 0)
        #expect(completions.count == 33)
        #expect(completions.dropFirst().allSatisfy { $0.response == .ok })
        #expect(d.counters(for: op)! == (dispatched: 32, errors: 1))
        // BUSY for an opcode nobody owns is still BUSY (the queue is checked first), counted globally only.
        for _ in 0..<d.queueCapacity { d.submit(CommandPacket(opcode: op)) }
        #expect(!d.submit(CommandPacket(opcode: Opcode(0xDEAD))))
        #expect(d.busyCount == 2)
        #expect(d.counters(for: op)! == (dispatched: 32, errors: 1))
        #expect(try t.latest("cmdDisp.CommandsBusy") == .u32(1))
    }

    @Test func responsesGoOnlyToTheirSource() throws {
        let (t, _) = try commanded()
        var ground: [CommandResponse] = [], sequencer: [CommandResponse] = []
        t.dispatcher.setResponseHandler(for: .ground) { ground.append($0.response) }
        t.dispatcher.setResponseHandler(for: .sequencer) { sequencer.append($0.response) }
        let op = try t.op("probe.SET_U8")
        t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [2], source: .ground))
        t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [0], source: .sequencer))
        t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [], source: .faultManager))
        #expect(ground == [.ok])
        #expect(sequencer == [.validationError])
    }

    // MARK: Hazardous commands and ARM

    @Test func hazardousCommandWithoutArmIsRefused() throws {
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE")
        var cursor = t.eventCursor
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.HazardousCommandNotArmed", "cmdDisp.OpCodeError"])
        #expect(records[0].arguments.values == [.u32(fire.rawValue)])
        #expect(t.dispatcher.counters(for: fire)! == (dispatched: 0, errors: 1))
        #expect(t.dispatcher.count(of: .validationError) == 1)
        #expect(p.handled.isEmpty)
    }

    @Test func armAllowsExactlyOneExecution() throws {
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE")
        var cursor = t.eventCursor
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        let armed = try #require(t.newEvents(since: &cursor).first { t.qualifiedName(of: $0) == "cmdDisp.Armed" })
        #expect(armed.arguments.values == [.u32(fire.rawValue), .f64(10)])
        let exec = t.lockstep()
        exec.step(10)
        #expect(try t.latest("cmdDisp.ArmedOpcode") == .u32(fire.rawValue))
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .ok)
        #expect(p.handled.count == 1)
        // The ARM was used up.
        _ = t.newEvents(since: &cursor)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.HazardousCommandNotArmed", "cmdDisp.OpCodeError"])
        #expect(t.dispatcher.counters(for: fire)! == (dispatched: 1, errors: 1))
        exec.step(10)
        #expect(try t.latest("cmdDisp.ArmedOpcode") == .u32(0))
    }

    @Test func armHoldsUntilTheEndOfItsWindowAndNoLonger() throws {
        // At 100 Hz the default ARM_WINDOW of 10 s is 1000 base ticks.
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE")
        let exec = t.lockstep()
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        exec.step(1000)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .ok)
        #expect(p.handled.count == 1)

        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        exec.step(1001)
        var cursor = t.eventCursor
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.ArmExpired", "cmdDisp.OpCodeError"])
        #expect(records[0].arguments.values == [.u32(fire.rawValue)])
        #expect(p.handled.count == 1)
        // An expired ARM is gone: the next try is simply not armed.
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.HazardousCommandNotArmed", "cmdDisp.OpCodeError"])
    }

    @Test func armedOpcodeTelemetryReturnsToZeroWhenTheWindowEnds() throws {
        let (t, _) = try commanded()
        let fire = try t.op("probe.FIRE")
        let exec = t.lockstep()
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        exec.step(1000)  // t = 10 s: still armed (core tick at 10 s)
        #expect(try t.latest("cmdDisp.ArmedOpcode") == .u32(fire.rawValue))
        exec.step(10)  // t = 10.1 s: the window has ended
        #expect(try t.latest("cmdDisp.ArmedOpcode") == .u32(0))
        // The expired ARM is still reported as expired when the command comes.
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(try t.records("cmdDisp.ArmExpired").count == 1)
    }

    @Test func armWindowFollowsItsParameter() throws {
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE")
        #expect(try t.send("cmdDisp.ARM_WINDOW_PRM_SET", be(0.5)) == .ok)
        let exec = t.lockstep()
        var cursor = t.eventCursor
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        let armed = try #require(t.newEvents(since: &cursor).first { t.qualifiedName(of: $0) == "cmdDisp.Armed" })
        #expect(armed.arguments[1] == .f64(0.5))
        exec.step(51)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(try t.records("cmdDisp.ArmExpired").count == 1)
        #expect(p.handled.isEmpty)
        // Out of its range (0.1...600 s): refused, window unchanged.
        #expect(try t.send("cmdDisp.ARM_WINDOW_PRM_SET", be(0.05)) == .validationError)
        #expect(try t.send("cmdDisp.ARM_WINDOW_PRM_SET", be(601.0)) == .validationError)
        #expect(t.parameters.value(of: ParameterID(0x0100)) == .f64(0.5))
    }

    @Test func armOfANonHazardousOrUnknownOpcodeIsRefused() throws {
        let (t, _) = try commanded()
        let u8 = try t.op("probe.SET_U8"), fire = try t.op("probe.FIRE")
        var cursor = t.eventCursor
        #expect(try t.send("cmdDisp.ARM", be(u8.rawValue)) == .validationError)
        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.OpCodeDispatched", "cmdDisp.ArmRefused", "cmdDisp.OpCodeError"])
        #expect(records[1].arguments.values == [.u32(u8.rawValue)])
        #expect(try t.send("cmdDisp.ARM", be(UInt32(0xBAD0))) == .validationError)
        #expect(try t.records("cmdDisp.ArmRefused").count == 2)
        #expect(try t.records("cmdDisp.Armed").isEmpty)
        // Nothing was armed.
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(try t.records("cmdDisp.HazardousCommandNotArmed").count == 1)
        // ARM with malformed arguments.
        #expect(try t.send("cmdDisp.ARM", [0, 1]) == .formatError)
    }

    @Test func armOfOneHazardousCommandDoesNotArmAnother() throws {
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE"), vent = try t.op("probe.VENT")
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: vent)) == .validationError)
        #expect(try t.records("cmdDisp.HazardousCommandNotArmed").map { $0.arguments[0] } == [.u32(vent.rawValue)])
        // The ARM for FIRE is still good.
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .ok)
        #expect(p.handled.map(\.opcode) == [fire])
    }

    @Test func disarmCancelsTheArm() throws {
        let (t, p) = try commanded()
        let fire = try t.op("probe.FIRE")
        #expect(try t.send("cmdDisp.ARM", be(fire.rawValue)) == .ok)
        #expect(try t.send("cmdDisp.DISARM") == .ok)
        #expect(try t.records("cmdDisp.Disarmed").map { $0.arguments.values } == [[.u32(fire.rawValue)]])
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        #expect(p.handled.isEmpty)
        // DISARM with nothing armed is fine and says nothing.
        #expect(try t.send("cmdDisp.DISARM") == .ok)
        #expect(try t.records("cmdDisp.Disarmed").count == 1)
    }

    @Test func hazardousCommandWithBadArgumentsKeepsItsArm() throws {
        // Arguments are checked before the ARM is consumed: a malformed attempt does not use it up.
        let spec = ComponentDefinition(kind: "Pyro", commands: [CommandDefinition(0, "FIRE_N", arguments: [.init("n", .u8, range: 1...4)], hazardous: true)])
        let p = Probe("pyro", spec)
        let t = try makeTopology([(p, 0x3000)])
        let op = try t.op("pyro.FIRE_N")
        #expect(try t.send("cmdDisp.ARM", be(op.rawValue)) == .ok)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [9])) == .validationError)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [2])) == .ok)
        #expect(p.handled.map { $0.arguments[0] } == [.u8(2)])
    }
}
