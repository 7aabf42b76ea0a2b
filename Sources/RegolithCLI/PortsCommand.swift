import ArgumentParser
import FlightHAL
import Foundation

/// `regolith ports`: the serial ports libserialport finds, with their USB ids.
struct PortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports",
        abstract: "List serial ports with their transport and USB ids.",
        discussion: """
            Ports are found with libserialport: on-board UARTs show as native, adapters as usb with \
            VID:PID, manufacturer, product and serial number. PTYs are not listed.
            """)

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let ports: [SerialPortInfo]
        do {
            ports = try SerialPortInfo.list()
        } catch {
            throw ValidationError("\(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ports), as: UTF8.self))
            return
        }
        print(Self.table(ports))
    }

    static func table(_ ports: [SerialPortInfo]) -> String {
        if ports.isEmpty { return "no serial ports found" }
        func hex(_ v: UInt16?) -> String { v.map { String(format: "%04x", $0) } ?? "-" }
        let header = ["PORT", "TRANSPORT", "VID:PID", "SERIAL", "DESCRIPTION"]
        let rows = ports.map { p in
            [p.name, p.transport.rawValue,
             p.usbVendorID == nil ? "-" : "\(hex(p.usbVendorID)):\(hex(p.usbProductID))",
             p.serialNumber ?? "-",
             [p.manufacturer, p.product].compactMap { $0 }.joined(separator: " ").isEmpty
                ? p.description : [p.manufacturer, p.product].compactMap { $0 }.joined(separator: " ")]
        }
        let widths = (0..<header.count).map { i in ([header] + rows).map { $0[i].count }.max()! }
        return ([header] + rows).map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
