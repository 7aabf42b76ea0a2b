/// A fixed-size, log-linear histogram of nanosecond latencies (HdrHistogram's layout with
/// 64 sub-buckets per power of two: under 1.6 % relative error). Recording is a few integer
/// operations and never allocates after init; percentiles are computed on demand.
public struct LatencyHistogram: Sendable {
    static let subBuckets = 64
    /// Values below 128 have a bucket each; above, each power of two [2^k, 2^(k+1)) for
    /// k = 7...63 is split into 64 equal buckets.
    static let bucketCount = 128 + 57 * 64
    private var counts: [UInt64]
    public private(set) var total: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var sum: UInt64 = 0

    public init() { counts = [UInt64](repeating: 0, count: Self.bucketCount) }

    static func index(_ v: UInt64) -> Int {
        if v < 128 { return Int(v) }
        let e = (63 - v.leadingZeroBitCount) - 6  // 1...57: bucket width 2^e
        let m = Int(v >> UInt64(e)) - 64  // 0..<64
        return 128 + (e - 1) * 64 + m
    }

    /// The highest value that lands in bucket `i`.
    static func upperBound(_ i: Int) -> UInt64 {
        if i < 128 { return UInt64(i) }
        let e = (i - 128) / 64 + 1
        let m = UInt64((i - 128) % 64 + 64)
        // (m + 1) << e is 2^64 for the very last bucket: saturate instead of overflowing.
        let (top, overflow) = (m + 1).multipliedReportingOverflow(by: UInt64(1) << UInt64(e))
        return overflow || top == 0 ? .max : top - 1
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
