import Benchmark
import FlightCore

/// Publish-to-delivery on one topic: each iteration publishes 1,000 messages in bursts of
/// eight, and after each burst every subscriber drains its queue. The topology (bus, topic,
/// subscriptions and their preallocated queues) is built before the measurement starts, so
/// any allocation counted is one the publish or receive path made.
func registerBusBenchmarks() {
    let burst = 8
    for subscribers in [1, 4] {
        for policy in [DeliveryPolicy.dropOldest, .critical] {
            Benchmark(
                "Bus.publishDrain.\(subscribers)sub.\(policy)",
                configuration: .init(
                    metrics: [.throughput, .wallClock, .mallocCountTotal],
                    scalingFactor: .kilo)
            ) { benchmark in
                let b = TopologyBuilder(name: "BusBench", baseRate: 1000)
                let topic: Topic<ImuSample>
                do { topic = try b.bus.topic(TopicID(1), "imu", of: ImuSample.self) } catch { fatalError("\(error)") }
                let subscriptions: [Subscription<ImuSample>]
                do { subscriptions = try (0..<subscribers).map { try topic.subscribe("s\($0)", capacity: 16, policy: policy) } } catch { fatalError("\(error)") }
                do { _ = try b.build() } catch { fatalError("\(error)") }
                var sample = ImuSample(sequence: 0, rate: (0.1, 0.2, 0.3), acceleration: (0, 0, -9.81))
                var checksum: UInt64 = 0

                benchmark.startMeasurement()
                for i in benchmark.scaledIterations {
                    sample.sequence = UInt64(i)
                    topic.publish(sample)
                    if i % burst == burst - 1 || i == benchmark.scaledIterations.upperBound - 1 {
                        for s in subscriptions {
                            while let m = s.receive() { checksum &+= m.sequence }
                        }
                    }
                }
                benchmark.stopMeasurement()

                blackHole(checksum)
                let n = UInt64(benchmark.scaledIterations.count)
                let expected = UInt64(subscribers) * (n * (n - 1) / 2)
                if checksum != expected || subscriptions.contains(where: { $0.dropped != 0 || $0.rejected != 0 }) {
                    benchmark.error("bus lost or corrupted messages: checksum \(checksum), expected \(expected)")
                }
            }
        }
    }
}
