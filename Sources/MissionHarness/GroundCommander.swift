public import FlightCore

/// Commands sent by name through a topology's dispatcher, as the ground would, and what each
/// was answered: what both mission harnesses use to command their flight software.
public final class GroundCommander {
    public let topology: Topology
    public let dictionary: FlightDictionary
    /// Every command sent, in order, with its answer.
    public private(set) var responses: [(name: String, response: CommandResponse)] = []

    public init(_ topology: Topology) {
        self.topology = topology
        dictionary = topology.dictionary()
    }

    /// Sends `name` with `arguments`. An unknown name is answered INVALID_OPCODE and arguments
    /// that do not fit the command's definition FORMAT_ERROR, without dispatching; a command
    /// whose handler completes it later is recorded as OK (accepted).
    @discardableResult
    public func send(_ name: String, _ arguments: [ArgumentValue] = []) -> CommandResponse {
        guard let definition = dictionary.command(named: name) else {
            responses.append((name, .invalidOpcode))
            return .invalidOpcode
        }
        guard let bytes = CommandArguments.encode(arguments, as: definition.arguments) else {
            responses.append((name, .formatError))
            return .formatError
        }
        let response = topology.dispatcher.dispatch(CommandPacket(opcode: definition.opcode, arguments: bytes, source: .ground)) ?? .ok
        responses.append((name, response))
        return response
    }
}
