#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Runs blocking file operations (open, read, write, fsync, rename) on a thread of its own,
/// one at a time, so that a component on the executive thread never blocks on a disk.
/// The component hands over a buffer it owns, polls for the outcome on its tick, and does
/// not touch the buffer while a job is in flight.
final class FileWorker: Sendable {
    /// A caller-owned buffer lent to the worker for one job.
    ///
    /// Sendable because ownership alternates and never overlaps: the owner writes the
    /// buffer, then `submit` publishes it under the mutex; the worker alone uses it until it
    /// stores the outcome under the same mutex; the owner reads it only after `poll` returns
    /// that outcome. The mutex orders every hand-over.
    struct Loan: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer
        let count: Int
    }

    enum Job: Sendable {
        /// Write `loan.count` bytes of the buffer to `path` atomically.
        case write(path: String, Loan)
        /// Read `path` into the buffer (at most its size).
        case read(path: String, Loan)
    }

    enum Outcome: Sendable, Equatable {
        case written(errno: Int32?)
        case read(Result<Int, Errno>)
    }

    private struct State: ~Copyable {
        var job: Job?
        var outcome: Outcome?
        var busy = false
        var stopping = false
    }

    private let state = Mutex(State())
    /// Wakes the worker; a POSIX semaphore is made for exactly this cross-thread signal.
    private let wake: SemaphoreBox
    private let thread = Mutex<Platform.Thread?>(nil)

    /// The semaphore's storage, created before the thread and freed after it is joined.
    /// Unchecked Sendable: sem_t is designed for concurrent sem_wait/sem_post from threads.
    private final class SemaphoreBox: @unchecked Sendable {
        let sem: UnsafeMutablePointer<sem_t>
        init() {
            sem = .allocate(capacity: 1)
            sem_init(sem, 0, 0)
        }
        deinit {
            sem_destroy(sem)
            sem.deallocate()
        }
        func post() { sem_post(sem) }
        func wait() { while sem_wait(sem) == -1 && Platform.errno == EINTR {} }
    }

    init() {
        wake = SemaphoreBox()
        let wake = self.wake
        // The thread holds the worker until shutdown() joins it; the owner calls shutdown().
        thread.withLock { $0 = Platform.Thread.spawn { [self] in self.loop(wake) } }
    }

    /// Stops the worker thread after any job in flight; call before dropping the owner.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wake.post()
        let t = thread.withLock { t -> Platform.Thread? in
            defer { t = nil }
            return t
        }
        t?.join()
    }

    /// Starts a job; false when one is already in flight.
    func submit(_ job: Job) -> Bool {
        let accepted = state.withLock { s -> Bool in
            guard !s.busy, !s.stopping else { return false }
            s.busy = true
            s.job = job
            s.outcome = nil
            return true
        }
        if accepted { wake.post() }
        return accepted
    }

    var isBusy: Bool { state.withLock { $0.busy } }

    /// The outcome of the finished job, once; nil while it runs or when there is none.
    func poll() -> Outcome? {
        state.withLock { s -> Outcome? in
            guard let o = s.outcome else { return nil }
            s.outcome = nil
            s.busy = false
            return o
        }
    }

    private func loop(_ wake: SemaphoreBox) {
        while true {
            wake.wait()
            let (job, stop) = state.withLock { s -> (Job?, Bool) in
                defer { s.job = nil }
                return (s.job, s.stopping)
            }
            if let job {
                let outcome: Outcome
                switch job {
                case .write(let path, let loan):
                    outcome = .written(errno: PosixFile.writeAtomically(path: path, bytes: UnsafeRawBufferPointer(rebasing: loan.buffer[0..<loan.count])))
                case .read(let path, let loan):
                    outcome = .read(PosixFile.read(path: path, into: loan.buffer))
                }
                state.withLock { $0.outcome = outcome }
            }
            if stop { return }
        }
    }
}

