import FlightCore
import Testing

struct Reading: BitwiseCopyable, Equatable {
    var seq: UInt32
    var value: Double
}

@Suite struct BusTests {
    func topic(_ id: UInt16 = 7, _ name: String = "imu") throws -> Topic<Reading> {
        try SoftwareBus().topic(TopicID(id), name, of: Reading.self)
    }

    /// (delivered, rejected, displaced), to compare outcomes.
    func outcome(delivered: Int = 0, rejected: Int = 0, displaced: Int = 0) -> [Int] { [delivered, rejected, displaced] }
    func outcome(_ o: PublishOutcome) -> [Int] { [o.delivered, o.rejected, o.displaced] }

    // MARK: Policies on a full queue

    @Test func criticalRefusesWhenFullAndTellsThePublisher() throws {
        let t = try topic()
        let s = try t.subscribe("nav", capacity: 4, policy: .critical)
        let outcomes = (1...6).map { outcome(t.publish(Reading(seq: $0, value: Double($0)))) }
        #expect(outcomes == Array(repeating: outcome(delivered: 1), count: 4) + Array(repeating: outcome(rejected: 1), count: 2))
        #expect(s.rejected == 2)
        #expect(s.dropped == 0)
        #expect(s.delivered == 4)
        #expect(s.count == 4)
        var got: [UInt32] = []
        s.drain { got.append($0.seq) }
        #expect(got == [1, 2, 3, 4])  // 5 and 6 never reached the subscriber
        #expect(s.receive() == nil)
        #expect(outcome(t.publish(Reading(seq: 7, value: 7))) == outcome(delivered: 1))
        #expect(s.receive()?.seq == 7)
        #expect(s.received == 5)
        #expect(t.published == 7)
    }

    @Test func dropOldestKeepsTheNewestInOrderAndCountsDrops() throws {
        let t = try topic()
        let s = try t.subscribe("log", capacity: 4, policy: .dropOldest)
        let outcomes = (1...10).map { outcome(t.publish(Reading(seq: $0, value: 0))) }
        #expect(outcomes == Array(repeating: outcome(delivered: 1), count: 4) + Array(repeating: outcome(delivered: 1, displaced: 1), count: 6))
        #expect(s.dropped == 6)
        #expect(s.rejected == 0)
        #expect(s.count == 4)
        #expect(s.highWater == 4)
        var got: [UInt32] = []
        s.drain { got.append($0.seq) }
        #expect(got == [7, 8, 9, 10])
        #expect(s.isEmpty)
    }

    @Test func keepLatestHoldsOnlyTheLastValueAndCountsSuperseded() throws {
        let t = try topic()
        let s = try t.subscribe("display", capacity: 16, policy: .keepLatest)
        #expect(s.capacity == 1)
        for i in 1...5 { t.publish(Reading(seq: UInt32(i), value: Double(i) * 1.5)) }
        #expect(s.dropped == 4)
        #expect(s.receive() == Reading(seq: 5, value: 7.5))
        #expect(s.receive() == nil)
        t.publish(Reading(seq: 6, value: 0))
        #expect(s.receive()?.seq == 6)
        #expect(s.dropped == 4)  // read before the next one came: nothing superseded
    }

    @Test func oneMessageMeetsEachSubscribersPolicy() throws {
        let t = try topic()
        let crit = try t.subscribe("crit", capacity: 1, policy: .critical)
        let old = try t.subscribe("old", capacity: 1, policy: .dropOldest)
        let latest = try t.subscribe("latest", policy: .keepLatest)
        let spare = try t.subscribe("spare", capacity: 8, policy: .critical)
        #expect(outcome(t.publish(Reading(seq: 1, value: 0))) == outcome(delivered: 4))
        #expect(outcome(t.publish(Reading(seq: 2, value: 0))) == outcome(delivered: 3, rejected: 1, displaced: 2))
        #expect(crit.receive()?.seq == 1)
        #expect(old.receive()?.seq == 2)
        #expect(latest.receive()?.seq == 2)
        #expect(spare.receive()?.seq == 1)
        #expect(spare.receive()?.seq == 2)
        let stats = t.subscriptionStats
        #expect(stats.map(\.subscriber) == ["crit", "old", "latest", "spare"])
        #expect(stats.map(\.rejected) == [1, 0, 0, 0])
        #expect(stats.map(\.dropped) == [0, 1, 1, 0])
        #expect(stats.map(\.capacity) == [1, 1, 1, 8])
        #expect(stats.map(\.policy) == [.critical, .dropOldest, .keepLatest, .critical])
        #expect(stats.map(\.policy.description) == ["critical", "drop-oldest", "keep-latest", "critical"])
    }

