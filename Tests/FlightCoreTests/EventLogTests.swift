import FlightCore
import Testing

@Suite struct EventLogTests {
    enum E: UInt32 { case ping = 0, burst, windowed, debug }

    static let emitter = ComponentDefinition(
        kind: "Emitter",
        events: [
            EventDefinition(E.ping.rawValue, "Ping", .activityLow, arguments: [.init("n", .u32)], format: "ping {}"),
            EventDefinition(E.burst.rawValue, "Burst", .warningLow, arguments: [.init("n", .u32)], format: "burst {}", throttle: EventThrottle(count: 3)),
            EventDefinition(E.windowed.rawValue, "Windowed", .warningHigh, format: "windowed", throttle: EventThrottle(count: 2, window: .seconds(1))),
            EventDefinition(E.debug.rawValue, "Debug", .diagnostic, format: "debug"),
        ])

    func emitter(eventCapacity: Int = 1024) throws -> (Topology, Probe) {
        let p = Probe("emitter", Self.emitter)
        return (try makeTopology([(p, 0x2000)], eventCapacity: eventCapacity), p)
    }

    // MARK: Ring and cursors

    @Test func fullRingOverwritesTheOldestAndCountsIt() throws {
        let (t, p) = try emitter(eventCapacity: 8)
        let log = t.events
        for n in 0..<20 as Range<UInt32> { p.ports.log(E.ping, .u32(n)) }
        #expect(log.logged == 20)
        #expect(log.overwritten == 12)
        #expect(log.nextSequence == 20)
        let records = log.records
        #expect(records.map(\.sequence) == Array(12..<20))
        #expect(records.map { $0.arguments[0] } == (12..<20).map { FlightValue.u32($0) })
    }

    @Test func cursorsReportExactlyWhatTheyMissed() throws {
        let (t, p) = try emitter(eventCapacity: 8)
        let log = t.events
        for n in 0..<20 as Range<UInt32> { p.ports.log(E.ping, .u32(n)) }

        func read(from start: UInt64) -> (missed: UInt64, sequences: [UInt64], end: UInt64) {
            var c = EventLog.Cursor(next: start)
            var seqs: [UInt64] = []
            let missed = log.read(from: &c) { seqs.append($0.sequence) }
            return (missed, seqs, c.next)
        }
        let fromStart = read(from: 0)
        #expect(fromStart.missed == 12)
        #expect(fromStart.sequences == Array(12..<20))
        #expect(fromStart.end == 20)
        #expect(read(from: 5).missed == 7)
        #expect(read(from: 12).missed == 0)
        #expect(read(from: 12).sequences.count == 8)
        #expect(read(from: 15).missed == 0)
        #expect(read(from: 15).sequences == [15, 16, 17, 18, 19])
        #expect(read(from: 20).missed == 0)
        #expect(read(from: 20).sequences.isEmpty)

        // A consumer that keeps up misses nothing; one that falls behind is told by how much.
        var live = EventLog.Cursor(next: 20)
        var lagging = EventLog.Cursor(next: 13)
        for n in 20..<23 as Range<UInt32> { p.ports.log(E.ping, .u32(n)) }
        var got: [UInt32] = []
        #expect(log.read(from: &live) { if case .u32(let n) = $0.arguments[0] { got.append(n) } } == 0)
        #expect(got == [20, 21, 22])
        #expect(log.read(from: &lagging) { _ in } == 2)
        #expect(lagging.next == 23)
        #expect(log.overwritten == 15)
    }

