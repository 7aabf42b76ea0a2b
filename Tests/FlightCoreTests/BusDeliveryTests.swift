import FlightCore
import Testing

/// What each delivery policy does when a queue fills, and what it counts.
@Suite struct BusDeliveryTests {
    struct Sample: BitwiseCopyable, Equatable {
        var n: UInt32
        var x: Double
    }

    func topic() throws -> Topic<Sample> {
        try SoftwareBus().topic(TopicID(7), "samples", of: Sample.self)
    }

    @Test(arguments: [DeliveryPolicy.dropOldest, .critical, .keepLatest])
    func fillOverflowAndDrain(policy: DeliveryPolicy) throws {
        let t = try topic()
        let s = try t.subscribe("sub", capacity: 4, policy: policy)
        var outcomes: [PublishOutcome] = []
        for n in 0..<7 { outcomes.append(t.publish(Sample(n: UInt32(n), x: Double(n) / 2))) }
        var got: [UInt32] = []
        s.drain { got.append($0.n) }
        #expect(s.receive() == nil)
        #expect(t.published == 7)
        #expect(s.isEmpty && s.count == 0)
        switch policy {
        case .dropOldest:
            #expect(got == [3, 4, 5, 6])
            #expect((s.delivered, s.dropped, s.rejected, s.received, s.highWater) == (7, 3, 0, 4, 4))
            #expect(outcomes.map(\.displaced) == [0, 0, 0, 0, 1, 1, 1])
            #expect(outcomes.allSatisfy { $0.delivered == 1 && $0.rejected == 0 })
        case .critical:
            #expect(got == [0, 1, 2, 3])
            #expect((s.delivered, s.dropped, s.rejected, s.received, s.highWater) == (4, 0, 3, 4, 4))
            #expect(outcomes.map(\.rejected) == [0, 0, 0, 0, 1, 1, 1])
            #expect(outcomes.map(\.delivered) == [1, 1, 1, 1, 0, 0, 0])
        default:
            #expect(got == [6])
            #expect((s.delivered, s.dropped, s.rejected, s.received, s.highWater) == (7, 6, 0, 1, 1))
            #expect(s.capacity == 1)
        }
    }

    @Test func wrapsAroundAndKeepsOrderAcrossSubscribers() throws {
        let t = try topic()
        let a = try t.subscribe("a", capacity: 3, policy: .dropOldest)
        let b = try t.subscribe("b", capacity: 3, policy: .critical)
        var fromA: [UInt32] = [], fromB: [UInt32] = []
        for round in 0..<5 {
            for k in 0..<2 { t.publish(Sample(n: UInt32(round * 2 + k), x: 0)) }
            if let m = a.receive() { fromA.append(m.n) }
            if let m = b.receive() { fromB.append(m.n) }
        }
        a.drain { fromA.append($0.n) }
        b.drain { fromB.append($0.n) }
        // a keeps the newest three when it overflows; b refuses what does not fit.
        #expect(fromA == [0, 1, 3, 5, 7, 8, 9])
        #expect(fromB == [0, 1, 2, 3, 4, 6, 8])
        #expect((a.dropped, b.rejected) == (3, 3))
        #expect(t.subscriptionStats.map(\.delivered) == [10, 7])
        #expect(t.subscriptionStats.map(\.highWater) == [3, 3])
    }
}
