internal import CSerialPort
internal import CSocketCAN

/// The C libraries the hardware backends are built on, as linked into this build.
/// (The backends themselves arrive with the hardware-backends issue.)
public enum NativeLibraries {
    /// libserialport's version string, e.g. "0.1.1".
    public static var serialPortVersion: String {
        guard let s = sp_get_lib_version_string() else { return "unknown" }
        return String(cString: s)
    }

    /// The SocketCAN protocol number of raw CAN sockets (from the kernel headers), proving
    /// the CAN headers and libsocketcan are wired in.
    public static var canRawProtocol: Int32 { CAN_RAW }
}
