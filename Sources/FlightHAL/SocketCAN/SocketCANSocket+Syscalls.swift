internal import CSocketCAN
#if canImport(Glibc)
    import Glibc
#endif

/// A CAN_RAW socket: the typed handle every SocketCAN system call goes through. This file is
/// the only place in the SocketCAN backend that calls the C library; every call retries
/// EINTR (``Syscall/retrying(_:)``) and failures come back as ``Syscall/Errno``.
struct SocketCANSocket: Sendable, Hashable {
    let fd: Int32

    /// The size of `struct can_frame` and `struct canfd_frame`, and the interface MTUs that say
    /// which one an interface carries.
    static let classicMTU = 16
    static let fdMTU = 72
    static let arphrdCAN: Int32 = 280

    /// A non-blocking, close-on-exec CAN_RAW socket, not yet bound.
    static func open() -> Result<SocketCANSocket, Syscall.Errno> {
        Syscall.retrying {
            socket(PF_CAN, Int32(SOCK_RAW.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), CAN_RAW)
        }.map(SocketCANSocket.init(fd:))
    }

    func close() { Syscall.close(fd) }

    /// The interface's index, or ENODEV.
    static func interfaceIndex(_ name: String) -> Result<Int32, Syscall.Errno> {
        let i = if_nametoindex(name)
        return i == 0 ? .failure(.current) : .success(Int32(i))
    }

    func hardwareType(of interface: String) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { regolith_if_hwtype(fd, interface) }
    }

    func mtu(of interface: String) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { regolith_if_mtu(fd, interface) }
    }

    func flags(of interface: String) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { regolith_if_flags(fd, interface) }
    }

    /// The rtnetlink link kind ("can", "vcan", ...).
    static func linkKind(ifindex: Int32) -> Result<String, Syscall.Errno> {
        var buffer = [CChar](repeating: 0, count: 32)
        let rc = Syscall.retrying { regolith_if_link_kind(ifindex, &buffer, buffer.count) }
        return rc.map { _ in String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    func bind(ifindex: Int32) -> Result<Void, Syscall.Errno> {
        Syscall.retrying { regolith_can_bind(fd, ifindex) }.map { _ in () }
    }

    private func setOption<T: BitwiseCopyable>(level: Int32, _ name: Int32, _ value: T) -> Result<Void, Syscall.Errno> {
        var v = value
        return Syscall.retrying { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<T>.size)) }.map { _ in () }
    }

    func setFDFrames(_ on: Bool) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_CAN_RAW, Int32(CAN_RAW_FD_FRAMES), Int32(on ? 1 : 0))
    }

    /// Installs kernel receive filters (an empty list receives no data frames).
    func setFilters(_ filters: [CANFilter]) -> Result<Void, Syscall.Errno> {
        let raw = filters.map { can_filter(can_id: $0.socketCANID, can_mask: $0.socketCANMask) }
        return raw.withUnsafeBytes { b in
            Syscall.retrying {
                setsockopt(fd, SOL_CAN_RAW, Int32(CAN_RAW_FILTER), b.baseAddress, socklen_t(b.count))
            }.map { _ in () }
        }
    }

    func setErrorMask(_ mask: UInt32) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_CAN_RAW, Int32(CAN_RAW_ERR_FILTER), mask)
    }

    func setLoopback(_ on: Bool) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_CAN_RAW, Int32(CAN_RAW_LOOPBACK), Int32(on ? 1 : 0))
    }

    func setReceiveOwnMessages(_ on: Bool) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_CAN_RAW, Int32(CAN_RAW_RECV_OWN_MSGS), Int32(on ? 1 : 0))
    }

    func setTimestamps(_ on: Bool) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_SOCKET, SO_TIMESTAMPNS, Int32(on ? 1 : 0))
    }

    func setReceiveBuffer(bytes: Int32) -> Result<Void, Syscall.Errno> {
        setOption(level: SOL_SOCKET, SO_RCVBUF, bytes)
    }

    /// One frame's bytes (16 or 72) and its kernel timestamp (0 when none). Never blocks.
    func receive(into buffer: UnsafeMutableRawBufferPointer, timestamp: inout UInt64) -> Result<Int, Syscall.Errno> {
        Syscall.retrying { regolith_can_recv(fd, buffer.baseAddress, buffer.count, &timestamp) }
    }

    /// Sends one frame's bytes. Never blocks (EAGAIN/ENOBUFS when the queue is full).
    func send(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Syscall.Errno> {
        Syscall.retrying { regolith_can_send(fd, bytes.baseAddress, bytes.count) }
    }

    /// A pending socket error (SO_ERROR), cleared by reading it.
    func pendingError() -> Int32 {
        var e: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len)
        return e
    }
}

/// libsocketcan, behind the same discipline: every call in one place, errno captured.
enum LibSocketCAN {
    static func call(_ body: () -> Int32) -> Result<Void, Syscall.Errno> {
        Glibc.errno = 0
        let rc = body()
        if rc == 0 { return .success(()) }
        let e = Glibc.errno
        return .failure(Syscall.Errno(e == 0 ? EOPNOTSUPP : e))
    }

    static func setBitrate(_ name: String, _ bitrate: UInt32) -> Result<Void, Syscall.Errno> {
        call { can_set_bitrate(name, bitrate) }
    }
    static func start(_ name: String) -> Result<Void, Syscall.Errno> { call { can_do_start(name) } }
    static func stop(_ name: String) -> Result<Void, Syscall.Errno> { call { can_do_stop(name) } }
    static func restart(_ name: String) -> Result<Void, Syscall.Errno> { call { can_do_restart(name) } }
    static func setRestartMilliseconds(_ name: String, _ ms: UInt32) -> Result<Void, Syscall.Errno> {
        call { can_set_restart_ms(name, ms) }
    }
    static func restartMilliseconds(_ name: String) -> Result<UInt32, Syscall.Errno> {
        var ms: UInt32 = 0
        return call { can_get_restart_ms(name, &ms) }.map { ms }
    }
    static func state(_ name: String) -> Result<Int32, Syscall.Errno> {
        var s: Int32 = 0
        return call { can_get_state(name, &s) }.map { s }
    }
    static func errorCounters(_ name: String) -> Result<(tx: UInt16, rx: UInt16), Syscall.Errno> {
        var bc = can_berr_counter()
        return call { can_get_berr_counter(name, &bc) }.map { (bc.txerr, bc.rxerr) }
    }
    static func bitrate(_ name: String) -> Result<UInt32, Syscall.Errno> {
        var bt = can_bittiming()
        return call { can_get_bittiming(name, &bt) }.map { bt.bitrate }
    }
    static func controlMode(_ name: String) -> Result<UInt32, Syscall.Errno> {
        var cm = can_ctrlmode()
        return call { can_get_ctrlmode(name, &cm) }.map { cm.flags }
    }
    static func setControlMode(_ name: String, mask: UInt32, flags: UInt32) -> Result<Void, Syscall.Errno> {
        var cm = can_ctrlmode(mask: mask, flags: flags)
        return call { can_set_ctrlmode(name, &cm) }
    }
}
