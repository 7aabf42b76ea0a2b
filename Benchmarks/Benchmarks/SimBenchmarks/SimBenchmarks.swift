// Simulated bus throughput and allocation benchmarks (docs/performance.md, "Simulated bus").
// Each sample moves 1,000 frames; the baseline beside them pushes and pops the same frames
// through a bare SPSCRing, the queue every node's receive side is built on.
import Benchmark
import FlightHAL
import FlightWire

#if canImport(Glibc)
    import Glibc
#endif

let framesPerSample = 1_000

let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

func config(maxDuration: Duration = .seconds(3)) -> Benchmark.Configuration {
    .init(metrics: metrics, warmupIterations: 10, maxDuration: maxDuration, maxIterations: 100_000)
}

func frame(_ n: Int) -> CANFrame {
    withUnsafeBytes(of: (UInt32(truncatingIfNeeded: n).littleEndian, UInt32(0xA5A5_A5A5))) {
        try! CANFrame(id: .standard(0x123), data: $0)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Sim.spscRing.pushPop.x1000.baseline", configuration: config()) { benchmark in
        let ring = SPSCRing<ReceivedFrame>(capacity: 256)
        let f = ReceivedFrame(frame: frame(1), timestamp: 0, timestampSource: .simulated)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<framesPerSample {
                _ = ring.push(f)
                blackHole(ring.pop())
            }
        }
    }

    Benchmark("Sim.bus.1to1.x1000", configuration: config()) { benchmark in
        let bus = SimulatedFrameBus()
        let a = bus.attach("a"), b = bus.attach("b")
        let f = frame(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<framesPerSample {
                _ = a.send(f)
                blackHole(b.receive())
            }
        }
    }

    Benchmark("Sim.bus.1to3.x1000", configuration: config()) { benchmark in
        let bus = SimulatedFrameBus()
        let a = bus.attach("a"), b = bus.attach("b"), c = bus.attach("c"), d = bus.attach("d")
        let f = frame(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<framesPerSample {
                _ = a.send(f)
                blackHole(b.receive())
                blackHole(c.receive())
                blackHole(d.receive())
            }
        }
    }

    // Every kind of fault at 1 % (disconnect and bus-off at 0.1 %), so the injector's draws
    // and the delay queue are on the measured path.
    Benchmark("Sim.bus.1to1.faults.x1000", configuration: config()) { benchmark in
        let plan = FaultPlan.seeded(42)
            .with(.drop, probability: 0.01).with(.corrupt, probability: 0.01)
            .with(.duplicate, probability: 0.01).with(.delay(steps: 3), probability: 0.01)
            .with(.disconnect(steps: 5), probability: 0.001).with(.busOff(steps: 5), probability: 0.001)
        let bus = SimulatedFrameBus(faults: plan)
        let a = bus.attach("a"), b = bus.attach("b")
        let f = frame(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<framesPerSample {
                _ = a.send(f)
                while let r = b.receive() { blackHole(r) }
                while let r = a.receive() { blackHole(r) }
            }
        }
    }

    Benchmark("Sim.byteLink.pair.64B.x1000", configuration: config()) { benchmark in
        let (a, b) = SimulatedByteLink.pair(capacity: 4096)
        let chunk = [UInt8](repeating: 0x55, count: 64)
        var into = [UInt8](repeating: 0, count: 64)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<framesPerSample {
                _ = chunk.withUnsafeBytes { a.write($0) }
                blackHole(into.withUnsafeMutableBytes { b.read(into: $0) })
            }
        }
    }

    // Client -> server -> client over Unix SOCK_SEQPACKET sockets, all three in this process
    // (three threads: the server's and the two links' readers). Sends wait out back-pressure.
    Benchmark("Sim.unixSocket.clientServerClient.x1000", configuration: config(maxDuration: .seconds(5))) { benchmark in
        let path = "/tmp/regolith-simbench-\(getpid()).sock"
        let server = try SimulatedBusServer(path: path)
        let a = UnixSocketFrameLink(path: path, name: "a"), b = UnixSocketFrameLink(path: path, name: "b")
        while server.clientCount < 2 { usleep(1_000) }
        let f = frame(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sent = 0, received = 0
            while received < framesPerSample {
                if sent < framesPerSample, a.send(f) == .sent { sent += 1 }
                while let r = b.receive() {
                    blackHole(r)
                    received += 1
                }
            }
        }
        benchmark.stopMeasurement()
        a.close()
        b.close()
        server.close()
    }
}
