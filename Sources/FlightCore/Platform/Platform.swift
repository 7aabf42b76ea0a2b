#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every system call FlightCore makes goes through this folder: the monotonic clock,
/// absolute-deadline sleeps, threads and their scheduling policy here; file operations in
/// ``PosixFile``; the file worker's semaphore in ``FileWorker``. Calls interrupted by a signal
/// are retried. FlightCore is built and tested on Linux only.
enum Platform {
    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Sleeps until an absolute `CLOCK_MONOTONIC` deadline, retrying on EINTR.
    static func sleep(untilMonotonic deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// Sleeps for a relative time, retrying on EINTR with the time that remains.
    static func sleep(nanoseconds: UInt64) {
        var req = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var rem = timespec()
        while nanosleep(&req, &rem) == -1 && errno == EINTR { req = rem }
    }

    static var errno: Int32 { Glibc.errno }

    static func errorString(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }

    typealias Thread = SystemThread

    /// Asks for SCHED_FIFO at `priority` for the calling thread; returns 0 or the errno.
    static func requestFIFO(priority: Int32) -> Int32 {
        var param = sched_param(sched_priority: priority)
        return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param)
    }
}

/// A joinable OS thread (pthread) running a closure: the executive, the file worker and
/// FlightHAL's link readers all run on these.
public struct SystemThread: Sendable {
    let id: pthread_t

    public static func spawn(_ body: @escaping @Sendable () -> Void) -> SystemThread {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ b: @escaping @Sendable () -> Void) { body = b }
        }
        let arg = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { p in
            Unmanaged<Box>.fromOpaque(p!).takeRetainedValue().body()
            return nil
        }, arg)
        precondition(rc == 0, "pthread_create failed: \(Platform.errorString(rc))")
        return SystemThread(id: tid)
    }

    public func join() { pthread_join(id, nil) }
}
