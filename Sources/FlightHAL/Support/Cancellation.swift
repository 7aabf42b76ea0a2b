#if canImport(Glibc)
    import Glibc
#endif
public import FlightCore

/// Wakes a link's reader thread out of poll(2) so that it can stop: the read end of a
/// self-pipe, polled beside the device; ``cancel()`` writes a byte to the other end and the
/// pipe stays readable from then on.
public final class Cancellation: Sendable {
    /// The read end (polled); immutable after init, closed in deinit (after the reader joined).
    public let fd: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        let rc = pipe(&ends)
        precondition(rc == 0, "pipe failed: \(Syscall.describe(Glibc.errno))")
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = Syscall.setNonBlocking(end)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        Syscall.close(fd)
        Syscall.close(writeEnd)
    }

    /// Signals the reader. Safe from any thread, any number of times.
    public func cancel() {
        var one: UInt8 = 1
        _ = withUnsafeBytes(of: &one) { Syscall.write(writeEnd, $0) }
    }

    public var isCancelled: Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) == 1
    }

    public enum Wait: Equatable, Sendable {
        /// The device is ready; `revents` says how (POLLIN, POLLOUT, POLLERR, POLLHUP…).
        case ready(revents: Int16)
        case cancelled
        case timedOut
        case failed(Syscall.Errno)
    }

    /// Waits until `device` has any of `events`, this cancellation fires, or `timeout`
    /// milliseconds pass (-1: no timeout).
    public func wait(for device: Int32, events: Int16, timeout: Int32 = -1) -> Wait {
        // On the stack: a reader thread waits here for every wake-up, so no array per call.
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { fds in
            fds[0] = pollfd(fd: device, events: events, revents: 0)
            fds[1] = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            switch Syscall.retrying({ poll(fds.baseAddress, 2, timeout) }) {
            case .failure(let e): return .failed(e)
            case .success(0): return .timedOut
            case .success:
                if fds[1].revents != 0 { return .cancelled }
                return .ready(revents: fds[0].revents)
            }
        }
    }

    /// Sleeps `milliseconds` unless cancelled first; returns false when cancelled.
    public func sleep(milliseconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&p, 1, milliseconds)
            if r == -1 && Glibc.errno == EINTR { continue }
            return r == 0
        }
    }
}

/// A link reader's thread: FlightCore's joinable ``SystemThread``.
public typealias LinkThread = SystemThread
