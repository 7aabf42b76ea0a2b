/// How a serial port is set up: baud rate, character format, flow control, exclusive open and
/// the modem lines asserted on open. Checked by ``validate(device:)`` before any port is
/// touched, with a reason a person can act on.
public struct SerialConfiguration: Hashable, Sendable, CustomStringConvertible {
    public var baudRate: Int
    /// 5, 6, 7 or 8.
    public var dataBits: Int
    public var parity: Parity
    /// 1 or 2.
    public var stopBits: Int
    public var flowControl: FlowControl
    /// Ask the kernel for exclusive use (TIOCEXCL): other opens fail with EBUSY. Best-effort:
    /// a device that refuses the ioctl still opens.
    public var exclusive: Bool
    /// Assert DTR and RTS after opening (best-effort: PTYs have no modem lines). With RTS/CTS
    /// flow control the driver owns RTS.
    public var assertDTR: Bool
    public var assertRTS: Bool

    public init(baudRate: Int = 115_200, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1,
                flowControl: FlowControl = .none, exclusive: Bool = true, assertDTR: Bool = true,
                assertRTS: Bool = true) {
        self.baudRate = baudRate
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
        self.exclusive = exclusive
        self.assertDTR = assertDTR
        self.assertRTS = assertRTS
    }

    /// 8 data bits, no parity, 1 stop bit at `baudRate`.
    public static func baud(_ baudRate: Int) -> SerialConfiguration { SerialConfiguration(baudRate: baudRate) }

    public struct Parity: Hashable, Sendable, CustomStringConvertible {
        let code: UInt8
        public static let none = Parity(code: 0)
        public static let odd = Parity(code: 1)
        public static let even = Parity(code: 2)
        public var description: String { ["N", "O", "E"][Int(code)] }
    }

    public struct FlowControl: Hashable, Sendable, CustomStringConvertible {
        let code: UInt8
        public static let none = FlowControl(code: 0)
        /// Hardware handshake on the RTS and CTS lines.
        public static let rtsCts = FlowControl(code: 1)
        /// Software handshake with XON (0x11) / XOFF (0x13) bytes in the stream.
        public static let xonXoff = FlowControl(code: 2)
        public var description: String { ["none", "RTS/CTS", "XON/XOFF"][Int(code)] }
    }

    /// The rates Linux termios names (B50 ... B4000000). Other rates between 1 and
    /// ``maximumBaudRate`` go through termios2 (BOTHER); whether the UART can actually produce
    /// them is the driver's business (it may round).
    public static let standardBaudRates: [Int] = [
        50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600,
        115_200, 230_400, 460_800, 500_000, 576_000, 921_600, 1_000_000, 1_152_000, 1_500_000,
        2_000_000, 2_500_000, 3_000_000, 3_500_000, 4_000_000,
    ]
    /// The highest rate accepted (B4000000, the highest rate termios names).
    public static let maximumBaudRate = 4_000_000

    /// "115200 8N1, flow none"
    public var description: String {
        "\(baudRate) \(dataBits)\(parity)\(stopBits), flow \(flowControl)"
    }

    /// Throws ``LinkError`` `.invalidConfiguration` naming what is wrong and what would do.
    public func validate(device: String) throws(LinkError) {
        func refuse(_ reason: String) -> LinkError { LinkError(.invalidConfiguration, device: device, detail: reason) }
        guard baudRate > 0, baudRate <= Self.maximumBaudRate else {
            throw refuse("baud \(baudRate) is not supported; use 1 to \(Self.maximumBaudRate), e.g. one of "
                + Self.standardBaudRates.filter { $0 >= 9600 }.map(String.init).joined(separator: ", "))
        }
        guard (5...8).contains(dataBits) else { throw refuse("\(dataBits) data bits is not supported; use 5, 6, 7 or 8") }
        guard stopBits == 1 || stopBits == 2 else { throw refuse("\(stopBits) stop bits is not supported; use 1 or 2") }
    }
}
