import FlightCore
import Testing

@Suite struct TelemetryTests {
    static let sensor = ComponentDefinition(
        kind: "Sensor",
        channels: [
            ChannelDefinition(0, "Always", .u32),
            ChannelDefinition(1, "OnChange", .u32, update: .onChange),
            ChannelDefinition(2, "Temp", .f64, limits: ChannelLimits(redLow: -10, yellowLow: -5, yellowHigh: 5, redHigh: 10)),
            ChannelDefinition(3, "Flag", .bool, update: .onChange),
        ])

    func sensor() throws -> (Topology, Probe) {
        let p = Probe("sensor", Self.sensor)
        return (try makeTopology([(p, 0x2000)]), p)
    }

    @Test func onChangeCountsOnlyChangesAlwaysCountsEveryWrite() throws {
        let (t, p) = try sensor()
        let store = t.telemetry
        for v: UInt32 in [5, 5, 5] { p.ports.write(0, .u32(v)) }
        for v: UInt32 in [0, 0, 5, 5, 6, 6] { p.ports.write(1, .u32(v)) }
        #expect(store.slot(ChannelID(0x2000))?.samples == 3)
        // The first write counts even though it equals the initial zero.
        #expect(store.slot(ChannelID(0x2001))?.samples == 3)
        #expect(store.samplesAccepted == 6)
        #expect(store.samplesUnchanged == 3)
        #expect(store.latest(ChannelID(0x2001))?.value == .u32(6))
    }

    @Test func onChangeComparesValuesBitForBit() throws {
        // As F Prime's TlmChan compares serialized values: NaN repeated is no change,
        // while 0.0 and -0.0 are different samples.
        let p = Probe("sensor", ComponentDefinition(kind: "K", channels: [ChannelDefinition(0, "X", .f64, update: .onChange)]))
        let t = try makeTopology([(p, 0x2000)])
        for _ in 0..<3 { p.ports.write(0, .f64(.nan)) }
        #expect(t.telemetry.slot(ChannelID(0x2000))?.samples == 1)
        p.ports.write(0, .f64(0.0))
        p.ports.write(0, .f64(-0.0))
        p.ports.write(0, .f64(-0.0))
        #expect(t.telemetry.slot(ChannelID(0x2000))?.samples == 3)
        #expect(t.telemetry.samplesUnchanged == 3)
    }

    @Test func onChangeDoesNotMovePendingOrTime() throws {
        let (t, p) = try sensor()
        let exec = t.lockstep()
        exec.step(1)
        p.ports.write(3, .bool(true))
        exec.step(4)
        p.ports.write(3, .bool(true))
        let s = try #require(t.telemetry.latest(ChannelID(0x2003)))
        #expect(s.value == .bool(true))
        #expect(s.time.totalMicroseconds == 10_000)  // the time of the write that counted
    }

    struct LimitStep: Sendable {
        let value: Double
        let state: LimitState
        let event: String?
    }

    static let limitSteps: [LimitStep] = [
        .init(value: 0, state: .nominal, event: nil),
        .init(value: 6, state: .yellowHigh, event: "tlmChan.ChannelLimitYellow"),
        .init(value: 7, state: .yellowHigh, event: nil),
        .init(value: 10, state: .redHigh, event: "tlmChan.ChannelLimitRed"),
        .init(value: 4.9, state: .nominal, event: "tlmChan.ChannelLimitNominal"),
        .init(value: -5, state: .yellowLow, event: "tlmChan.ChannelLimitYellow"),
        .init(value: -10, state: .redLow, event: "tlmChan.ChannelLimitRed"),
        .init(value: -11, state: .redLow, event: nil),
        .init(value: -4, state: .nominal, event: "tlmChan.ChannelLimitNominal"),
        .init(value: 12, state: .redHigh, event: "tlmChan.ChannelLimitRed"),
        .init(value: 5, state: .yellowHigh, event: "tlmChan.ChannelLimitYellow"),
    ]

    @Test func limitTransitionsAreCountedAndReported() throws {
        let (t, p) = try sensor()
        let id = ChannelID(0x2002)
        var cursor = t.eventCursor
        for step in Self.limitSteps {
            p.ports.write(2, .f64(step.value))
            #expect(t.telemetry.slot(id)?.limitState == step.state, "after \(step.value)")
            let records = t.newEvents(since: &cursor)
            #expect(records.map(t.qualifiedName(of:)) == (step.event.map { [$0] } ?? []), "after \(step.value)")
            if let r = records.first {
                #expect(r.arguments.values == [.u32(id.rawValue), .f64(step.value)])
            }
        }
        #expect(t.telemetry.limitTransitions == 8)
        let red = try t.records("tlmChan.ChannelLimitRed")
        #expect(red.allSatisfy { $0.severity == .warningHigh })
        #expect(try t.records("tlmChan.ChannelLimitYellow").allSatisfy { $0.severity == .warningLow })
        #expect(try t.records("tlmChan.ChannelLimitNominal").allSatisfy { $0.severity == .activityHigh })
        t.lockstep().step(10)
        #expect(try t.latest("tlmChan.LimitTransitions") == .u32(8))
    }

