import FlightCore
import Testing

final class Counter: Component {
    let name: String
    var ports = ComponentPorts.unwired
    var ticks: UInt64 = 0
    var step: UInt32 = 1
    enum Channel: UInt32 { case count = 0 }
    enum Command: UInt32 { case setStep = 0, fire = 1 }
    init(_ name: String) { self.name = name }
    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Counter",
            commands: [
                CommandDefinition(Command.setStep.rawValue, "SET_STEP", arguments: [.init("step", .u32, range: 1...10)]),
                CommandDefinition(Command.fire.rawValue, "FIRE", hazardous: true),
            ],
            channels: [ChannelDefinition(Channel.count.rawValue, "Count", .u64)])
    }
    func tick(_ context: TickContext) {
        ticks += UInt64(step)
        ports.write(Channel.count, .u64(ticks))
    }
    func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .setStep:
            guard case .u32(let s) = command.arguments[0] else { return .validationError }
            step = s
            return .ok
        case .fire: return .ok
        case nil: return .invalidOpcode
        }
    }
}

@Suite struct SmokeTests {
    @Test func topologyRunsAndDispatches() throws {
        var b = TopologyBuilder(name: "Smoke", baseRate: 100)
        let a = Counter("a"), c = Counter("c")
        b.add(a)
        b.add(c)
        b.add(RateGroup("fast", a, c), divisor: 1)
        let t = try b.build()
        let exec = t.lockstep()
        exec.step(10)
        #expect(a.ticks == 10)
        let op = try #require(t.opcode("a.SET_STEP"))
        let r = t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [0, 0, 0, 3]))
        #expect(r == .ok)
        exec.step(1)
        #expect(a.ticks == 13)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [0, 0, 0, 11])) == .validationError)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: op, arguments: [0, 0, 3])) == .formatError)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: Opcode(0xDEAD))) == .invalidOpcode)
        let fire = try #require(t.opcode("a.FIRE"))
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .validationError)
        let arm = try #require(t.opcode("cmdDisp.ARM"))
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: arm, arguments: withBE(fire.rawValue))) == .ok)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: fire)) == .ok)
        let d = t.dictionary()
        #expect(d.fprimeJSON().contains("\"a.FIRE\""))
    }
}

func withBE(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