    /// A reference model of each policy, checked against the ring buffer over random traffic
    /// (wrap-around, interleaved publish and receive).
    @Test(arguments: [DeliveryPolicy.critical, .dropOldest, .keepLatest])
    func orderIsPreservedAcrossWrapAround(_ policy: DeliveryPolicy) throws {
        let t = try topic()
        let s = try t.subscribe("x", capacity: 5, policy: policy)
        let capacity = policy == .keepLatest ? 1 : 5
        var model: [UInt32] = []
        var lost: UInt64 = 0
        var rng = SplitMix64(seed: 42)
        var seq: UInt32 = 0
        var received = 0
        for _ in 0..<5_000 {
            if rng.next() % 3 != 0 {
                seq += 1
                let o = outcome(t.publish(Reading(seq: seq, value: 0)))
                if model.count < capacity {
                    model.append(seq)
                    #expect(o == outcome(delivered: 1))
                } else if policy == .critical {
                    lost += 1
                    #expect(o == outcome(rejected: 1))
                } else {
                    model.removeFirst()
                    model.append(seq)
                    lost += 1
                    #expect(o == outcome(delivered: 1, displaced: 1))
                }
            } else {
                let m = s.receive()
                #expect(m?.seq == model.first)
                if !model.isEmpty {
                    model.removeFirst()
                    received += 1
                }
            }
        }
        #expect(s.count == model.count)
        #expect(s.dropped + s.rejected == lost)
        #expect(s.received == UInt64(received))
        #expect(lost > 100)  // the test did exercise full queues
    }

    // MARK: Losses in telemetry and events