    @Test func limitEventsAreThrottledButTransitionsStillCounted() throws {
        let (t, p) = try sensor()
        for _ in 0..<30 {
            p.ports.write(2, .f64(6))
            p.ports.write(2, .f64(0))
        }
        #expect(t.telemetry.limitTransitions == 60)
        #expect(try t.records("tlmChan.ChannelLimitYellow").count == 20)
        #expect(try t.records("tlmChan.ChannelLimitNominal").count == 20)
        #expect(t.events.throttled == 20)
    }

    @Test func limitStatesOfChannelLimits() {
        let l = ChannelLimits(redLow: -10, yellowLow: -5, yellowHigh: 5, redHigh: 10)
        #expect([-20, -10, -7, -5, 0, 5, 7, 10, 20].map { l.state(of: $0) } == [.redLow, .redLow, .yellowLow, .yellowLow, .nominal, .yellowHigh, .yellowHigh, .redHigh, .redHigh])
        #expect(ChannelLimits(yellowHigh: 1).state(of: -1e300) == .nominal)
        #expect(l.inconsistency == nil)
        #expect(LimitState.redLow.isRed && !LimitState.redLow.isYellow && LimitState.yellowHigh.isYellow && !LimitState.nominal.isRed)
    }

    @Test func drainPendingHandsEachWrittenChannelOnceInOrder() throws {
        let (t, p) = try sensor()
        var drained: [(ChannelID, FlightValue)] = []
        t.telemetry.drainPending { _, _, _ in }  // start clean
        p.ports.write(2, .f64(1.5))
        p.ports.write(0, .u32(9))
        p.ports.write(0, .u32(10))
        t.telemetry.drainPending { id, v, _ in drained.append((id, v)) }
        #expect(drained.map(\.0) == [ChannelID(0x2000), ChannelID(0x2002)])
        #expect(drained.map(\.1) == [.u32(10), .f64(1.5)])
        drained.removeAll()
        t.telemetry.drainPending { id, v, _ in drained.append((id, v)) }
        #expect(drained.isEmpty)
        p.ports.write(1, .u32(3))
        p.ports.write(1, .u32(3))
        t.telemetry.drainPending { id, v, _ in drained.append((id, v)) }
        #expect(drained.map(\.0) == [ChannelID(0x2001)])
        // An unchanged on-change write is not pending again.
        p.ports.write(1, .u32(3))
        drained.removeAll()
        t.telemetry.drainPending { id, v, _ in drained.append((id, v)) }
        #expect(drained.isEmpty)
    }

    @Test func latestIsNilUntilWrittenAndCarriesTheTickTime() throws {
        let (t, p) = try sensor()
        #expect(t.telemetry.latest(ChannelID(0x2000)) == nil)
        #expect(t.telemetry.latest(ChannelID(0xFFFF_0000)) == nil)
        #expect(t.telemetry.slot(ChannelID(0xFFFF_0000)) == nil)
        let exec = t.lockstep(start: .seconds(100))
        exec.step(3)
        p.ports.write(0, .u32(77))
        let s = try #require(t.telemetry.latest(ChannelID(0x2000)))
        #expect(s.value == .u32(77))
        #expect(s.time == FlightTime(base: .simulated, seconds: 100, microseconds: 30_000))
        let slot = try #require(t.telemetry.slot(ChannelID(0x2000)))
        #expect(slot.qualifiedName == "sensor.Always")
        #expect(slot.type == .u32)
        #expect(slot.written && slot.pending)
    }

    @Test func digestFollowsEveryAcceptedSample() throws {
        func run(_ values: [Double], onChangeRepeats: Int = 0) throws -> UInt64 {
            let (t, p) = try sensor()
            for v in values { p.ports.write(2, .f64(v)) }
            for _ in 0..<onChangeRepeats { p.ports.write(1, .u32(0)) }
            return t.telemetry.digest
        }
        let empty = try sensor().0.telemetry.digest
        let a = try run([1, 2, 3])
        #expect(a != empty)
        #expect(try run([1, 2, 3]) == a)
        #expect(try run([1, 2, 4]) != a)
        #expect(try run([1, 3, 2]) != a)
        #expect(try run([0.0]) != (try run([-0.0])))  // bit patterns, not numeric equality
        // Repeated on-change writes add one sample, not one per write.
        #expect(try run([1, 2, 3], onChangeRepeats: 1) == (try run([1, 2, 3], onChangeRepeats: 5)))
        #expect(try run([1, 2, 3], onChangeRepeats: 1) != a)
    }

    @Test func coreTickPublishesTheStoresOwnCounters() throws {
        let (t, p) = try sensor()
        p.ports.write(0, .u32(1))
        p.ports.write(0, .u32(2))
        t.lockstep().step(10)
        // Other core services wrote their counters first in the same tick.
        let accepted = try #require(try t.latest("tlmChan.SamplesAccepted"))
        guard case .u64(let n) = accepted else { Issue.record("SamplesAccepted is \(accepted)"); return }
        #expect(n >= 2 && n <= t.telemetry.samplesAccepted)
        #expect(try t.latest("tlmChan.LimitTransitions") == .u32(0))
    }
}
