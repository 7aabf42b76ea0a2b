import Benchmark
import FlightCore

/// Fifty sensor channels written every tick, gently moving inside their limits, and one event
/// that is never logged: what the 200 monitors of the fault-manager benchmarks watch.
final class SensorBank: Component {
    let name = "sensors"
    var ports = ComponentPorts.unwired
    var phase = 0.0
    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "SensorBank",
            channels: (0..<50).map { ChannelDefinition(UInt32($0), "S\($0)", .f64) } + [ChannelDefinition(50, "Mode", .u8, update: .onChange)],
            events: [EventDefinition(0, "Blip", .warningLow, format: "Blip")])
    }
    func tick(_ context: TickContext) {
        phase += 0.001
        for i in 0..<50 { ports.write(UInt32(i), .f64(50 + 10 * (phase + Double(i) * 0.01).truncatingRemainder(dividingBy: 1))) }
        ports.write(50, .u8(1))
    }
}

/// 200 monitors over the bank: 80 limit, 40 range, 20 expected, 20 delta, 20 stale, 10 event,
/// 10 combinations; persistence and clearing of several kinds; 20 responses. In steady state
/// nothing violates, so a tick is pure evaluation (no events, no telemetry writes but the
/// fault manager's seven counters).
func twoHundredMonitors() -> FaultTable {
    var monitors: [MonitorSpec] = []
    for i in 0..<80 {
        monitors.append(MonitorSpec("lim\(i)", .limit(channel: "sensors.S\(i % 50)", redLow: 0, yellowLow: 10, yellowHigh: 90, redHigh: 100),
                                    persistence: i % 2 == 0 ? .consecutive(3) : .nOfM(3, 10), clear: ClearCondition(samples: 5, deadband: 2)))
    }
    for i in 0..<40 { monitors.append(MonitorSpec("rng\(i)", .range(channel: "sensors.S\(i % 50)", min: -10, max: 110))) }
    for i in 0..<20 { monitors.append(MonitorSpec("exp\(i)", .expected(channel: "sensors.Mode", value: .number(1)))) }
    for i in 0..<20 { monitors.append(MonitorSpec("dlt\(i)", .delta(channel: "sensors.S\(i)", maxRate: 1e6), persistence: .nOfM(2, 5))) }
    for i in 0..<20 { monitors.append(MonitorSpec("stl\(i)", .stale(channel: "sensors.S\(i)", timeout: .seconds(1)))) }
    for i in 0..<10 { monitors.append(MonitorSpec("evt\(i)", .event("sensors.Blip"), persistence: .nOfM(2, 10))) }
    for i in 0..<10 { monitors.append(MonitorSpec("cmb\(i)", i % 2 == 0 ? .all(["lim\(i)", "rng\(i)"]) : .any(["lim\(i)", "rng\(i)", "stl\(i)"]))) }
    let responses = (0..<20).map { ResponseSpec("rsp\($0)", on: "lim\($0)", actions: [.event(.warningHigh)], cooldown: .seconds(5)) }
    return FaultTable(monitors: monitors, responses: responses)
}

func faultTopology(withFaults: Bool) -> (Topology, SensorBank, FaultManager?) {
    var b = TopologyBuilder(name: "FaultBench", baseRate: 1000, coreRate: 10)
    let bank = SensorBank()
    b.add(bank)
    b.add(RateGroup("sensors", bank), divisor: 1)
    var faults: FaultManager?
    if withFaults {
        let f = FaultManager(table: twoHundredMonitors())
        b.add(f, baseID: 0x1_0000)
        b.add(RateGroup("faults", f), divisor: 1)
        faults = f
    }
    do { return (try b.build(), bank, faults) } catch { fatalError("\(error)") }
}

func registerFaultBenchmarks() {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    // The fault manager's tick alone, 200 monitors, steady state (each iteration 1,000 ticks).
    // The bank wrote once before; delta monitors see no new sample after the first tick.
    Benchmark("Faults.tick.200monitors", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
        let (topology, _, faults) = faultTopology(withFaults: true)
        let exec = topology.lockstep()
        exec.step(2_000)
        let f = faults!
        let time = topology.telemetry.latest(topology.channelID("sensors.S0")!)!.time
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            f.tick(TickContext(tick: UInt64(i), time: time, period: .milliseconds(1)))
        }
        benchmark.stopMeasurement()
        precondition(f.totalTrips == 0, "the benchmark's monitors must stay nominal")
        blackHole(f.totalTrips)
    }

    // The whole lockstep tick at 1 kHz with fresh samples every tick (the bank writes 50
    // channels, then the fault manager evaluates 200 monitors, delta monitors included),
    // and the same topology without the fault manager: the difference is the fault manager.
    for withFaults in [true, false] {
        Benchmark(withFaults ? "Faults.step.bankAnd200monitors" : "Faults.step.bankOnly.baseline", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
            let (topology, _, faults) = faultTopology(withFaults: withFaults)
            let exec = topology.lockstep()
            exec.step(2_000)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { exec.step() }
            benchmark.stopMeasurement()
            precondition((faults?.totalTrips ?? 0) == 0, "the benchmark's monitors must stay nominal")
            blackHole(topology.telemetry.samplesAccepted)
        }
    }
}
