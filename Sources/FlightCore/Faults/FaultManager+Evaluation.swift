/// The tick path: monitors sampled, states moved, responses fired. No allocation,
/// no strings; every loop is bounded by the table's size.
extension FaultManager {
    public func tick(_ context: TickContext) {
        let now = context.time.totalMicroseconds
        if !started {
            started = true
            startTime = now
            for k in monitors.indices { publish(k) }
            for r in responses.indices { ports.write(responseChannel(r), .u32(0)) }
        }
        let mode = modes?.current ?? 0
        evaluateAll(mode: mode, now: now, time: context.time)
        flushTransitions()
        if trippedNow > 0 { runResponses(mode: mode, now: now) }
        ports.write(Channel.monitorsTripped, .u32(trippedNow))
        ports.write(Channel.trips, .u32(totalTrips))
        ports.write(Channel.responsesFired, .u32(firedTotal))
        ports.write(Channel.responsesSuppressed, .u32(suppressedTotal))
        ports.write(Channel.commandsLockedOut, .u32(lockedOut))
        ports.write(Channel.commandFailures, .u32(commandFailures))
    }

    /// Every monitor's sample, in evaluation order, with one access to each array for the
    /// whole pass. State changes are recorded and reported after the pass (``flushTransitions()``):
    /// nothing here writes telemetry or logs.
    private func evaluateAll(mode: Int, now: UInt64, time: FlightTime) {
        guard let store = telemetry, let log = eventLog else { return }
        let emitted = log.emitted, matched = log.matched, order = self.order, operands = self.operands
        store.withSlots { slots in
            emitted.withUnsafeBufferPointer { emitted in
                matched.withUnsafeBufferPointer { matched in
                    order.withUnsafeBufferPointer { order in
                        operands.withUnsafeBufferPointer { operands in
                            monitors.withUnsafeMutableBufferPointer { mons in
                                for k in order {
                                    evaluate(&mons[k], k, mons, slots, emitted, matched, operands, mode: mode, now: now, time: time)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One monitor's sample and state change.
    @inline(__always)
    private func evaluate(
        _ m: inout Monitor, _ k: Int, _ mons: UnsafeMutableBufferPointer<Monitor>, _ slots: UnsafeBufferPointer<TelemetryStore.Slot>,
        _ emitted: UnsafeBufferPointer<UInt64>, _ matched: UnsafeBufferPointer<UInt64>, _ operands: UnsafeBufferPointer<Int>,
        mode: Int, now: UInt64, time: FlightTime
    ) {
        guard m.enabled else {
            // Events while disabled are not samples.
            if m.code == .event { m.lastEmissions = emitted[m.slot] } else if m.code == .eventArguments { m.lastEmissions = matched[m.slot] }
            return
        }
        guard m.modes.contains(mode) else {
            if m.state != .inactive && m.state != .latched { change(&m, k, to: .inactive, at: time, commanded: true) }
            if m.code == .event { m.lastEmissions = emitted[m.slot] } else if m.code == .eventArguments { m.lastEmissions = matched[m.slot] }
            return
        }
        if m.state == .inactive { change(&m, k, to: .nominal, at: time, commanded: false) }

        // The sample: whether it violates, whether it is yellow, whether it is good enough to clear.
        var violated = false, yellow = false, good = true
        switch m.code {
        case .limit, .range, .expected, .delta:
            guard slots[m.slot].written else { return }
            let v = slots[m.slot].value.doubleValue
            m.value = v
            switch m.code {
            case .limit:
                violated = !(v > m.a && v < m.d)
                yellow = !violated && !(v > m.b && v < m.c)
                good = v > m.a + m.deadband && v < m.d - m.deadband
            case .range:
                violated = !(v >= m.a && v <= m.d)
                good = v >= m.a + m.deadband && v <= m.d - m.deadband
            case .expected:
                violated = !(abs(v - m.a) <= m.b)
                good = !violated
            default:  // delta: only on a new sample, against the previous one
                let samples = slots[m.slot].samples
                guard samples != m.lastSamples else { return }
                m.lastSamples = samples
                let t = slots[m.slot].time.totalMicroseconds
                let comparable = m.hasPrevious && t > m.previousTime
                let rate = comparable ? abs(v - m.previous) / (Double(t - m.previousTime) / 1e6) : 0
                m.previous = v
                m.previousTime = t
                m.hasPrevious = true
                guard comparable else { return }
                m.value = rate
                violated = !(rate <= m.a)
                good = !violated
            }
        case .stale:
            let last = slots[m.slot].written ? slots[m.slot].lastWrite.totalMicroseconds : startTime
            let age = now > last ? now - last : 0
            violated = age > m.timeout
            m.value = Double(age) / 1e6
            good = !violated
        case .event, .eventArguments:
            let count = m.code == .event ? emitted[m.slot] : matched[m.slot]
            violated = count != m.lastEmissions
            m.value = Double(count &- m.lastEmissions)
            m.lastEmissions = count
            good = !violated
        case .all, .any, .not:
            var count = 0
            for j in m.operandStart..<(m.operandStart + m.operandCount) where mons[operands[j]].state == .tripped { count += 1 }
            switch m.code {
            case .all: violated = count == m.operandCount
            case .any: violated = count > 0
            default: violated = count == 0
            }
            m.value = Double(count)
            good = !violated
        }

        m.history = ((m.history << 1) | (violated ? 1 : 0)) & m.windowMask
        switch m.state {
        case .nominal, .warning, .latched:
            if m.history.nonzeroBitCount >= m.need {
                m.trips &+= 1
                m.tripSerial &+= 1
                m.trippedAt = now
                m.goodRun = 0
                totalTrips &+= 1
                trippedNow &+= 1
                change(&m, k, to: .tripped, at: time, commanded: false)
            } else if m.state != .latched {
                let to: MonitorState = yellow ? .warning : .nominal
                if to != m.state { change(&m, k, to: to, at: time, commanded: false) }
            }
        case .tripped:
            m.goodRun = good ? m.goodRun &+ 1 : 0
            if m.goodRun >= m.clearSamples {
                m.history = 0
                m.goodRun = 0
                trippedNow &-= 1
                change(&m, k, to: m.latching ? .latched : .nominal, at: time, commanded: false)
            }
        case .disabled, .inactive:
            break
        }
    }

    /// Moves a monitor to `to` and records the transition for ``flushTransitions()``. A change
    /// by command or mode (`commanded`) also keeps the tripped count right and empties the history.
    func change(_ m: inout Monitor, _ k: Int, to: MonitorState, at time: FlightTime, commanded: Bool) {
        let was = m.state
        guard was != to else { return }
        if commanded {
            if was == .tripped { trippedNow &-= 1 }
            m.history = 0
            m.goodRun = 0
            m.hasPrevious = false
        }
        m.state = to
        m.lastChange = time
        if transitionCount < transitions.count {
            transitions[transitionCount] = (k, was, to, m.value, commanded)
            transitionCount += 1
        } else {
            transitionsLost &+= 1  // cannot happen: three per monitor per tick are preallocated
        }
    }

    /// Changes a monitor by command, and reports it at once.
    func set(_ k: Int, _ to: MonitorState, at time: FlightTime) {
        change(&monitors[k], k, to: to, at: time, commanded: true)
        flushTransitions()
    }

    /// Reports the recorded transitions: an event each, and the monitors' channels.
    func flushTransitions() {
        for i in 0..<transitionCount {
            let t = transitions[i]
            let id = FlightValue.enumeration(Int32(t.monitor)), v = FlightValue.f64(t.value)
            switch t.to {
            case .tripped: ports.log(Event.tripped, id, v)
            case .latched: ports.log(Event.latched, id, v)
            case .warning: ports.log(Event.warning, id, v)
            case .nominal where t.from == .tripped || (t.from == .warning && !t.commanded): ports.log(Event.cleared, id, v)
            default: ports.log(Event.stateChanged, id, .enumeration(Int32(t.from.rawValue)), .enumeration(Int32(t.to.rawValue)))
            }
            publish(t.monitor)
        }
        transitionCount = 0
    }

    func publish(_ k: Int) {
        let c = Self.monitorChannel(k)
        ports.write(c, .enumeration(Int32(monitors[k].state.rawValue)))
        ports.write(c + 1, .u32(monitors[k].trips))
        ports.write(c + 2, seconds(monitors[k].lastChange))
    }

    /// Each response whose monitor is tripped acts once per trip, when its time has come and
    /// every lower-level response on that monitor has had its chance.
    private func runResponses(mode: Int, now: UInt64) {
        for pos in responseOrder.indices {
            let ri = responseOrder[pos]
            let r = responses[ri]
            let m = r.monitor
            guard monitors[m].state == .tripped else { continue }
            let trip = monitors[m].tripSerial
            guard r.handledTrip != trip, now &- monitors[m].trippedAt >= r.after else { continue }
            var lowerDone = true
            for p in r.lowerStart..<r.lowerEnd where responses[responseOrder[p]].handledTrip != trip { lowerDone = false }
            guard lowerDone else { continue }
            responses[ri].handledTrip = trip
            let reason: Suppression?
            if !r.enabled {
                reason = .disabled
            } else if !r.modes.contains(mode) {
                reason = .mode
            } else if r.limit > 0 && r.firings >= r.limit {
                reason = .limit
            } else if r.hasFired && now &- r.lastFired < r.cooldown {
                reason = .cooldown
            } else {
                reason = nil
            }
            if let reason {
                responses[ri].suppressed &+= 1
                suppressedTotal &+= 1
                ports.log(Event.responseSuppressed, .enumeration(Int32(ri)), .enumeration(reason.rawValue))
                continue
            }
            responses[ri].firings &+= 1
            responses[ri].lastFired = now
            responses[ri].hasFired = true
            firedTotal &+= 1
            ports.log(Event.responseFired, .enumeration(Int32(ri)), .enumeration(Int32(m)), .enumeration(Int32(r.level.rawValue)))
            ports.write(responseChannel(ri), .u32(responses[ri].firings))
            for a in r.actionStart..<(r.actionStart + r.actionCount) { perform(actions[a], response: ri, monitor: m) }
        }
    }

    private func perform(_ action: Action, response: Int, monitor: Int) {
        switch action {
        case .alarm(let e):
            ports.log(e, .enumeration(Int32(response)), .enumeration(Int32(monitor)))
        case .packet(let p):
            dispatcher?.dispatch(p)
        case .mode(let m):
            modes?.request(m, reason: .faultResponse)
        case .safe:
            modes?.enterSafe(reason: .faultResponse)
        }
    }
}
