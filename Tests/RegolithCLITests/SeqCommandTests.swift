import FlightCore
import Foundation
import Sequencing
import Testing

@testable import RegolithCLI

/// `regolith seq check --topology lander`: the lander's sequences against the lander's
/// dictionary, resolving `call lander_safing` to lander-safing.rseq.
@Suite struct SeqCommandTests {
    static let sequences = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sequences").standardized.path

    @Test func landerTopologyHasTheSequencerAndTheDescent() throws {
        let topology = try KnownTopology.lander.build()
        #expect(topology.opcode("descent.START_DESCENT")?.rawValue == 0x0B00)
        #expect(topology.opcode("seq.SEQ_RUN")?.rawValue == 0x0A00)
        #expect(topology.members.contains { $0.component is Sequencer })
    }

    @Test(arguments: ["lander-descent.rseq", "lander-safing.rseq"])
    func landerSequencesCheckClean(file: String) throws {
        let options = try SequenceOptions.parse(["--topology", "lander", Self.sequences + "/" + file])
        let result = try options.check(against: try options.loadDictionary())
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { $0.rendered(file: file) })")
        #expect(result.program != nil)
    }

    /// Against the core dictionary the lander's sequence names what is not there.
    @Test func landerDescentDoesNotCheckAgainstTheCore() throws {
        let options = try SequenceOptions.parse([Self.sequences + "/lander-descent.rseq"])
        let result = try options.check(against: try options.loadDictionary())
        #expect(result.errors.contains { $0.message.contains("imu.Health") })
    }

    /// `--topology rover`: the drive at 0x0C00, the sequencer at 0x0A00; the rover's
    /// sequences check clean against it (and not against the core).
    @Test func roverTopologyHasTheSequencerAndTheDrive() throws {
        let topology = try KnownTopology.rover.build()
        #expect(topology.opcode("drive.DRIVE_ARC")?.rawValue == 0x0C00)
        #expect(topology.opcode("drive.DRIVE_GOTO_WAYPOINT")?.rawValue == 0x0C02)
        #expect(topology.opcode("seq.SEQ_RUN")?.rawValue == 0x0A00)
        #expect(topology.members.contains { $0.component is Sequencer })
    }

    @Test(arguments: ["rover-drive.rseq", "rover-safing.rseq"])
    func roverSequencesCheckClean(file: String) throws {
        let options = try SequenceOptions.parse(["--topology", "rover", Self.sequences + "/" + file])
        let result = try options.check(against: try options.loadDictionary())
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { $0.rendered(file: file) })")
        #expect(result.program != nil)
    }

    @Test func roverDriveDoesNotCheckAgainstTheCore() throws {
        let options = try SequenceOptions.parse([Self.sequences + "/rover-drive.rseq"])
        let result = try options.check(against: try options.loadDictionary())
        #expect(result.errors.contains { $0.message.contains("wheels.Health") })
    }
}
