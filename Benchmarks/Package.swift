// swift-tools-version: 6.1
//
// Regolith's benchmarks: a nested package, so the main package never depends on the
// benchmark harness. One executable target per area under Benchmarks/<Name>/; add a new
// area by appending one `benchmark(...)` line below.
//   make bench                       (from the repository root)
//   swift package benchmark          (from this directory)
import PackageDescription

// A path dependency's identity is its directory's name (a worktree may not be called
// "Regolith"), so name the parent package by where it is.
let regolith = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "Regolith"

func benchmark(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: "Benchmarks/\(name)",
        swiftSettings: [.swiftLanguageMode(.v6)],
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
}

let package = Package(
    name: "RegolithBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmark("WireBenchmarks", [
            .product(name: "FlightCore", package: regolith),
            .product(name: "FlightWire", package: regolith),
        ]),
    ]
)
