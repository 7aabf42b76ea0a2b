// swift-tools-version: 6.1
//
// Regolith benchmarks: a nested package so the main package's `swift build` and
// `swift test` never build it. Run with `make bench` (see the top Makefile).
// Gate CI only on counts that do not jitter (allocations); see Thresholds/.
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its directory's name,
        // which differs between checkouts (main, a worktree).
        .package(name: "Regolith", path: ".."),
        .package(
            url: "https://github.com/ordo-one/benchmark", from: "1.38.1",
            traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightCore", package: "Regolith"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "WireBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightCore", package: "Regolith"),
                .product(name: "FlightWire", package: "Regolith"),
            ],
            path: "Benchmarks/WireBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SimBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightHAL", package: "Regolith"),
                .product(name: "FlightWire", package: "Regolith"),
            ],
            path: "Benchmarks/SimBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Simulator", package: "Regolith"),
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Devices: what a driver pays per message (docs/performance.md, "Devices")
        .executableTarget(
            name: "DeviceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Devices", package: "Regolith"),
                .product(name: "FlightHAL", package: "Regolith"),
                .product(name: "FlightWire", package: "Regolith"),
            ],
            path: "Benchmarks/DeviceBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Ground link: downlink through framing and TCP, archive inserts.
        .executableTarget(
            name: "GroundBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightCore", package: "Regolith"),
                .product(name: "FlightWire", package: "Regolith"),
                .product(name: "FlightHAL", package: "Regolith"),
                .product(name: "Ground", package: "Regolith"),
            ],
            path: "Benchmarks/GroundBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Sequencing: check+compile of a 10,000-line sequence, the sequencer's cost per tick.
        .executableTarget(
            name: "SequencingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightCore", package: "Regolith"),
                .product(name: "Sequencing", package: "Regolith"),
            ],
            path: "Benchmarks/SequencingBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Device drivers: a lander's and a rover's drivers ticking against their emulators
        // (docs/performance.md, "Device drivers")
        .executableTarget(
            name: "DriverBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Missions", package: "Regolith"),
                .product(name: "Simulator", package: "Regolith"),
                .product(name: "Devices", package: "Regolith"),
                .product(name: "FlightHAL", package: "Regolith"),
                .product(name: "FlightCore", package: "Regolith"),
            ],
            path: "Benchmarks/DriverBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Rover flight software: the drive's cycle and route planning (docs/performance.md,
        // "Rover flight software")
        .executableTarget(
            name: "RoverBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlightCore", package: "Regolith"),
                .product(name: "Missions", package: "Regolith"),
                .product(name: "Simulator", package: "Regolith"),
            ],
            path: "Benchmarks/RoverBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Simulator rig: the lander rig with every emulator on in-process links
        // (docs/performance.md, "Simulator rig")
        .executableTarget(
            name: "SimulatorRigBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Simulator", package: "Regolith"),
                .product(name: "Configuration", package: "Regolith"),
                .product(name: "Devices", package: "Regolith"),
                .product(name: "FlightHAL", package: "Regolith"),
            ],
            path: "Benchmarks/SimulatorRigBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Mission: a full lander descent, flight software and simulator in lockstep (docs/performance.md, "Mission").
        .executableTarget(
            name: "MissionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MissionHarness", package: "Regolith"),
            ],
            path: "Benchmarks/MissionBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
