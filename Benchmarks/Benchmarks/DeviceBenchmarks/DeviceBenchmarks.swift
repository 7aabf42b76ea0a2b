// Device protocol benchmarks (docs/performance.md, "Devices"): what a driver's tick pays to
// send and receive typed device messages. Each sample moves 1,000 messages (an IMU sample's
// acceleration message) from one DeviceEndpoint to another over a simulated byte pair
// (serial binding: encode, COBS, CRC-32C, deframe, decode) and over the simulated CAN bus;
// the codec alone beside them. The allocation counts are the figures that matter: zero.
import Benchmark
import Devices
import FlightHAL
import FlightWire

let messagesPerSample = 1_000

let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

func config(maxDuration: Duration = .seconds(3)) -> Benchmark.Configuration {
    .init(metrics: metrics, warmupIterations: 10, maxDuration: maxDuration, maxIterations: 100_000)
}

let imu = DeviceMessage.imuAcceleration(IMUAcceleration(x: 1.5, y: -2, z: 9.81, counter: 3))

let benchmarks: @Sendable () -> Void = {
    Benchmark("Devices.codec.encodeDecode.x1000", configuration: config()) { benchmark in
        var payload: (UInt64, UInt64) = (0, 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<messagesPerSample {
                withUnsafeMutableBytes(of: &payload) { p in
                    let n = imu.encode(into: p)!
                    blackHole(try? DeviceMessage.decode(id: 0x030, payload: UnsafeRawBufferPointer(rebasing: p[0..<n])))
                }
            }
        }
    }

    Benchmark("Devices.endpoint.serial.x1000", configuration: config()) { benchmark in
        let (a, b) = SimulatedByteLink.pair(capacity: 4096)
        let tx = DeviceEndpoint(a), rx = DeviceEndpoint(b)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<messagesPerSample {
                _ = tx.send(imu)
                blackHole(rx.receive())
            }
        }
    }

    Benchmark("Devices.endpoint.can.x1000", configuration: config()) { benchmark in
        let bus = SimulatedFrameBus(supportsFD: false)
        let tx = DeviceEndpoint(bus.attach("tx")), rx = DeviceEndpoint(bus.attach("rx"))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<messagesPerSample {
                _ = tx.send(imu)
                blackHole(rx.receive())
            }
        }
    }
}
