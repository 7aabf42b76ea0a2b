#if canImport(Glibc)
    import Glibc
#endif
import FlightCore
import Testing

// Shared fixtures for the FlightCore tests: a configurable component, byte encoders,
// event-log and telemetry look-ups, a seeded PRNG and temporary files.

/// A component whose definition and behaviour each test chooses. It records what it was
/// asked to do (ticks, commands, parameter changes) so tests can check exactly.
final class Probe: Component {
    let name: String
    var ports = ComponentPorts.unwired
    let spec: ComponentDefinition
    /// What ``handle(_:)`` answers.
    var response: CommandResponse = .ok
    private(set) var handled: [CommandInvocation] = []
    private(set) var parameterChanges: [ParameterChange] = []
    private(set) var ticks: [TickContext] = []
    var onTick: ((Probe, TickContext) -> Void)?

    struct ParameterChange: Equatable {
        var localID: UInt32
        var value: FlightValue
    }

    init(_ name: String, _ spec: ComponentDefinition = ComponentDefinition(kind: "Probe"), onTick: ((Probe, TickContext) -> Void)? = nil) {
        self.name = name
        self.spec = spec
        self.onTick = onTick
    }

    var definition: ComponentDefinition { spec }

    func tick(_ context: TickContext) {
        ticks.append(context)
        onTick?(self, context)
    }

    func handle(_ command: CommandInvocation) -> CommandResponse {
        handled.append(command)
        return response
    }

    func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        parameterChanges.append(ParameterChange(localID: localID, value: value))
    }
}

/// Definitions the tests share.
enum Fixture {
    static let mode = EnumType("Probe.Mode", representation: .u8, constants: [("IDLE", 0), ("RUN", 1), ("SAFE", 5)])

    /// One command per argument kind, plus hazardous and failing ones.
    static let commanded = ComponentDefinition(
        kind: "Commanded",
        commands: [
            CommandDefinition(0, "SET_U8", arguments: [.init("v", .u8, range: 1...10)]),
            CommandDefinition(1, "SET_I16", arguments: [.init("v", .i16, range: -100...100)]),
            CommandDefinition(2, "SET_F32", arguments: [.init("v", .f32)]),
            CommandDefinition(3, "SET_F64", arguments: [.init("v", .f64, range: -1...1)]),
            CommandDefinition(4, "SET_MODE", arguments: [.init("mode", .enumeration(mode))]),
            CommandDefinition(5, "SET_FLAG", arguments: [.init("flag", .bool)]),
            CommandDefinition(6, "SAY", arguments: [.init("text", .string(maxLength: 8))]),
            CommandDefinition(7, "MULTI", arguments: [.init("a", .u32), .init("b", .bool), .init("c", .f64)]),
            CommandDefinition(8, "FIRE", hazardous: true),
            CommandDefinition(9, "VENT", hazardous: true),
            CommandDefinition(10, "NO_ARGS"),
        ])

    /// Parameters of every flavour.
    static let tunable = ComponentDefinition(
        kind: "Tunable",
        commands: [CommandDefinition(0, "PING")],
        parameters: [
            ParameterDefinition(0, "GAIN", .f64, default: .f64(1), range: 0...100),
            ParameterDefinition(1, "COUNT", .u16, default: .u16(7), range: 1...1000),
            ParameterDefinition(2, "ENABLED", .bool, default: .bool(false)),
            ParameterDefinition(3, "MODE", .enumeration(mode), default: .enumeration(1)),
        ])
}

/// Builds a topology of the core plus `probes` (each at its base id, or automatic), all in
/// one rate group `probes` running every base tick.
func makeTopology(
    _ probes: [(Probe, UInt32?)], baseRate: Double = 100, coreRate: Double = 10, eventCapacity: Int = 1024,
    parameterFile: String? = nil, configure: (inout TopologyBuilder) throws -> Void = { _ in }
) throws -> Topology {
    var b = TopologyBuilder(name: "Test", baseRate: baseRate, coreRate: coreRate, eventCapacity: eventCapacity, parameterFile: parameterFile)
    for (p, base) in probes { b.add(p, baseID: base) }
    if !probes.isEmpty { b.add(UniformRateGroup("probes", probes.map(\.0)), divisor: 1) }
    try configure(&b)
    return try b.build()
}

// MARK: Bytes

