import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

// Shared fixtures for the driver tests: the two kinds of link a driver runs on, and a bench
// that runs a small topology (the drivers under test) in lockstep with device emulators.

/// The links every driver is tested on: a simulated byte pair (a PTY or serial port) and a
/// simulated CAN bus.
enum DriverLink: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case bytes, can

    var testDescription: String { rawValue }
}

/// One device's link, both ends, and the simulated medium underneath.
struct BenchLink {
    let flight: DeviceEndpoint.Link
    let device: DeviceEndpoint.Link
    /// The byte pair (flight end, device end), on `.bytes`.
    let pair: (flight: SimulatedByteLink, device: SimulatedByteLink)?
    /// The bus and the flight node, on `.can`.
    let bus: SimulatedFrameBus?
    let flightNode: SimulatedFrameLink?

    static func make(_ kind: DriverLink, faults: FaultPlan = .none) -> BenchLink {
        switch kind {
        case .bytes:
            let (fc, device) = SimulatedByteLink.pair("fc", "device", capacity: 1 << 16, faults: faults)
            return BenchLink(flight: .bytes(fc), device: .bytes(device), pair: (fc, device), bus: nil, flightNode: nil)
        case .can:
            let bus = SimulatedFrameBus(supportsFD: false, faults: faults)
            let fc = bus.attach("fc", queueCapacity: 4096)
            return BenchLink(flight: .frames(fc), device: .frames(bus.attach("device", queueCapacity: 1024)), pair: nil, bus: bus, flightNode: fc)
        }
    }

    /// Writes raw bytes (byte link) or a raw CAN frame (bus) onto the flight side's input, as
    /// a hostile or broken device would.
    func inject(bytes: [UInt8]) {
        guard let p = pair else { return }
        _ = bytes.withUnsafeBytes { p.device.write($0) }
    }
}

/// A topology of drivers run in lockstep with emulators: each step, every emulator steps to
/// the current simulated time (the physics side), then the executive runs one base tick.
final class DriverBench {
    let topology: Topology
    let exec: LockstepExecutive
    var emulators: [any DeviceEmulator] = []
    /// Called before the emulators each step (a test changes measurements or faults here).
    var beforeStep: ((FlightDuration) -> Void)?
    /// Byte pairs and buses to advance one fault step per tick (so a disconnect runs out).
    var pairs: [SimulatedByteLink] = []
    var buses: [SimulatedFrameBus] = []
    private(set) var elapsed = FlightDuration.zero

    /// Builds the topology: `build` adds the drivers (and returns their rate group's members),
    /// which run every base tick (1 kHz by default).
    init(baseRate: Double = 1_000, _ build: (inout TopologyBuilder) throws -> any RateGroupRunning) throws {
        var b = TopologyBuilder(name: "DriverBench", baseRate: baseRate)
        let group = try build(&b)
        b.add(group, divisor: 1)
        topology = try b.build()
        exec = topology.lockstep()
    }

    func run(milliseconds ms: Int) {
        let steps = Int((Double(ms) / 1_000 / exec.period.seconds).rounded())
        for _ in 0..<steps { step() }
    }

    func step() {
        beforeStep?(elapsed)
        for e in emulators { e.step(to: elapsed) }
        exec.step()
        for p in pairs { p.advance() }
        for b in buses { b.advance() }
        elapsed = elapsed + exec.period
    }

    /// Steps until `condition` holds, at most `ms` milliseconds; returns whether it held.
    @discardableResult
    func run(until condition: () -> Bool, milliseconds ms: Int) -> Bool {
        let steps = Int((Double(ms) / 1_000 / exec.period.seconds).rounded())
        for _ in 0..<steps {
            if condition() { return true }
            step()
        }
        return condition()
    }

    // MARK: Telemetry, events, commands

    func value(_ channel: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> FlightValue? {
        let id = try #require(topology.channelID(channel), "no channel \(channel)", sourceLocation: sourceLocation)
        return topology.telemetry.latest(id)?.value
    }

    func count(_ channel: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
        try #require(try value(channel, sourceLocation: sourceLocation), "channel \(channel) never written", sourceLocation: sourceLocation).doubleValue
    }

    func health(_ driver: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DeviceHealth? {
        guard case .enumeration(let v)? = try value("\(driver).Health", sourceLocation: sourceLocation) else { return nil }
        return DeviceHealth(rawValue: UInt8(v))
    }

    /// The records of one event (qualified name), oldest first.
    func events(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [EventLog.Record] {
        let id = try #require(topology.eventID(name), "no event \(name)", sourceLocation: sourceLocation)
        return topology.events.records.filter { $0.id == id }
    }

    /// Dispatches a command by qualified name with encoded arguments.
    func send(_ name: String, _ args: [ArgumentValue] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResponse? {
        let entry = try #require(topology.dictionary().command(named: name), "no command \(name)", sourceLocation: sourceLocation)
        let bytes = try #require(CommandArguments.encode(args, as: entry.arguments), "arguments do not encode", sourceLocation: sourceLocation)
        return topology.dispatcher.dispatch(CommandPacket(opcode: entry.opcode, arguments: bytes, source: .test))
    }
}

extension EventLog.Record {
    var args: [FlightValue] { (0..<arguments.count).map { arguments[$0] } }
}

/// Everything a subscription holds now, oldest first.
func drain<M>(_ s: Subscription<M>) -> [M] {
    var out: [M] = []
    while let m = s.receive() { out.append(m) }
    return out
}

func healthValue(_ h: DeviceHealth) -> FlightValue { .enumeration(Int32(h.rawValue)) }
