import FlightCore

/// A small message, as a sensor would publish it: 32 bytes, BitwiseCopyable.
struct ImuSample: BitwiseCopyable {
    var sequence: UInt64
    var rate: (Float, Float, Float)
    var acceleration: (Float, Float, Float)
}

// Four kinds of trivial component, each a little arithmetic and one telemetry write per
// tick. Sixteen instances (four of each kind) make the rate group under test.

final class Integrator: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var position = 0.0, velocity = 0.25
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "Integrator", channels: [ChannelDefinition(0, "Position", .f64)])
    }
    func tick(_ context: TickContext) {
        position += velocity * 0.001
        ports.write(0, .f64(position))
    }
}

final class LowPass: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var state: Float = 0, input: Float = 1
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "LowPass", channels: [ChannelDefinition(0, "Output", .f32)])
    }
    func tick(_ context: TickContext) {
        state += 0.1 * (input - state)
        input = -input
        ports.write(0, .f32(state))
    }
}

final class Accumulator: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var total: UInt64 = 1
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "Accumulator", channels: [ChannelDefinition(0, "Total", .u64)])
    }
    func tick(_ context: TickContext) {
        total = total &* 6_364_136_223_846_793_005 &+ context.tick
        ports.write(0, .u64(total))
    }
}

final class Limiter: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var command: Int32 = 0
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "Limiter", channels: [ChannelDefinition(0, "Command", .i32)])
    }
    func tick(_ context: TickContext) {
        command = min(max(command &+ 37, -1000), 1000)
        if command == 1000 { command = -1000 }
        ports.write(0, .i32(command))
    }
}

/// Sixteen components, four of each kind, in a fixed order.
struct SixteenComponents {
    let i0, i1, i2, i3: Integrator
    let l0, l1, l2, l3: LowPass
    let a0, a1, a2, a3: Accumulator
    let m0, m1, m2, m3: Limiter

    init(prefix: String) {
        (i0, i1, i2, i3) = (Integrator("\(prefix)i0"), Integrator("\(prefix)i1"), Integrator("\(prefix)i2"), Integrator("\(prefix)i3"))
        (l0, l1, l2, l3) = (LowPass("\(prefix)l0"), LowPass("\(prefix)l1"), LowPass("\(prefix)l2"), LowPass("\(prefix)l3"))
        (a0, a1, a2, a3) = (Accumulator("\(prefix)a0"), Accumulator("\(prefix)a1"), Accumulator("\(prefix)a2"), Accumulator("\(prefix)a3"))
        (m0, m1, m2, m3) = (Limiter("\(prefix)m0"), Limiter("\(prefix)m1"), Limiter("\(prefix)m2"), Limiter("\(prefix)m3"))
    }

    /// The same sixteen, interleaved by kind, as existentials.
    var all: [any Component] {
        [i0, l0, a0, m0, i1, l1, a1, m1, i2, l2, a2, m2, i3, l3, a3, m3]
    }

    /// The same sixteen, in the same order, as one parameter-pack rate group.
    func rateGroup(_ name: String) -> RateGroup<
        Integrator, LowPass, Accumulator, Limiter, Integrator, LowPass, Accumulator, Limiter,
        Integrator, LowPass, Accumulator, Limiter, Integrator, LowPass, Accumulator, Limiter
    > {
        RateGroup(name, i0, l0, a0, m0, i1, l1, a1, m1, i2, l2, a2, m2, i3, l3, a3, m3)
    }
}

/// A topology at `baseRate` with the core services and sixteen components; `grouped` puts
/// them in one pack rate group running every base tick.
func sixteenComponentTopology(baseRate: Double, grouped: Bool) -> (Topology, SixteenComponents) {
    var b = TopologyBuilder(name: "Bench", baseRate: baseRate)
    let sixteen = SixteenComponents(prefix: "c")
    for c in sixteen.all { b.add(c) }
    if grouped { b.add(sixteen.rateGroup("fast"), divisor: 1) }
    do {
        return (try b.build(), sixteen)
    } catch {
        fatalError("benchmark topology refused: \(error)")
    }
}
