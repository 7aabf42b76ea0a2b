/// A fixed-size, log-linear histogram of nanosecond latencies (HdrHistogram's layout): values
/// below 128 ns are exact, above that each power of two has 64 sub-buckets, so a reported
/// percentile is at most 1/64 (under 1.6 %) above the true sample. Recording is a few integer
/// operations and never allocates after init; percentiles are computed on demand.
public struct LatencyHistogram: Sendable {
    static let subBuckets = 64
    /// 128 exact buckets, then 64 per power of two from 2^7 to 2^63.
    static let bucketCount = 128 + 57 * 64
    private var counts: [UInt64]
    public private(set) var total: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var sum: UInt64 = 0

    public init() { counts = [UInt64](repeating: 0, count: Self.bucketCount) }

    static func index(_ v: UInt64) -> Int {
        if v < 128 { return Int(v) }
        let e = (63 - v.leadingZeroBitCount) - 6  // >= 1: v >> e is in 64..<128
        let m = Int(v >> UInt64(e)) - 64
        return 128 + (e - 1) * 64 + m
    }

    /// The highest value that lands in bucket `i`.
    static func upperBound(_ i: Int) -> UInt64 {
        if i < 128 { return UInt64(i) }
        let e = (i - 128) / 64 + 1
        let m = UInt64((i - 128) % 64 + 64)
        let top = (m + 1) << UInt64(e)
        return top == 0 ? .max : top - 1
    }

    public mutating func record(_ nanoseconds: UInt64) {
        counts.withUnsafeMutableBufferPointer { $0[Swift.min(Self.index(nanoseconds), Self.bucketCount - 1)] &+= 1 }
        total &+= 1
        sum &+= nanoseconds
        if nanoseconds > max { max = nanoseconds }
        if nanoseconds < min { min = nanoseconds }
    }

    /// The value at or below which `p` (0...1) of the samples lie (bucket upper bound,
    /// clamped to the largest sample); 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((p * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for i in 0..<Self.bucketCount {
            seen &+= counts[i]
            if seen >= rank { return Swift.min(Self.upperBound(i), max) }
        }
        return max
    }

    public var mean: Double { total == 0 ? 0 : Double(sum) / Double(total) }

    public mutating func reset() {
        for i in counts.indices { counts[i] = 0 }
        total = 0
        max = 0
        min = .max
        sum = 0
    }
}
