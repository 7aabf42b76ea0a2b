public import FlightWire

/// A frame link whose received data frames pass the same ``CANFilter``s SocketCAN applies in
/// the kernel, for links that have no kernel behind them (SLCAN adapters, the simulated bus).
/// Error frames always pass; a frame filtered out is not counted as lost (it was not wanted).
/// Sends and everything else go straight to the wrapped link.
public final class FilteredFrameLink: FrameLink {
    public let inner: any FrameLink
    public let filters: [CANFilter]

    /// An empty filter list passes every frame.
    public init(_ inner: any FrameLink, filters: [CANFilter]) {
        self.inner = inner
        self.filters = filters
    }

    public var name: String { inner.name }
    public var state: LinkState { inner.state }
    public var statistics: LinkStatistics { inner.statistics }
    public var supportsFD: Bool { inner.supportsFD }

    public func receive() -> ReceivedFrame? {
        while let r = inner.receive() {
            if filters.isEmpty || r.frame.isError || filters.contains(where: { $0.matches(r.frame) }) { return r }
        }
        return nil
    }

    public func send(_ frame: CANFrame) -> SendOutcome { inner.send(frame) }
    public func close() { inner.close() }
}
