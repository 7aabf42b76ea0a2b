/// A byte stream to a device: a serial port, a PTY a simulator exposes, a socket, or the
/// simulated bus. Drivers call it from the executive's thread on their tick, so neither
/// call ever blocks: received bytes were already queued by the link's own reader, and sends
/// that the device cannot take now are refused (counted) rather than waited for.
public protocol ByteLink: AnyObject, Sendable {
    /// The device or endpoint, as the board file names it.
    var name: String { get }
    var state: LinkState { get }
    var statistics: LinkStatistics { get }

    /// Moves up to `buffer.count` received bytes into `buffer`; returns how many (0 when
    /// none are waiting). Never blocks.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int

    /// Sends bytes; returns how many were taken. Fewer than `bytes.count` means back-pressure
    /// (the device or the send queue is full) or a link that is not open; the caller keeps
    /// the rest. Never blocks.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int

    /// Closes the link and stops its threads. Idempotent.
    func close()
}

extension ByteLink {
    /// Sends all of `bytes` or nothing (for framed protocols that must not split a frame).
    /// Returns false, counting nothing as sent, when they do not fit now.
    public func writeAll(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { write($0) }
    }
}
