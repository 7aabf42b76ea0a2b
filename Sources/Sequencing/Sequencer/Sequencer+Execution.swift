import FlightCore

/// The interpreter: runs compiled bytes in place, on the tick path. The bytes were checked
/// through at install (every jump on an instruction, every index in range, every expression
/// within the stack), so it reads them without re-checking bounds beyond a few cheap guards.
/// No allocation: the argument buffer, variables and stack are preallocated per slot.
extension Sequencer {
    enum Evaluation { case ok, notWritten, divisionByZero }

    @inline(__always) func u16(_ c: UnsafeMutableRawBufferPointer, _ at: Int) -> Int {
        Int(UInt16(bigEndian: c.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
    }
    @inline(__always) func u32(_ c: UnsafeMutableRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bigEndian: c.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
    @inline(__always) func i64(_ c: UnsafeMutableRawBufferPointer, _ at: Int) -> Int64 {
        Int64(bigEndian: c.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }
    @inline(__always) func f64(_ c: UnsafeMutableRawBufferPointer, _ at: Int) -> Double {
        Double(bitPattern: UInt64(bigEndian: c.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }

    /// Runs one slot for one tick: settles what it waits on, then executes instructions until
    /// it waits again, pauses, ends, or has used its instruction budget.
    func run(_ slot: RunSlot, index: Int, now: FlightTime) {
        guard let entry = slot.entry else { return }
        var budget = instructionsPerTick
        while budget > 0, slot.entry === entry {
            switch slot.waiting {
            case .none: break
            case .time:
                guard now >= slot.due else {
                    slot.state = .waiting
                    return
                }
                slot.waiting = .none
                slot.mark = slot.due
            case .response:
                guard let r = slot.response else {
                    slot.state = .waiting
                    return
                }
                slot.response = nil
                slot.waiting = .none
                slot.mark = now
                if r != .ok {
                    ports.log(Event.commandFailed, EventArguments(.u16(slot.sequenceID), .u32(slot.line), .u32(slot.lastOpcode), .enumeration(r.rawValue)))
                    fail(slot, .commandFailed)
                    continue
                }
            case .condition:
                let frame = slot.frames[slot.depth - 1]
                let at = entry.routines[frame.routine].codeStart + slot.waitInstruction
                let (v, status) = evaluate(entry.code, at + 14, base: frame.variableBase, slot: slot)
                if status == .divisionByZero {
                    fail(slot, .divisionByZero)
                    continue
                }
                if status == .ok && v != 0 {
                    slot.waiting = .none
                    slot.mark = now
                } else if now >= slot.due {
                    slot.waiting = .none
                    slot.mark = now
                    if entry.code[at + 13] != WaitTimeoutAction.continue.rawValue {
                        fail(slot, .waitTimedOut)
                        continue
                    }
                } else {
                    slot.state = .waiting
                    return
                }
            }
            if slot.paused {
                slot.state = .paused
                return
            }
            if slot.stepping && slot.stepped {
                slot.stepping = false
                slot.paused = true
                slot.state = .paused
                ports.log(Event.stepped, .u16(slot.sequenceID), .u32(slot.line))
                return
            }
            slot.state = slot.frames[slot.depth - 1].aborting ? .aborting : .running
            execute(slot, entry, index: index, now: now)
            if slot.waiting == .none { slot.mark = now }
            budget -= 1
        }
        if slot.entry === entry, slot.waiting != .none { slot.state = .waiting }
    }

    /// Executes the instruction at the top frame's pc.
    func execute(_ slot: RunSlot, _ entry: CatalogueEntry, index: Int, now: FlightTime) {
        let f = slot.depth - 1
        let frame = slot.frames[f]
        let info = entry.routines[frame.routine]
        let code = entry.code
        let at = info.codeStart + frame.pc
        let op = code[at]
        slot.line = u32(code, at + 1)
        let p = at + 5
        let base = frame.variableBase
        func next(_ end: Int) { slot.frames[f].pc = end - info.codeStart }
        func jump(_ target: UInt32) { slot.frames[f].pc = Int(target) }
        switch SequenceImage.Op(rawValue: op) {
        case .command:
            let opcode = u32(code, p)
            let len = u16(code, p + 4)
            let patchAt = p + 6 + len
            let patches = Int(code[patchAt])
            next(patchAt + 1 + 4 * patches)
            slot.arguments.removeAll(keepingCapacity: true)
            slot.arguments.append(contentsOf: UnsafeRawBufferPointer(rebasing: code[(p + 6)..<(p + 6 + len)]))
            for k in 0..<patches {
                let q = patchAt + 1 + 4 * k
                let offset = u16(code, q)
                let v = slot.variables[base + Int(code[q + 2])]
                guard let type = ScalarType(rawValue: code[q + 3]), let stored = type.store(v), type.isInteger ? stored == v.rounded(.towardZero) : true else {
                    fail(slot, .valueOutOfRange)
                    return
                }
                slot.arguments.withUnsafeMutableBytes { Self.store(stored, as: type, into: $0, at: offset) }
            }
            slot.stepped = true
            slot.commandCounter &+= 1
            slot.token = UInt32(index) << 24 | (slot.commandCounter & 0xFF_FFFF)
            slot.waiting = .response
            slot.response = nil
            slot.lastOpcode = opcode
            commandsSent &+= 1
            guard let dispatcher else {
                slot.response = .executionError
                return
            }
            dispatcher.dispatch(CommandPacket(opcode: Opcode(opcode), sequence: slot.token, arguments: slot.arguments, source: .sequencer))
        case .after:
            next(p + 8)
            slot.due = slot.mark.advanced(by: .nanoseconds(i64(code, p)))
            slot.waiting = .time
        case .atMissionElapsed:
            next(p + 8)
            slot.due = FlightTime(base: now.base, nanoseconds: UInt64(max(0, i64(code, p))))
            slot.waiting = .time
        case .atUTC:
            next(p + 8)
            let epoch = ports.isWired ? ports.parameter(Parameter.utcEpoch).doubleValue : 0
            let us = Double(i64(code, p)) - epoch * 1e6
            slot.due = FlightTime(base: now.base, nanoseconds: us <= 0 ? 0 : UInt64(min(us, 1.8e13)) * 1_000)
            slot.waiting = .time
        case .wait:
            next(p + 8)
            slot.stepped = true
            slot.due = slot.mark.advanced(by: .nanoseconds(i64(code, p)))
            slot.waiting = .time
        case .waitUntil:
            next(p + 11 + u16(code, p + 9))
            slot.stepped = true
            slot.waitInstruction = frame.pc
            slot.due = now.advanced(by: .nanoseconds(i64(code, p)))
            slot.waiting = .condition
        case .set:
            next(p + 3 + u16(code, p + 1))
            slot.stepped = true
            let v = Int(code[p])
            let (value, status) = evaluate(code, p + 1, base: base, slot: slot)
            guard check(slot, status) else { return }
            guard let stored = info.types[v].store(value) else {
                fail(slot, .valueOutOfRange)
                return
            }
            slot.variables[base + v] = stored
        case .ifBranch, .elseIf:
            slot.stepped = true
            let (value, status) = evaluate(code, p + 4, base: base, slot: slot)
            guard check(slot, status) else { return }
            if value != 0 { next(p + 6 + u16(code, p + 4)) } else { jump(u32(code, p)) }
        case .elseJump:
            jump(u32(code, p))
        case .endIf:
            slot.stepped = true
            next(p)
        case .repeatLoop:
            slot.stepped = true
            let counter = base + Int(code[p + 4])
            if slot.variables[counter] >= Double(u32(code, p)) {
                slot.variables[counter] = 0
                jump(u32(code, p + 5))
            } else {
                next(p + 9)
            }
        case .endRepeat, .endWhile:
            slot.stepped = true
            slot.variables[base + Int(code[p + 4])] += 1
            jump(u32(code, p))
        case .whileLoop:
            slot.stepped = true
            let counter = base + Int(code[p + 4])
            let (value, status) = evaluate(code, p + 9, base: base, slot: slot)
            guard check(slot, status) else { return }
            if value == 0 {
                slot.variables[counter] = 0
                jump(u32(code, p + 5))
            } else if slot.variables[counter] >= Double(u32(code, p)) {
                slot.variables[counter] = 0
                fail(slot, .loopBound)
            } else {
                next(p + 11 + u16(code, p + 9))
            }
        case .call:
            slot.stepped = true
            let routine = Int(code[p])
            guard slot.depth < SequenceChecker.maxCallDepth, routine < entry.routines.count else {
                fail(slot, .corrupt)
                return
            }
            let callee = entry.routines[routine]
            let calleeBase = base + info.variableCount
            for k in 0..<callee.variableCount { slot.variables[calleeBase + k] = callee.initial[k] }
            var q = p + 2
            for _ in 0..<Int(code[p + 1]) {
                let parameter = Int(code[q])
                let (value, status) = evaluate(code, q + 1, base: base, slot: slot)
                guard check(slot, status) else { return }
                guard parameter < callee.variableCount, let stored = callee.types[parameter].store(value) else {
                    fail(slot, .valueOutOfRange)
                    return
                }
                slot.variables[calleeBase + parameter] = stored
                q += 3 + u16(code, q + 1)
            }
            next(q)
            slot.frames[slot.depth] = RunSlot.Frame(routine: routine, pc: 0, variableBase: calleeBase, aborting: false)
            slot.depth += 1
        case .abort:
            slot.stepped = true
            fail(slot, .abortStatement)
        case .ret:
            let aborting = frame.aborting
            slot.depth -= 1
            if slot.depth == 0 {
                finish(slot, now: now)
            } else if aborting || slot.failed {
                unwind(slot)
            }
        case nil:
            fail(slot, .corrupt)
        }
    }

    /// Fails the sequence for a bad evaluation; true when the evaluation was fine.
    func check(_ slot: RunSlot, _ status: Evaluation) -> Bool {
        switch status {
        case .ok: return true
        case .notWritten: fail(slot, .channelNotWritten)
        case .divisionByZero: fail(slot, .divisionByZero)
        }
        return false
    }

    /// Records a failure, then runs abort blocks from the innermost frame out.
    func fail(_ slot: RunSlot, _ reason: SequenceFailure) {
        ports.log(Event.failed, .u16(slot.sequenceID), .u32(slot.line), .enumeration(Int32(reason.rawValue)))
        if !slot.failed {
            slot.failed = true
            failed &+= 1
        }
        slot.waiting = .none
        slot.response = nil
        unwind(slot)
    }

    /// Goes to the abort block of the innermost frame not yet aborting; pops frames that have
    /// none (or whose abort block failed); ends the run when no frame is left.
    func unwind(_ slot: RunSlot) {
        guard let entry = slot.entry else { return }
        while slot.depth > 0 {
            let f = slot.depth - 1
            let info = entry.routines[slot.frames[f].routine]
            if !slot.frames[f].aborting, info.abortOffset >= 0 {
                slot.frames[f].aborting = true
                slot.frames[f].pc = info.abortOffset
                slot.state = .aborting
                ports.log(Event.abortBlockStarted, .u16(slot.sequenceID), .u32(info.abortLine))
                return
            }
            slot.depth -= 1
        }
        finish(slot, now: .zero)
    }

    func finish(_ slot: RunSlot, now: FlightTime) {
        if !slot.failed {
            completed &+= 1
            ports.log(Event.completed, .u16(slot.sequenceID), .f64(now.since(slot.started).seconds))
        }
        release(slot)
    }

    /// Evaluates the postfix expression whose length field is at `at`.
    func evaluate(_ code: UnsafeMutableRawBufferPointer, _ at: Int, base: Int, slot: RunSlot) -> (Double, Evaluation) {
        let end = at + 2 + u16(code, at)
        var p = at + 2
        var sp = 0
        let s = stack
        while p < end {
            let op = code[p]
            p += 1
            switch op {
            case 0x01...0x04:
                s[sp] = f64(code, p)
                p += 8
                sp += 1
            case 0x05:
                s[sp] = slot.variables[base + Int(code[p])]
                p += 1
                sp += 1
            case 0x06:
                guard let sample = telemetry?.latest(ChannelID(u32(code, p))) else { return (0, .notWritten) }
                s[sp] = sample.value.doubleValue
                p += 4
                sp += 1
            case 0x20: s[sp - 1] = -s[sp - 1]
            case 0x21: s[sp - 1] = s[sp - 1] == 0 ? 1 : 0
            default:
                let b = s[sp - 1], a = s[sp - 2]
                sp -= 1
                let r: Double
                switch op {
                case 0x10: r = a + b
                case 0x11: r = a - b
                case 0x12: r = a * b
                case 0x13:
                    guard b != 0 else { return (0, .divisionByZero) }
                    r = a / b
                case 0x14: r = a < b ? 1 : 0
                case 0x15: r = a <= b ? 1 : 0
                case 0x16: r = a > b ? 1 : 0
                case 0x17: r = a >= b ? 1 : 0
                case 0x18: r = a == b ? 1 : 0
                case 0x19: r = a != b ? 1 : 0
                case 0x1A: r = a != 0 && b != 0 ? 1 : 0
                default: r = a != 0 || b != 0 ? 1 : 0
                }
                s[sp - 1] = r
            }
        }
        return (s[0], .ok)
    }

    /// Writes a variable's value big-endian into a command's argument bytes.
    static func store(_ v: Double, as type: ScalarType, into b: UnsafeMutableRawBufferPointer, at o: Int) {
        switch type {
        case .u8: b.storeBytes(of: UInt8(v), toByteOffset: o, as: UInt8.self)
        case .u16: b.storeBytes(of: UInt16(v).bigEndian, toByteOffset: o, as: UInt16.self)
        case .u32: b.storeBytes(of: UInt32(v).bigEndian, toByteOffset: o, as: UInt32.self)
        case .u64: b.storeBytes(of: (v >= 18446744073709551615.0 ? UInt64.max : UInt64(v)).bigEndian, toByteOffset: o, as: UInt64.self)
        case .i8: b.storeBytes(of: Int8(v), toByteOffset: o, as: Int8.self)
        case .i16: b.storeBytes(of: Int16(v).bigEndian, toByteOffset: o, as: Int16.self)
        case .i32: b.storeBytes(of: Int32(v).bigEndian, toByteOffset: o, as: Int32.self)
        case .i64: b.storeBytes(of: (v >= 9223372036854775807.0 ? Int64.max : Int64(v)).bigEndian, toByteOffset: o, as: Int64.self)
        case .f32: b.storeBytes(of: Float(v).bitPattern.bigEndian, toByteOffset: o, as: UInt32.self)
        case .f64: b.storeBytes(of: v.bitPattern.bigEndian, toByteOffset: o, as: UInt64.self)
        case .bool: b.storeBytes(of: v != 0 ? UInt8(0xFF) : 0, toByteOffset: o, as: UInt8.self)
        }
    }
}
