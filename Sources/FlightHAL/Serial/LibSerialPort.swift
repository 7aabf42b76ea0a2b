internal import CSerialPort

#if canImport(Glibc)
    import Glibc
#endif

/// Every libserialport call FlightHAL makes: opening and configuring real ports, non-blocking
/// reads and writes, modem lines and enumeration. Errors come back with libserialport's errno
/// and message.
enum LibSerialPort {
    /// An open `struct sp_port`. Used by one link at a time: its reader thread reads, writers
    /// write under the link's device lock, and it is closed only after the reader has stopped
    /// (see ``SerialPort``); libserialport keeps no other state across calls.
    struct Port: @unchecked Sendable {
        let pointer: OpaquePointer
        var fd: Int32 {
            var fd: Int32 = -1
            _ = sp_get_port_handle(pointer, &fd)
            return fd
        }
    }

    struct Failure: Error {
        var errno: Int32
        var message: String
        var isConfiguration: Bool
    }

    private static func check(_ rc: sp_return, configuration: Bool = false) -> Failure? {
        guard rc.rawValue < 0 else { return nil }
        if rc == SP_ERR_ARG || rc == SP_ERR_SUPP {
            return Failure(errno: 0, message: rc == SP_ERR_ARG ? "libserialport: invalid argument" : "libserialport: not supported",
                           isConfiguration: configuration)
        }
        let code = sp_last_error_code()
        var message = "libserialport failed"
        if let m = sp_last_error_message() {
            message = String(cString: m)
            sp_free_error_message(m)
        }
        return Failure(errno: code, message: message, isConfiguration: false)
    }

    /// Opens and configures `path` with libserialport. Fails for PTYs (no sysfs entry, no modem
    /// ioctls): the caller falls back to termios.
    static func open(_ path: String, _ c: SerialConfiguration) -> Result<Port, Failure> {
        var raw: OpaquePointer?
        if let f = check(sp_get_port_by_name(path, &raw)) { return .failure(f) }
        guard let pointer = raw else { return .failure(Failure(errno: ENOENT, message: "no port", isConfiguration: false)) }
        if let f = check(sp_open(pointer, SP_MODE_READ_WRITE)) {
            sp_free_port(pointer)
            return .failure(f)
        }
        let port = Port(pointer: pointer)
        let parity: sp_parity = c.parity == .odd ? SP_PARITY_ODD : c.parity == .even ? SP_PARITY_EVEN : SP_PARITY_NONE
        let flow: sp_flowcontrol = c.flowControl == .rtsCts ? SP_FLOWCONTROL_RTSCTS
            : c.flowControl == .xonXoff ? SP_FLOWCONTROL_XONXOFF : SP_FLOWCONTROL_NONE
        for (rc, what) in [(sp_set_baudrate(pointer, Int32(c.baudRate)), "baud \(c.baudRate)"),
                           (sp_set_bits(pointer, Int32(c.dataBits)), "\(c.dataBits) data bits"),
                           (sp_set_parity(pointer, parity), "parity \(c.parity)"),
                           (sp_set_stopbits(pointer, Int32(c.stopBits)), "\(c.stopBits) stop bits"),
                           (sp_set_flowcontrol(pointer, flow), "flow control \(c.flowControl)")] {
            if var f = check(rc, configuration: true) {
                close(port)
                f.message = "\(what): \(f.message)"
                return .failure(f)
            }
        }
        if c.flowControl != .rtsCts && c.assertRTS { _ = sp_set_rts(pointer, SP_RTS_ON) }
        if c.assertDTR { _ = sp_set_dtr(pointer, SP_DTR_ON) }
        return .success(port)
    }

    static func close(_ port: Port) {
        _ = sp_close(port.pointer)
        sp_free_port(port.pointer)
    }

    /// Bytes read (0: nothing waiting), or the failure's errno.
    static func read(_ port: Port, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Syscall.Errno> {
        let rc = sp_nonblocking_read(port.pointer, buffer.baseAddress, buffer.count)
        if rc.rawValue >= 0 { return .success(Int(rc.rawValue)) }
        return .failure(Syscall.Errno(sp_last_error_code()))
    }

    static func write(_ port: Port, _ bytes: UnsafeRawBufferPointer) -> Result<Int, Syscall.Errno> {
        let rc = sp_nonblocking_write(port.pointer, bytes.baseAddress, bytes.count)
        if rc.rawValue >= 0 { return .success(Int(rc.rawValue)) }
        return .failure(Syscall.Errno(sp_last_error_code()))
    }

    /// CTS, DSR, DCD, RI as libserialport reads them.
    static func signals(_ port: Port) -> ModemStatus? {
        var s = sp_signal(rawValue: 0)
        guard sp_get_signals(port.pointer, &s) == SP_OK else { return nil }
        let bits = s.rawValue
        return ModemStatus(cts: bits & SP_SIG_CTS.rawValue != 0, dsr: bits & SP_SIG_DSR.rawValue != 0,
                           dcd: bits & SP_SIG_DCD.rawValue != 0, ring: bits & SP_SIG_RI.rawValue != 0)
    }

    static func setDTR(_ port: Port, _ on: Bool) -> Bool { sp_set_dtr(port.pointer, on ? SP_DTR_ON : SP_DTR_OFF) == SP_OK }
    static func setRTS(_ port: Port, _ on: Bool) -> Bool { sp_set_rts(port.pointer, on ? SP_RTS_ON : SP_RTS_OFF) == SP_OK }

    /// Every port libserialport finds (sp_list_ports).
    static func list() -> Result<[SerialPortInfo], Failure> {
        var raw: UnsafeMutablePointer<OpaquePointer?>?
        if let f = check(sp_list_ports(&raw)) { return .failure(f) }
        guard let list = raw else { return .success([]) }
        defer { sp_free_port_list(list) }
        var out: [SerialPortInfo] = []
        var i = 0
        while let port = list[i] {
            i += 1
            func text(_ p: UnsafeMutablePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
            let transport: SerialPortInfo.Transport
            switch sp_get_port_transport(port) {
            case SP_TRANSPORT_USB: transport = .usb
            case SP_TRANSPORT_BLUETOOTH: transport = .bluetooth
            default: transport = .native
            }
            var info = SerialPortInfo(name: text(sp_get_port_name(port)) ?? "?",
                                      description: text(sp_get_port_description(port)) ?? "",
                                      transport: transport)
            if transport == .usb {
                var vid: Int32 = 0, pid: Int32 = 0
                if sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK {
                    info.usbVendorID = UInt16(truncatingIfNeeded: vid)
                    info.usbProductID = UInt16(truncatingIfNeeded: pid)
                }
                info.manufacturer = text(sp_get_port_usb_manufacturer(port))
                info.product = text(sp_get_port_usb_product(port))
                info.serialNumber = text(sp_get_port_usb_serial(port))
            }
            if transport == .bluetooth { info.bluetoothAddress = text(sp_get_port_bluetooth_address(port)) }
            out.append(info)
        }
        return .success(out.sorted { $0.name < $1.name })
    }
}
