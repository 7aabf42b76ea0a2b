/// Follows a device's rolling 8-bit counter so a driver can tell fresh data from repeated,
/// missing or out-of-order data. Allocation-free; one per message stream.
public struct SequenceCheck: Equatable, Sendable {
    /// What one received counter means.
    public enum Observation: Equatable, Sendable {
        /// The first counter seen (or the first after ``reset()``).
        case first
        /// Exactly one more than the last: nothing lost.
        case next
        /// The same counter again: a stuck device or a duplicated frame (stale data).
        case repeated
        /// `missed` counters were skipped (1...127): messages lost on the way.
        case gap(missed: Int)
        /// Further back than forward (128...255 ahead): a reset device or reordered frames.
        case backwards
    }

    public private(set) var last: UInt8?
    public private(set) var fresh = 0
    public private(set) var repeated = 0
    /// Messages lost, summed over all gaps.
    public private(set) var missed = 0
    public private(set) var backwards = 0

    public init() {}

    public mutating func observe(_ counter: UInt8) -> Observation {
        defer { last = counter }
        guard let last else {
            fresh += 1
            return .first
        }
        let step = Int(counter &- last)
        switch step {
        case 0:
            repeated += 1
            return .repeated
        case 1:
            fresh += 1
            return .next
        case 2...128:
            fresh += 1
            missed += step - 1
            return .gap(missed: step - 1)
        default:
            backwards += 1
            return .backwards
        }
    }

    /// Forgets the last counter (after a link loss, say).
    public mutating func reset() { last = nil }
}
