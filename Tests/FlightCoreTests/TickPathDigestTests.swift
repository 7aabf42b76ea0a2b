import FlightCore
import Testing

/// A sensor whose value sweeps through its limits, with one channel of each update policy.
final class Sweeper: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var step: UInt64 = 0
    enum Channel: UInt32 { case level = 0, mode = 1, bits = 2 }
    enum Event: UInt32 { case wrapped = 0 }
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Sweeper",
            channels: [
                ChannelDefinition(Channel.level.rawValue, "Level", .f64, limits: ChannelLimits(redLow: -90, yellowLow: -50, yellowHigh: 50, redHigh: 90)),
                ChannelDefinition(Channel.mode.rawValue, "Mode", .u8, update: .onChange),
                ChannelDefinition(Channel.bits.rawValue, "Bits", .u32),
            ],
            events: [EventDefinition(Event.wrapped.rawValue, "Wrapped", .activityLow, arguments: [.init("step", .u64)], format: "Wrapped at {}")])
    }
    func tick(_ context: TickContext) {
        step += 1
        let phase = Double(step % 40) / 40
        ports.write(Channel.level, .f64(200 * phase - 100))
        ports.write(Channel.mode, .u8(UInt8(step / 25 % 3)))
        ports.write(Channel.bits, .u32(UInt32(truncatingIfNeeded: step &* 2_654_435_761)))
        if step % 40 == 0 { ports.log(Event.wrapped, .u64(step)) }
    }
}

/// The telemetry and event digests fold every accepted sample and event, so a change to the
/// tick path that alters any value, time, order, on-change suppression or limit transition
/// changes them. The expected figures were recorded on FlightCore without the tick-path
/// performance changes (main at 1cf48ee; the core services publish one more channel there
/// than at 6c00dcb, where the first figures were taken) and hold with them.
@Suite struct TickPathDigestTests {
    @Test func telemetryAndEventsAreUnchanged() throws {
        var b = TopologyBuilder(name: "Digest", baseRate: 100)
        let s1 = Sweeper("s1"), s2 = Sweeper("s2")
        b.add(s1)
        b.add(s2)
        b.add(RateGroup("fast", s1), divisor: 1)
        b.add(RateGroup("slow", s2), divisor: 3, offset: 1)
        let t = try b.build()
        t.lockstep().step(500)
        let tlm = t.telemetry
        #expect(tlm.samplesAccepted == 2235)
        #expect(tlm.samplesUnchanged == 3434)
        #expect(tlm.limitTransitions == 85)
        #expect(tlm.digest == 11590073617151355595)
        #expect(t.events.logged == 73)
        #expect(t.events.digest == 11746339226885155456)
    }
}