    @Test func ringCountersAreTelemetry() throws {
        let (t, p) = try emitter(eventCapacity: 8)
        for n in 0..<23 as Range<UInt32> { p.ports.log(E.ping, .u32(n)) }
        var cursor = t.eventCursor
        t.lockstep().step(10)
        #expect(try t.latest("eventLogger.EventsLogged") == .u64(23))
        #expect(try t.latest("eventLogger.EventsOverwritten") == .u64(15))
        // EventsOverwritten has a yellow limit at 1; its event lands in the ring too.
        let yellow = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "tlmChan.ChannelLimitYellow" }
        #expect(yellow.map { $0.arguments.values } == [[.u32(t.channelID("eventLogger.EventsOverwritten")!.rawValue), .f64(15)]])
        #expect(t.events.overwritten == 16)
    }

    @Test func recordsCarryIDSeverityTimeAndArguments() throws {
        let (t, p) = try emitter()
        let exec = t.lockstep()
        exec.step(7)
        p.ports.log(E.ping, .u32(42))
        let r = try #require(t.events.records.last)
        #expect(r.id == EventID(0x2000))
        #expect(r.severity == .activityLow)
        #expect(r.time == FlightTime(base: .simulated, seconds: 0, microseconds: 70_000))
        #expect(r.arguments.values == [.u32(42)])
        let info = try #require(t.events.info(EventID(0x2001)))
        #expect(info.qualifiedName == "emitter.Burst")
        #expect(info.throttle == EventThrottle(count: 3))
        #expect(t.events.info(EventID(0x2099)) == nil)
    }

    // MARK: Throttling

    @Test func throttleByCountAndClearByCommand() throws {
        let (t, p) = try emitter()
        let id = try #require(t.eventID("emitter.Burst"))
        for n in 0..<10 as Range<UInt32> { p.ports.log(E.burst, .u32(n)) }
        #expect(try t.records("emitter.Burst").map { $0.arguments[0] } == [.u32(0), .u32(1), .u32(2)])
        #expect(t.events.throttled == 7)

        var cursor = t.eventCursor
        #expect(try t.send("eventLogger.CLEAR_THROTTLE", be(id.rawValue)) == .ok)
        let cleared = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "eventLogger.ThrottleCleared" }
        #expect(cleared.map { $0.arguments.values } == [[.u32(id.rawValue)]])
        for n in 10..<15 as Range<UInt32> { p.ports.log(E.burst, .u32(n)) }
        #expect(try t.records("emitter.Burst").count == 6)
        #expect(t.events.throttled == 9)

        #expect(try t.send("eventLogger.CLEAR_THROTTLE", be(UInt32(0xBAD))) == .validationError)
        #expect(try t.send("eventLogger.CLEAR_THROTTLE", [1, 2]) == .formatError)

        #expect(try t.send("eventLogger.CLEAR_ALL_THROTTLES") == .ok)
        #expect(try t.records("eventLogger.ThrottleCleared").last?.arguments.values == [.u32(0)])
        p.ports.log(E.burst, .u32(99))
        #expect(try t.records("emitter.Burst").last?.arguments.values == [.u32(99)])
        t.lockstep().step(10)
        #expect(try t.latest("eventLogger.EventsThrottled") == .u64(9))
    }

    @Test func throttleWindowLetsEventsThroughAgainAfterItPasses() throws {
        // Logged every 10 ms tick; at most 2 per 1 s window, the window starting at the first one.
        let p = Probe("emitter", Self.emitter) { probe, _ in probe.ports.log(E.windowed) }
        let t = try makeTopology([(p, 0x2000)])
        t.lockstep().step(250)
        let times = try t.records("emitter.Windowed").map { $0.time.totalMicroseconds / 1_000 }
        #expect(times == [10, 20, 1010, 1020, 2010, 2020])
        #expect(t.events.throttled == 244)
    }

    // MARK: Filters

    @Test func severityFilterByCommand() throws {
        let (t, p) = try emitter()
        var cursor = t.eventCursor
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [EventSeverity.diagnostic.rawValue, 0x00]) == .ok)
        let set = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "eventLogger.SeverityFilterSet" }
        #expect(set.map { $0.arguments.values } == [[.enumeration(7), .bool(false)]])
        for _ in 0..<3 { p.ports.log(E.debug) }
        p.ports.log(E.ping, .u32(1))
        #expect(t.events.filtered == 3)
        #expect(t.newEventNames(since: &cursor) == ["emitter.Ping"])

        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [EventSeverity.diagnostic.rawValue, 0xFF]) == .ok)
        _ = t.newEvents(since: &cursor)
        p.ports.log(E.debug)
        #expect(t.newEventNames(since: &cursor) == ["emitter.Debug"])
        #expect(t.events.filtered == 3)

        // Bad input: severities 0 and 8 are not constants; 0x01 is not a bool; too short.
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [0, 0x00]) == .validationError)
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [8, 0x00]) == .validationError)
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [7, 0x01]) == .formatError)
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [7]) == .formatError)
        t.lockstep().step(10)
        #expect(try t.latest("eventLogger.EventsFiltered") == .u64(3))
    }

    @Test func idFilterByCommand() throws {
        let (t, p) = try emitter()
        let ping = try #require(t.eventID("emitter.Ping"))
        var cursor = t.eventCursor
        #expect(try t.send("eventLogger.SET_ID_FILTER", be(ping.rawValue) + [0x00]) == .ok)  // record: false
        let set = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "eventLogger.IdFilterSet" }
        #expect(set.map { $0.arguments.values } == [[.u32(ping.rawValue), .bool(false)]])
        p.ports.log(E.ping, .u32(1))
        p.ports.log(E.ping, .u32(2))
        p.ports.log(E.debug)
        #expect(t.events.filtered == 2)
        #expect(t.newEventNames(since: &cursor) == ["emitter.Debug"])

        #expect(try t.send("eventLogger.SET_ID_FILTER", be(ping.rawValue) + [0xFF]) == .ok)  // record: true
        _ = t.newEvents(since: &cursor)
        p.ports.log(E.ping, .u32(3))
        #expect(t.newEvents(since: &cursor).map { $0.arguments.values } == [[.u32(3)]])

        #expect(try t.send("eventLogger.SET_ID_FILTER", be(UInt32(0xBAD)) + [0xFF]) == .validationError)
        #expect(try t.send("eventLogger.SET_ID_FILTER", be(ping.rawValue) + [0x02]) == .formatError)
        #expect(t.events.filtered == 2)
    }

    @Test func filteredEventsDoNotUseUpTheirThrottle() throws {
        let (t, p) = try emitter()
        let burst = try #require(t.eventID("emitter.Burst"))
        #expect(try t.send("eventLogger.SET_ID_FILTER", be(burst.rawValue) + [0x00]) == .ok)  // record: false
        for n in 0..<5 as Range<UInt32> { p.ports.log(E.burst, .u32(n)) }
        #expect(try t.send("eventLogger.SET_ID_FILTER", be(burst.rawValue) + [0xFF]) == .ok)  // record: true
        for n in 5..<10 as Range<UInt32> { p.ports.log(E.burst, .u32(n)) }
        #expect(try t.records("emitter.Burst").map { $0.arguments[0] } == [.u32(5), .u32(6), .u32(7)])
        #expect(t.events.filtered == 5)
        #expect(t.events.throttled == 2)
    }

    // MARK: Digest

    @Test func digestFollowsRecordedEventsOnly() throws {
        func run(_ values: [UInt32], extraBursts: Int = 0) throws -> UInt64 {
            let (t, p) = try emitter()
            for v in values { p.ports.log(E.ping, .u32(v)) }
            for _ in 0..<3 + extraBursts { p.ports.log(E.burst, .u32(0)) }
            return t.events.digest
        }
        #expect(try emitter().0.events.digest == 0xcbf2_9ce4_8422_2325)
        let a = try run([1, 2, 3])
        #expect(try run([1, 2, 3]) == a)
        #expect(try run([1, 2, 4]) != a)
        #expect(try run([3, 2, 1]) != a)
        // Throttled events are not recorded, so they do not change the digest.
        #expect(try run([1, 2, 3], extraBursts: 5) == a)
    }
}
