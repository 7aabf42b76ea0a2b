// FlightWire throughput and allocation benchmarks. Each byte-crunching benchmark processes the
// same 64 KiB per iteration as the `memcpy` baseline beside it, so throughput ratios against
// the baseline compare like with like on whatever machine runs them (docs/performance.md).
import Benchmark
import FlightCore
import FlightWire

let chunk = 64 * 1024

let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

func config(_ scaling: BenchmarkScalingFactor = .one) -> Benchmark.Configuration {
    .init(metrics: metrics, warmupIterations: 10, scalingFactor: scaling, maxDuration: .seconds(3), maxIterations: 100_000)
}

/// Deterministic bytes with zeros sprinkled in (so COBS has work to do).
func testBytes(_ n: Int) -> [UInt8] {
    var x: UInt32 = 0x1234_5678
    return (0..<n).map { _ in
        x = x &* 1_664_525 &+ 1_013_904_223
        let b = UInt8(truncatingIfNeeded: x >> 24)
        return b < 8 ? 0 : b
    }
}

let byteTable: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
    var c = UInt32(i)
    for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    return c
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Wire.memcpy.64KiB.baseline", configuration: config()) { benchmark in
        let src = testBytes(chunk)
        var dst = [UInt8](repeating: 0, count: chunk)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            dst.withUnsafeMutableBytes { d in src.withUnsafeBytes { d.copyMemory(from: $0) } }
            blackHole(dst[Int(dst[0])])
        }
    }

    Benchmark("Wire.crc32c.64KiB", configuration: config()) { benchmark in
        let src = testBytes(chunk)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(src.withUnsafeBytes { CRC32C.checksum($0) })
        }
    }

    // What FlightCore's CRC-32C was before slicing-by-8: one table lookup per byte.
    Benchmark("Wire.crc32c.64KiB.byteTableReference", configuration: config()) { benchmark in
        let src = testBytes(chunk)
        let table = byteTable
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(src.withUnsafeBytes { b in
                table.withUnsafeBufferPointer { t in
                    var c: UInt32 = 0xFFFF_FFFF
                    for x in b { c = t[Int((c ^ UInt32(x)) & 0xFF)] ^ (c >> 8) }
                    return c ^ 0xFFFF_FFFF
                }
            })
        }
    }

    Benchmark("Wire.crc16ccittFalse.64KiB", configuration: config()) { benchmark in
        let src = testBytes(chunk)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(src.withUnsafeBytes { CRC16CCITT.checksum($0) })
        }
    }

    // 256 frames of 256 bytes: framed (COBS + CRC-32C) then deframed, per iteration.
    Benchmark("Wire.cobsCRC.frameAndDeframe.64KiB.256BFrames", configuration: config()) { benchmark in
        let src = testBytes(chunk)
        let frameSize = 256
        var wire = [UInt8](repeating: 0, count: COBSFrame.maxWireCount(payloadCount: frameSize))
        var deframer = COBSDeframer(maxPayload: frameSize)
        var delivered = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            src.withUnsafeBytes { s in
                wire.withUnsafeMutableBytes { w in
                    var at = 0
                    while at < chunk {
                        let payload = UnsafeRawBufferPointer(rebasing: s[at..<(at + frameSize)])
                        let n = COBSFrame.encode(payload, into: w) ?? 0
                        deframer.ingest(UnsafeRawBufferPointer(rebasing: w[0..<n])) { delivered &+= $0.count }
                        at += frameSize
                    }
                }
            }
        }
        blackHole(delivered)
        precondition(deframer.counts.rejected == 0)
    }

    // 1000 packets with a 64-byte data field per iteration: throughput x 1000 = packets/s.
    Benchmark("Wire.spacePacket.encode.64B.x1000", configuration: config()) { benchmark in
        let data = testBytes(64)
        var out = [UInt8](repeating: 0, count: 70)
        var sequencer = SpacePacketSequencer()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 {
                out.withUnsafeMutableBytes { o in
                    data.withUnsafeBytes { d in
                        blackHole(try? SpacePacket.encode(
                            type: .telemetry, apid: 1, sequenceCount: sequencer.next(for: 1), dataField: d, into: o))
                    }
                }
            }
        }
    }

    Benchmark("Wire.spacePacket.decode.64B.x1000", configuration: config()) { benchmark in
        var packet = [UInt8](repeating: 0, count: 70)
        let data = testBytes(64)
        packet.withUnsafeMutableBytes { o in
            data.withUnsafeBytes { d in _ = try? SpacePacket.encode(type: .telemetry, apid: 1, sequenceCount: 0, dataField: d, into: o) }
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 {
                packet.withUnsafeBytes { blackHole((try? SpacePacket.decode($0, exact: true))?.header.apid) }
            }
        }
    }

    // F Prime telemetry packets (U32 value) into 1024-byte TM frames and back out of them:
    // the whole downlink path, 1000 packets per iteration.
    Benchmark("Wire.downlink.telemetryThroughTMFrames.x1000", configuration: config()) { benchmark in
        var framer = try! TMFramer()
        var reassembler = TMPacketReassembler(capacity: 4096)
        var sequencer = SpacePacketSequencer()
        var packet = [UInt8](repeating: 0, count: 64)
        let value: [UInt8] = [0, 0, 0, 42]
        var got = 0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            for k in 0..<1000 {
                let n = packet.withUnsafeMutableBytes { o in
                    value.withUnsafeBytes { v in
                        (try? FPrimePacket.telemetry(
                            channel: ChannelID(UInt32(k)), time: FlightTime(seconds: UInt32(i), microseconds: 0), value: v
                        ).encodeSpacePacket(sequencer: &sequencer, into: o)) ?? 0
                    }
                }
                packet.withUnsafeBytes { p in
                    framer.append(packet: UnsafeRawBufferPointer(rebasing: p[0..<n])) { frame in
                        if let f = try? TMFrame.decode(frame, frameSize: 1024) { reassembler.accept(f) { _ in got &+= 1 } }
                    }
                }
            }
        }
        blackHole(got)
    }
}
