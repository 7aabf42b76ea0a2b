import ArgumentParser
import FlightWire
import FlightHAL
import Testing

@testable import RegolithCLI

@Suite struct CANCommandTests {
    @Test(arguments: [
        ("socketcan:vcan0", LinkSpec.socketCAN(interface: "vcan0")),
        ("can0", LinkSpec.socketCAN(interface: "can0")),
        ("slcan:/dev/ttyACM0@500k", LinkSpec.slcan(device: "/dev/ttyACM0", bitrate: "500k")),
        ("simbus:/tmp/bus.sock", LinkSpec.simulatedBus(path: "/tmp/bus.sock")),
    ])
    func linkSpecsParse(text: String, expected: LinkSpec) throws {
        #expect(try LinkSpec(parsing: text) == expected)
    }

    @Test(arguments: ["", "socketcan:", "socketcan:averyveryverylongname", "usb:thing", "/dev/ttyACM0"])
    func badLinkSpecsAreRefused(text: String) {
        #expect(throws: ValidationError.self) { try LinkSpec(parsing: text) }
    }

    @Test func aMissingSLCANAdapterIsNamedInTheError() {
        do {
            _ = try LinkSpec(parsing: "slcan:/dev/ttyACM9").open(filters: [])
            Issue.record("a missing adapter opened")
        } catch { #expect("\(error)".hasPrefix("/dev/ttyACM9: no such device")) }
    }

    @Test(arguments: [("500k", 500_000), ("1M", 1_000_000), ("10000", 10_000), ("125K", 125_000)])
    func slcanBitratesParse(text: String, bitsPerSecond: Int) throws {
        #expect(try LinkSpec.slcanBitrate(text).bitsPerSecond == bitsPerSecond)
    }

    @Test func slcanBitrateDefaultsTo500k() throws {
        #expect(try LinkSpec.slcanBitrate(nil) == .kbps500)
        #expect(throws: ValidationError.self) { try LinkSpec.slcanBitrate("123k") }
    }

    @Test(arguments: ["123#DEADBEEF", "12345678#00", "123#R", "123#R4", "123##1AABBCCDDEEFF00112233445566778899", "123##0", "20000040#0000000000000000", "7FF#"])
    func frameTextRoundTrips(text: String) throws {
        let f = try CANFrameText.parse(text)
        #expect(CANFrameText.format(f) == text)
    }

    @Test func frameTextMeaning() throws {
        let fd = try CANFrameText.parse("123##1AABB" + String(repeating: "00", count: 10))
        #expect(fd.isFD && fd.bitRateSwitch && fd.count == 12)
        let err = try CANFrameText.parse("20000040#0000000000000000")
        #expect(err.isError && err.id == .extended(0x40))
        #expect(try CANFrameText.parse("12345678#00").id == .extended(0x1234_5678))
    }

    @Test(arguments: ["123DEAD", "12#00", "800#00", "123#0", "123#001122334455667788", "123##1AABBCCDDEEFF001122", "123#ZZ"])
    func badFrameTextIsRefused(text: String) {
        #expect(throws: ValidationError.self) { try CANFrameText.parse(text) }
    }

    @Test func dumpAndSendArgumentsAreChecked() {
        #expect(throws: (any Error).self) { try RegolithCommand.parseAsRoot(["can", "send", "vcan0"]) }
        #expect(throws: (any Error).self) { try RegolithCommand.parseAsRoot(["can", "dump", "vcan0", "-f", "123"]) }
        #expect(throws: (any Error).self) { try RegolithCommand.parseAsRoot(["can", "dump", "vcan0", "--count", "0"]) }
        #expect((try? RegolithCommand.parseAsRoot(["can", "dump", "socketcan:vcan0", "-f", "123:7FF", "-c", "3"])) != nil)
    }
}
