// Ground link benchmarks (docs/performance.md, "Ground link").
// Downlink: 1,000 telemetry packets per sample framed into 1024-byte TM frames and written to
// a TCPByteLink on loopback, timed until the other end's link has received every byte.
// Archive: 1,000 decoded packets per sample appended and committed in one transaction
// (WAL, synchronous = FULL: one fsync per commit) to an SQLite file through GRDB.
import Benchmark
import FlightCore
import FlightHAL
import FlightWire
import Foundation
import Ground
import Synchronization

let packetsPerSample = 1_000

let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

func config(maxDuration: Duration = .seconds(3)) -> Benchmark.Configuration {
    .init(metrics: metrics, warmupIterations: 5, maxDuration: maxDuration, maxIterations: 100_000)
}

/// Reads the server end on its own thread and counts the bytes.
final class Drain: Sendable {
    let received = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    func run(_ link: TCPByteLink) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { buffer.deallocate() }
        while !stop.load(ordering: .relaxed) {
            let n = link.read(into: buffer)
            if n == 0 { usleep(20) } else { received.add(n, ordering: .relaxed) }
        }
    }
}

/// Writes 16 changing channels and logs one event every tick: traffic for the ground interface.
final class Traffic: Component {
    let name = "traffic"
    var ports = ComponentPorts.unwired
    var n: UInt32 = 0
    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Traffic", summary: "benchmark traffic",
            channels: (0..<16).map { ChannelDefinition(UInt32($0), "C\($0)", .u32) },
            events: [EventDefinition(0, "Tick", .diagnostic, arguments: [.init("n", .u32)], format: "tick {}")])
    }
    func tick(_ context: TickContext) {
        n &+= 1
        for k in 0..<16 { ports.write(UInt32(k), .u32(n &+ UInt32(k))) }
        ports.log(UInt32(0), EventArguments(.u32(n)))
    }
}

let benchmarks: @Sendable () -> Void = {
    // The ground interface's whole tick (uplink poll, events then channels framed, frames
    // written) in a lockstep topology, its link a simulated byte link drained every step:
    // 100 base ticks per sample, 50 ground ticks, each with 17 new packets.
    Benchmark("Ground.interface.lockstep.x100ticks", configuration: config()) { benchmark in
        let (flight, ground) = SimulatedByteLink.pair("flight", "ground", capacity: 1 << 20)
        var b = TopologyBuilder(name: "Bench", baseRate: 100, coreRate: 10)
        let g = try! GroundInterface(link: flight, dispatcher: b.dispatcher, telemetry: b.telemetry, events: b.events)
        b.add(g, baseID: 0x700)
        b.add(RateGroup("ground", g), divisor: 2, offset: 1)
        let t = Traffic()
        b.add(t, baseID: 0x800)
        b.add(RateGroup("traffic", t), divisor: 2)
        let topology = try! b.build()
        let exec = topology.lockstep()
        let sink = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { sink.deallocate() }
        exec.step(200)  // warm up: the link opens, first frames go
        while ground.read(into: sink) > 0 {}
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 {
                exec.step()
                while ground.read(into: sink) > 0 {}
            }
        }
        benchmark.stopMeasurement()
        blackHole(g.counts.downlinkPackets)
    }

    Benchmark("Ground.downlink.framingAndTCP.x1000", configuration: config()) { benchmark in
        let server = try! TCPByteLink.listening(on: TCPEndpoint(host: "127.0.0.1", port: 0), capacity: 1 << 20)
        let client = TCPByteLink.connecting(to: TCPEndpoint(host: "127.0.0.1", port: server.port))
        defer {
            client.close()
            server.close()
        }
        while !server.state.isOpen { usleep(1000) }
        let drain = Drain()
        let thread = Thread { drain.run(server) }
        thread.start()
        defer { drain.stop.store(true, ordering: .relaxed) }
        var framer = try! TMFramer()
        var sequencer = SpacePacketSequencer()
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { packet.deallocate() }
        var sent = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for i in 0..<packetsPerSample {
                let n = withUnsafeBytes(of: UInt32(i).bigEndian) { v in
                    try! FPrimePacket.telemetry(channel: ChannelID(0x100), time: FlightTime(seconds: 1, microseconds: 0), value: v)
                        .encodeSpacePacket(sequencer: &sequencer, into: packet)
                }
                framer.append(packet: UnsafeRawBufferPointer(rebasing: packet[0..<n])) { frame in
                    var done = 0
                    while done < frame.count { done += client.write(UnsafeRawBufferPointer(rebasing: frame[done...])) }
                    sent += frame.count
                }
            }
            framer.flush { frame in
                var done = 0
                while done < frame.count { done += client.write(UnsafeRawBufferPointer(rebasing: frame[done...])) }
                sent += frame.count
            }
            while drain.received.load(ordering: .relaxed) < sent {}
        }
    }

    Benchmark("Ground.archive.insert.x1000", configuration: config(maxDuration: .seconds(5))) { benchmark in
        let path = NSTemporaryDirectory() + "regolith-bench-\(getpid()).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let archive = try! PacketArchive(path: path)
        let packets = (0..<packetsPerSample).map { i in
            DecodedPacket(kind: .telemetry, apid: 1, item: 0x100, name: "cmdDisp.CommandsDispatched", flightTime: Double(i) / 100,
                          value: Double(i), text: "\(i)", bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 27))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for p in packets { archive.append(p, received: 1.0) }
            blackHole(try! archive.commit())
        }
    }
}
