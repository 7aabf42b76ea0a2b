/// A link that is never open: what a ground interface drives when the run has no ground
/// link, so the topology (and the dictionary fprime-gds loads) is the same either way.
/// Reads return nothing; writes are refused and counted.
public final class UnconnectedByteLink: ByteLink {
    public let name: String
    private let counters = LinkCounters()

    public init(name: String = "no ground link") { self.name = name }

    public var state: LinkState { .closed }
    public var statistics: LinkStatistics { counters.snapshot }
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { 0 }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        counters.add(.sendRefused)
        return 0
    }

    public func close() {}
}
