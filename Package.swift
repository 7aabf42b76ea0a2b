// swift-tools-version: 6.1
//
// Regolith: a hardware-in-the-loop flight software framework.
// Layers (dependencies point down only), see docs/architecture.md:
//   regolith (CLI) > Ground > Missions > Sequencing > Simulator > Devices > Configuration
//   > FlightHAL (+ CSerialPort, CSocketCAN) > FlightWire > FlightCore
// FlightCore and FlightWire import no Foundation and no other package.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Regolith",
    // Linux only: SocketCAN, termios and Glibc are what the flight side is built on.
    products: [
        .library(name: "FlightCore", targets: ["FlightCore"]),
        .library(name: "FlightWire", targets: ["FlightWire"]),
        .library(name: "FlightHAL", targets: ["FlightHAL"]),
        .library(name: "Configuration", targets: ["Configuration"]),
        .library(name: "Devices", targets: ["Devices"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "Sequencing", targets: ["Sequencing"]),
        .library(name: "Missions", targets: ["Missions"]),
        .library(name: "Ground", targets: ["Ground"]),
        .executable(name: "regolith", targets: ["regolith"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Ground: the packet archive (SQLite, write-ahead logging).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The part that would fly: no Foundation, no packages.
        .target(name: "FlightCore", swiftSettings: strict),
        .target(name: "FlightWire", dependencies: ["FlightCore"], swiftSettings: strict),

        // C libraries, found through pkg-config; `make` installs the Debian packages.
        .systemLibrary(
            name: "CSerialPort", pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]),
        .systemLibrary(
            name: "CSocketCAN", pkgConfig: "libsocketcan",
            providers: [.apt(["libsocketcan-dev"])]),

        .target(
            name: "FlightHAL",
            dependencies: ["FlightCore", "FlightWire", "CSerialPort", "CSocketCAN"],
            swiftSettings: strict),
        // Board files, fault tables and scenarios: YAML with file:line:col errors (ground side).
        .target(
            name: "Configuration",
            dependencies: ["FlightCore", "FlightHAL", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(name: "Devices", dependencies: ["FlightCore", "FlightWire", "FlightHAL"], swiftSettings: strict),
        .target(
            name: "Simulator",
            dependencies: ["FlightCore", "FlightWire", "FlightHAL", "Devices", "Configuration"],
            path: "Simulator", exclude: ["Scenarios"], swiftSettings: strict),
        .target(name: "Sequencing", dependencies: ["FlightCore", "FlightWire"], swiftSettings: strict),
        .target(
            name: "Missions",
            dependencies: ["FlightCore", "FlightWire", "FlightHAL", "Devices", "Sequencing", "Configuration"],
            swiftSettings: strict),
        .target(
            name: "Ground",
            dependencies: ["FlightCore", "FlightWire", "FlightHAL", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The lockstep harness: joins the flight software (Missions) and the simulator through
        // device links only. Used by the CLI and the tests, never by flight code.
        .target(
            name: "MissionHarness",
            dependencies: ["Missions", "Simulator", "Configuration", "FlightHAL", "FlightCore", "Devices", "Sequencing"],
            swiftSettings: strict),
        // The CLI: subcommands in a library so tests can check parsing and help text.
        .target(
            name: "RegolithCLI",
            dependencies: [
                "FlightCore", "FlightWire", "FlightHAL", "Configuration", "Devices", "Simulator",
                "Sequencing", "Missions", "Ground", "MissionHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "regolith", dependencies: ["RegolithCLI"], swiftSettings: strict),

        .testTarget(name: "FlightCoreTests", dependencies: ["FlightCore"], swiftSettings: strict),
        .testTarget(name: "FlightWireTests", dependencies: ["FlightWire"], swiftSettings: strict),
        .testTarget(name: "RegolithCLITests", dependencies: ["RegolithCLI", "Sequencing", "FlightCore"], swiftSettings: strict),
        .testTarget(name: "FlightHALTests", dependencies: ["FlightHAL", "FlightWire"], swiftSettings: strict),
        // Missions' tests join the flight apps to the simulator (as the lockstep harness does).
        .testTarget(name: "MissionsTests", dependencies: ["Missions", "Simulator"], swiftSettings: strict),
        .testTarget(name: "MissionHarnessTests", dependencies: ["MissionHarness", "Missions", "Simulator", "Sequencing", "FlightCore"], swiftSettings: strict),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "FlightHAL", "FlightWire"], swiftSettings: strict),

        // Wire formats: fuzz targets and test peers
        // One libFuzzer target per decoder: `make fuzz` builds each with
        // `swift build -c release --sanitize=fuzzer --product <name> --scratch-path .build-fuzz`.
        // In a plain `swift build` they link to programs that do nothing.
        .executableTarget(
            name: "FuzzSpacePacket", dependencies: ["FlightCore", "FlightWire"],
            path: "Tests/Fuzz/SpacePacket", swiftSettings: strict),
        .executableTarget(
            name: "FuzzTCFrame", dependencies: ["FlightCore", "FlightWire"],
            path: "Tests/Fuzz/TCFrame", swiftSettings: strict),
        .executableTarget(
            name: "FuzzTMFrame", dependencies: ["FlightCore", "FlightWire"],
            path: "Tests/Fuzz/TMFrame", swiftSettings: strict),
        .executableTarget(
            name: "FuzzCOBSDeframer", dependencies: ["FlightCore", "FlightWire"],
            path: "Tests/Fuzz/COBSDeframer", swiftSettings: strict),
        .executableTarget(
            name: "FuzzISOTP", dependencies: ["FlightWire"],
            path: "Tests/Fuzz/ISOTP", swiftSettings: strict),
        // FlightWire on a pipe for the Python peer tests in Tests/peers (not shipped).
        .executableTarget(
            name: "wire-peer", dependencies: ["FlightCore", "FlightWire"],
            path: "Tests/Support/WirePeer", swiftSettings: strict),
        // Simulated bus: test peer (a second process for the cross-process bus tests).
        .executableTarget(
            name: "simbus-peer", dependencies: ["FlightHAL", "FlightWire"],
            path: "Tests/Support/SimbusPeer", swiftSettings: strict),
        // SLCAN: fuzz target
        .executableTarget(
            name: "FuzzSLCAN", dependencies: ["FlightHAL", "FlightWire"],
            path: "Tests/Fuzz/SLCAN", swiftSettings: strict),
        // SLCAN: emulator test peer (the adapter emulator on a PTY, for python-can and slcand)
        .executableTarget(
            name: "slcan-emulator", dependencies: ["FlightHAL", "FlightWire"],
            path: "Tests/Support/SLCANEmulator", swiftSettings: strict),

        // Serial: test peer
        // FlightHAL's SerialPort as a program for the pyserial tests in Tests/peers (not shipped).
        .executableTarget(
            name: "serial-peer-swift", dependencies: ["FlightHAL"],
            path: "Tests/Support/SerialPeer", swiftSettings: strict),

        // Simulator: tests
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Configuration"], swiftSettings: strict),

        // Devices: tests, the serial decoder's fuzz target, and the device test peer
        .testTarget(
            name: "DevicesTests", dependencies: ["Devices", "FlightHAL", "FlightWire", "FlightCore"],
            swiftSettings: strict),
        .testTarget(
            name: "DeviceEmulatorTests",
            dependencies: ["Simulator", "Devices", "FlightHAL", "FlightWire", "FlightCore"], swiftSettings: strict),
        .executableTarget(
            name: "FuzzDeviceDecoder", dependencies: ["Devices", "FlightWire"],
            path: "Tests/Fuzz/DeviceDecoder", swiftSettings: strict),
        // An emulator on a PTY or a SocketCAN interface for the pyserial and python-can tests (not shipped).
        .executableTarget(
            name: "device-peer", dependencies: ["Simulator", "Devices", "FlightHAL", "FlightWire", "FlightCore"],
            path: "Tests/Support/DevicePeer", swiftSettings: strict),

        // Ground link: tests of the ground tools (archive, console, link) with real parts.
        .testTarget(name: "GroundTests", dependencies: ["Ground", "FlightHAL", "FlightWire"], swiftSettings: strict),
        // Ground link: fuzz target of the whole uplink (`make fuzz`).
        .executableTarget(
            name: "FuzzGroundUplink", dependencies: ["FlightCore", "FlightWire", "FlightHAL"],
            path: "Tests/Fuzz/GroundUplink", swiftSettings: strict),

        // Sequencing: tests (with the malformed-script corpus) and the parser's fuzz target
        .testTarget(
            name: "SequencingTests", dependencies: ["Sequencing", "FlightCore"],
            exclude: ["Corpus"], swiftSettings: strict),
        .executableTarget(
            name: "FuzzSequenceParser", dependencies: ["Sequencing", "FlightCore"],
            path: "Tests/Fuzz/SequenceParser", exclude: ["rseq.dict"], swiftSettings: strict),

        // Simulator rig: tests (the rigs against flight-side endpoints on in-process links)
        .testTarget(
            name: "SimulatorRigTests",
            dependencies: ["Simulator", "Configuration", "Devices", "FlightHAL", "FlightWire", "FlightCore"],
            swiftSettings: strict),
    ]
)