/// The bytes a ByteWriter produces in `body`.
func encode(capacity: Int = 512, _ body: (inout ByteWriter) -> Void) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: capacity)
    let n = buffer.withUnsafeMutableBytes { raw -> Int in
        var w = ByteWriter(raw)
        body(&w)
        return w.count
    }
    return Array(buffer[0..<n])
}

/// Big-endian bytes of an integer.
func be<T: FixedWidthInteger>(_ v: T) -> [UInt8] { encode { $0.write(v) } }
func be(_ v: Float) -> [UInt8] { be(v.bitPattern) }
func be(_ v: Double) -> [UInt8] { be(v.bitPattern) }
/// An F Prime string: U16 length, then the bytes.
func fprimeString(_ bytes: [UInt8]) -> [UInt8] { be(UInt16(bytes.count)) + bytes }

// MARK: Events and telemetry

extension EventArguments {
    var values: [FlightValue] { (0..<count).map { self[$0] } }
}

extension Topology {
    /// A cursor at the end of the event log: what is logged from now on.
    var eventCursor: EventLog.Cursor { EventLog.Cursor(next: events.nextSequence) }

    func qualifiedName(of record: EventLog.Record) -> String {
        events.info(record.id)?.qualifiedName ?? "?\(record.id)"
    }

    /// Records logged since `cursor` (advancing it).
    func newEvents(since cursor: inout EventLog.Cursor) -> [EventLog.Record] {
        var out: [EventLog.Record] = []
        events.read(from: &cursor) { out.append($0) }
        return out
    }

    /// Qualified names of the records logged since `cursor` (advancing it).
    func newEventNames(since cursor: inout EventLog.Cursor) -> [String] {
        newEvents(since: &cursor).map(qualifiedName(of:))
    }

    /// Records in the ring of the event with this qualified name.
    func records(_ qualifiedName: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [EventLog.Record] {
        let id = try #require(eventID(qualifiedName), "no event \(qualifiedName)", sourceLocation: sourceLocation)
        return events.records.filter { $0.id == id }
    }

    /// The latest value of a channel by qualified name (nil if never written).
    func latest(_ qualifiedName: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> FlightValue? {
        let id = try #require(channelID(qualifiedName), "no channel \(qualifiedName)", sourceLocation: sourceLocation)
        return telemetry.latest(id)?.value
    }

    func op(_ qualifiedName: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Opcode {
        try #require(opcode(qualifiedName), "no command \(qualifiedName)", sourceLocation: sourceLocation)
    }

    /// Dispatches a command by name and returns its response; a command its component
    /// deferred (file I/O on the worker thread) is waited for by ticking the parameter
    /// database until it completes (at most 5 s).
    @discardableResult
    func send(_ qualifiedName: String, _ arguments: [UInt8] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResponse? {
        let packet = CommandPacket(opcode: try op(qualifiedName, sourceLocation: sourceLocation), arguments: arguments, source: .test)
        if let response = dispatcher.dispatch(packet) { return response }
        let box = CompletionBox()
        dispatcher.setResponseHandler(for: .test) { box.completion = $0 }
        for _ in 0..<5_000 where box.completion == nil {
            parameters.tick(TickContext(tick: 0, time: services.now, period: .milliseconds(100)))
            if box.completion == nil { usleep(1_000) }
        }
        dispatcher.setResponseHandler(for: .test) { _ in }
        return box.completion?.response
    }
}

final class CompletionBox { var completion: CommandCompletion? }

// MARK: Randomness

/// SplitMix64 (FlightCore's SeededRandom), so test runs never depend on global randomness.
typealias SplitMix64 = SeededRandom

// MARK: Files

/// A path under /tmp no other test (or test run) uses.
func temporaryPath(_ label: String) -> String {
    var g = SystemRandomNumberGenerator()
    return "/tmp/regolith-coretests-\(getpid())-\(label)-\(String(g.next() as UInt64, radix: 16)).prm"
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let f = try #require(fopen(path, "wb"))
    defer { fclose(f) }
    let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    try #require(n == bytes.count)
}

func readFile(_ path: String) throws -> [UInt8] {
    let f = try #require(fopen(path, "rb"), "cannot open \(path)")
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n == 0 { break }
        out += chunk[0..<n]
    }
    return out
}

func removeFile(_ path: String) { _ = unlink(path) }
