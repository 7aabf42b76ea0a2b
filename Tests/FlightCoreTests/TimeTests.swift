import FlightCore
import Testing

@Suite struct FlightTimeTests {
    @Test func microsecondsAreNormalisedIntoSeconds() {
        let t = FlightTime(seconds: 1, microseconds: 2_500_000)
        #expect(t.seconds == 3)
        #expect(t.microseconds == 500_000)
        #expect(t.totalMicroseconds == 3_500_000)
        #expect(FlightTime(seconds: 0, microseconds: 999_999).seconds == 0)
        #expect(FlightTime(seconds: 0, microseconds: 1_000_000) == FlightTime(seconds: 1, microseconds: 0))
    }

    @Test func nanosecondsTruncateToMicroseconds() {
        let t = FlightTime(base: .simulated, context: 3, nanoseconds: 1_234_567_890)
        #expect(t.seconds == 1)
        #expect(t.microseconds == 234_567)
        #expect(t.base == .simulated)
        #expect(t.context == 3)
    }

    @Test func arithmetic() {
        let t = FlightTime(seconds: 10, microseconds: 900_000)
        #expect(t.advanced(by: .milliseconds(200)) == FlightTime(seconds: 11, microseconds: 100_000))
        #expect(t.advanced(by: .microseconds(-900_001)) == FlightTime(seconds: 9, microseconds: 999_999))
        #expect(t.advanced(by: .seconds(-20)) == FlightTime(seconds: 0, microseconds: 0))  // clamped at the epoch
        #expect(t.advanced(by: .nanoseconds(999)) == t)  // below a microsecond
        let later = FlightTime(seconds: 12, microseconds: 0)
        #expect(later.since(t) == .microseconds(1_100_000))
        #expect(t.since(later) == .microseconds(-1_100_000))
        #expect(t < later && !(later < t))
        #expect(t.advanced(by: .seconds(1)).base == t.base)
    }

    @Test func advancedKeepsBaseAndContext() {
        let t = FlightTime(base: .processor, context: 7, seconds: 5, microseconds: 0)
        let u = t.advanced(by: .seconds(1.5))
        #expect(u.base == .processor && u.context == 7)
        #expect(u.totalMicroseconds == 6_500_000)
    }

    @Test(arguments: [
        (FlightTime(seconds: 0, microseconds: 0), "000:00:00:00.000000"),
        (FlightTime(seconds: 90_061, microseconds: 500_000), "001:01:01:01.500000"),
        (FlightTime(seconds: 86_399, microseconds: 999_999), "000:23:59:59.999999"),
        (FlightTime(seconds: 365 * 86_400 + 7, microseconds: 42), "365:00:00:07.000042"),
    ])
    func descriptionIsMissionElapsed(_ t: FlightTime, _ text: String) {
        #expect(t.description == text)
    }

    @Test func durations() {
        #expect(FlightDuration.seconds(0.001).nanoseconds == 1_000_000)
        #expect(FlightDuration.seconds(1.0 / 3).nanoseconds == 333_333_333)
        #expect(FlightDuration.milliseconds(3).microseconds == 3_000)
        #expect((FlightDuration.milliseconds(3) + .microseconds(5)).nanoseconds == 3_005_000)
        #expect((FlightDuration.milliseconds(3) - .seconds(1)).nanoseconds == -997_000_000)
        #expect((FlightDuration.milliseconds(10) * 7) == .milliseconds(70))
        #expect(FlightDuration.seconds(2.5).seconds == 2.5)
        #expect(FlightDuration.milliseconds(1500).description == "1.5 s")
        #expect(FlightDuration.microseconds(1) < .microseconds(2))
        #expect(FlightDuration.zero.nanoseconds == 0)
    }

    @Test func timeBasesHaveFPrimeValues() {
        #expect([TimeBase.none, .processor, .workstation, .simulated].map(\.rawValue) == [0, 1, 2, 0x10])
    }
}

@Suite struct ClockTests {
    @Test func simulatedClockMovesOnlyWhenAdvanced() {
        let c = SimulatedClock(start: .seconds(2))
        #expect(c.nanoseconds == 2_000_000_000)
        #expect(c.now() == FlightTime(base: .simulated, seconds: 2, microseconds: 0))
        #expect(c.now() == c.now())
        for _ in 0..<3 { c.advance(by: .milliseconds(10)) }
        #expect(c.monotonicNanoseconds() == 2_030_000_000)
        #expect(c.now().totalMicroseconds == 2_030_000)
        c.advance(by: .zero)
        #expect(c.nanoseconds == 2_030_000_000)
        #expect(SimulatedClock(start: .seconds(-5)).nanoseconds == 0)  // no time before the epoch
        #expect(SimulatedClock(base: .workstation).now().base == .workstation)
    }

    @Test func lockstepExecutiveAdvancesItsClockOnePeriodPerStep() throws {
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 50)
        let exec = t.lockstep(start: .seconds(1))
        #expect(exec.period == .milliseconds(20))
        exec.step(5)
        #expect(exec.tick == 5)
        #expect(exec.clock.nanoseconds == 1_100_000_000)
        #expect(p.ticks.map(\.time.totalMicroseconds) == [1_020_000, 1_040_000, 1_060_000, 1_080_000, 1_100_000])
        #expect(p.ports.now == FlightTime(base: .simulated, seconds: 1, microseconds: 100_000))
        #expect(exec.step(until: { p.ticks.count == 8 }, limit: 100))
        #expect(exec.tick == 8)
        #expect(!exec.step(until: { false }, limit: 3))
        #expect(exec.tick == 11)
    }

    @Test func monotonicClockNeverGoesBackwards() {
        let c = MonotonicClock()
        var last = c.monotonicNanoseconds()
        var lastTime = c.now()
        #expect(lastTime.base == .processor)
        for _ in 0..<10_000 {
            let n = c.monotonicNanoseconds()
            let t = c.now()
            #expect(n >= last)
            #expect(t.totalMicroseconds >= lastTime.totalMicroseconds)
            last = n
            lastTime = t
        }
        #expect(last > 0)
    }
}