    @Test func lossesArePublishedAsTelemetryAndEvents() throws {
        let b = TopologyBuilder(name: "Bus", baseRate: 100)
        let imu = try b.bus.topic(TopicID(7), "imu", of: Reading.self)
        let nav = try imu.subscribe("nav", capacity: 2, policy: .critical)
        _ = try imu.subscribe("log-writer", capacity: 2, policy: .dropOldest)
        _ = try imu.subscribe("display", policy: .keepLatest)
        _ = try imu.subscribe("idle", capacity: 8, policy: .critical)
        let t = try b.build()
        let exec = t.lockstep()
        for i in 1...5 { imu.publish(Reading(seq: UInt32(i), value: 0)) }
        var cursor = t.eventCursor
        exec.step(10)  // one core tick

        #expect(try t.latest("bus.MessagesPublished") == .u64(5))
        #expect(try t.latest("bus.MessagesLost") == .u64(10))
        #expect(try t.latest("bus.Lost_imu_nav") == .u64(3))
        #expect(try t.latest("bus.Lost_imu_log_writer") == .u64(3))
        #expect(try t.latest("bus.Lost_imu_display") == .u64(4))
        #expect(try t.latest("bus.Lost_imu_idle") == .u64(0))

        let records = t.newEvents(since: &cursor)
        let lost = records.filter { t.qualifiedName(of: $0) == "bus.MessagesLost" }
        #expect(lost.map { $0.arguments.values } == [
            [.u16(7), .u16(0), .u64(3)],
            [.u16(7), .u16(1), .u64(3)],
            [.u16(7), .u16(2), .u64(4)],
        ])
        #expect(lost.allSatisfy { $0.severity == .warningLow })
        // MessagesLost has a yellow limit at 1.
        let yellow = records.filter { t.qualifiedName(of: $0) == "tlmChan.ChannelLimitYellow" }
        #expect(yellow.map { $0.arguments.values } == [[.u32(t.channelID("bus.MessagesLost")!.rawValue), .f64(10)]])

        // No new losses: no new events.
        exec.step(10)
        #expect(t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "bus.MessagesLost" }.isEmpty)

        // The nav queue is still full: one more message is lost by nav, log-writer and display.
        imu.publish(Reading(seq: 6, value: 0))
        exec.step(10)
        #expect(try t.latest("bus.MessagesLost") == .u64(13))
        #expect(try t.latest("bus.Lost_imu_nav") == .u64(4))
        #expect(try t.latest("bus.MessagesPublished") == .u64(6))
        let more = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "bus.MessagesLost" }
        #expect(more.map { $0.arguments.values } == [
            [.u16(7), .u16(0), .u64(4)],
            [.u16(7), .u16(1), .u64(4)],
            [.u16(7), .u16(2), .u64(5)],
        ])
        #expect(nav.receive()?.seq == 1)
    }

    @Test func lossChannelsFollowTopicsAndSubscriptionsInOrder() throws {
        let b = TopologyBuilder(name: "Bus", baseRate: 100)
        let a = try b.bus.topic(TopicID(1), "alpha", of: UInt32.self)
        let z = try b.bus.topic(TopicID(2), "zeta", of: UInt32.self)
        _ = try a.subscribe("one", capacity: 1)
        _ = try a.subscribe("two", capacity: 1)
        _ = try z.subscribe("three", capacity: 1)
        let t = try b.build()
        #expect(t.channelID("bus.Lost_alpha_one") == ChannelID(0x0500 + 16))
        #expect(t.channelID("bus.Lost_alpha_two") == ChannelID(0x0500 + 17))
        #expect(t.channelID("bus.Lost_zeta_three") == ChannelID(0x0500 + 18))
        #expect(t.channelID("bus.MessagesLost") == ChannelID(0x0501))
    }

    // MARK: Topic registry

    @Test func duplicateTopicIDIsRefused() throws {
        let bus = SoftwareBus()
        _ = try bus.topic(TopicID(7), "imu", of: Reading.self)
        #expect(throws: TopologyError.duplicateTopic(id: TopicID(7), first: "imu", second: "gps")) {
            try bus.topic(TopicID(7), "gps", of: UInt32.self)
        }
        #expect(bus.topics.count == 1)
    }

    @Test func duplicateTopicNameIsRefused() throws {
        let bus = SoftwareBus()
        _ = try bus.topic(TopicID(7), "imu", of: Reading.self)
        #expect(throws: TopologyError.duplicateTopicName("imu")) { try bus.topic(TopicID(8), "imu", of: Reading.self) }
    }

    @Test func topicNameMustBeAnIdentifier() {
        #expect(throws: TopologyError.invalidName("bad name", reason: "a topic name must be letters, digits and underscores, not starting with a digit")) {
            try SoftwareBus().topic(TopicID(1), "bad name", of: UInt8.self)
        }
    }

    @Test func twoSubscriptionsWithOneLossChannelNameAreRefused() throws {
        // "nav-1" and "nav_1" would both report as bus.Lost_imu_nav_1.
        let b = TopologyBuilder(name: "Bus", baseRate: 100)
        let imu = try b.bus.topic(TopicID(7), "imu", of: Reading.self)
        _ = try imu.subscribe("nav-1", capacity: 2)
        _ = try imu.subscribe("nav_1", capacity: 2)
        #expect(throws: TopologyError.duplicateMemberName(component: "bus", kind: "channel", name: "Lost_imu_nav_1")) { try b.build() }
    }

    @Test func topicsCannotBeAddedAfterBuild() throws {
        let b = TopologyBuilder(name: "Bus", baseRate: 100)
        let t = try b.build()
        #expect(throws: TopologyError.busFrozen(topic: "late")) { try t.bus.topic(TopicID(9), "late", of: UInt8.self) }
        #expect(t.bus.topics.isEmpty)
    }
}
