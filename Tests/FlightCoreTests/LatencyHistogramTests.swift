import FlightCore
import Testing

@Suite struct LatencyHistogramTests {
    /// The documented bound: a percentile is the upper bound of its bucket, under 1.6 % above
    /// the true value.
    static let relativeError = 0.016

    func expectWithinBucketError(_ reported: UInt64, _ truth: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reported >= truth, "reported \(reported) below the true \(truth)", sourceLocation: sourceLocation)
        let err = Double(reported - min(reported, truth)) / Double(truth)
        #expect(err <= Self.relativeError, "reported \(reported) for \(truth): \(err * 100) % off", sourceLocation: sourceLocation)
    }

    @Test func emptyHistogramReportsZero() {
        let h = LatencyHistogram()
        #expect(h.total == 0)
        #expect(h.percentile(0.5) == 0)
        #expect(h.percentile(1) == 0)
        #expect(h.mean == 0)
        #expect(h.max == 0)
    }

    @Test func smallValuesAreExact() {
        var h = LatencyHistogram()
        for v in 1...100 as ClosedRange<UInt64> { h.record(v) }
        #expect(h.total == 100)
        #expect(h.min == 1)
        #expect(h.max == 100)
        #expect(h.sum == 5050)
        #expect(h.mean == 50.5)
        #expect(h.percentile(0.01) == 1)
        #expect(h.percentile(0.5) == 50)
        #expect(h.percentile(0.99) == 99)
        #expect(h.percentile(1) == 100)
        #expect(h.percentile(0) == 1)
    }

    @Test func percentilesOfAUniformRunAreWithinTheBucketError() {
        var h = LatencyHistogram()
        for v in 1...100_000 as ClosedRange<UInt64> { h.record(v) }
        for (p, truth) in [(0.5, 50_000), (0.9, 90_000), (0.99, 99_000), (0.999, 99_900), (0.25, 25_000)] as [(Double, UInt64)] {
            expectWithinBucketError(h.percentile(p), truth)
        }
        #expect(h.percentile(1) == 100_000)
    }

    /// Every magnitude, including each power of two (the bottom of a bucket, where the error
    /// is largest): v's percentile among {v, a much larger value} is v's bucket bound.
    @Test func bucketErrorHoldsAtEveryMagnitude() {
        var values: [UInt64] = []
        for k in 6..<62 {
            let p = UInt64(1) << UInt64(k)
            values += [p - 1, p, p + 1, p + p / 3]
        }
        var v = 100.0
        while v < 4e18 {
            values.append(UInt64(v))
            v *= 1.07
        }
        for v in values {
            var h = LatencyHistogram()
            h.record(v)
            h.record(v * 2 + 1_000)
            expectWithinBucketError(h.percentile(0.5), v)
        }
    }

    @Test func hugeValuesAreClampedToTheLargestSample() {
        var h = LatencyHistogram()
        h.record(.max)
        h.record(1 << 63)
        #expect(h.percentile(1) == .max)
        #expect(h.percentile(0.5) >= 1 << 63)
        #expect(h.max == .max)
    }

    @Test func resetEmptiesIt() {
        var h = LatencyHistogram()
        for v in [5, 500, 50_000] as [UInt64] { h.record(v) }
        #expect(h.total == 3)
        h.reset()
        #expect(h.total == 0 && h.sum == 0 && h.max == 0 && h.min == .max)
        #expect(h.percentile(0.5) == 0)
        h.record(7)
        #expect(h.percentile(0.5) == 7)
    }
}
