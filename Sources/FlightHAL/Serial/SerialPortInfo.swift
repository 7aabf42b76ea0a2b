/// One serial port found on this machine, as libserialport describes it.
public struct SerialPortInfo: Hashable, Sendable, Codable {
    public enum Transport: String, Hashable, Sendable, Codable {
        /// A UART on the board (/dev/ttyS*, /dev/ttyAMA*), or any port not on USB or Bluetooth.
        case native
        case usb
        case bluetooth
    }

    /// The device path, e.g. `/dev/ttyUSB0`.
    public var name: String
    public var description: String
    public var transport: Transport
    public var usbVendorID: UInt16?
    public var usbProductID: UInt16?
    public var manufacturer: String?
    public var product: String?
    public var serialNumber: String?
    public var bluetoothAddress: String?

    public init(name: String, description: String, transport: Transport) {
        self.name = name
        self.description = description
        self.transport = transport
    }

    /// The ports libserialport can see (sp_list_ports), sorted by name. Unopened PTYs are not
    /// serial ports to libserialport and are not listed.
    public static func list() throws(LinkError) -> [SerialPortInfo] {
        switch LibSerialPort.list() {
        case .success(let ports): return ports
        case .failure(let f): throw LinkError(.ioError, device: "libserialport", errno: f.errno, detail: "listing ports: \(f.message)")
        }
    }
}

/// The modem-status input lines, where the device has them.
public struct ModemStatus: Hashable, Sendable {
    public var cts: Bool
    public var dsr: Bool
    public var dcd: Bool
    public var ring: Bool
}
