/// A fixed-size, log-linear histogram of nanosecond latencies (HdrHistogram's layout with
/// 64 sub-buckets per power of two: under 1.6 % relative error). Recording is a few integer
/// operations and never allocates after init; percentiles are computed on demand.
public struct LatencyHistogram: Sendable {
    static let subBuckets = 64
    static let bucketCount = 64 + 58 * 32
    private var counts: [UInt64]
    public private(set) var total: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var sum: UInt64 = 0

    public init() { counts = [UInt64](repeating: 0, count: Self.bucketCount) }

    static func index(_ v: UInt64) -> Int {
        if v < 64 { return Int(v) }
        let e = (63 - v.leadingZeroBitCount) - 5  // >= 1
        let m = Int(v >> UInt64(e)) - 32  // 0..<32
        return 64 + (e - 1) * 32 + m
    }

    /// The highest value that lands in bucket `i`.
    static func upperBound(_ i: Int) -> UInt64 {
        if i < 64 { return UInt64(i) }
        let e = (i - 64) / 32 + 1
        let m = UInt64((i - 64) % 32 + 32)
        return ((m + 1) << UInt64(e)) - 1
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
