public import FlightCore
import FlightWire

extension GroundInterface {
    public enum Command: UInt32 { case authResetCounter = 0 }

    public enum Channel: UInt32 {
        case uplinkBytes = 0, uplinkFrames, uplinkBytesSkipped, uplinkCrcErrors, keepAlives, packetsRejected,
            authRefused, authUnauthenticated, authTruncated, authBadMac, authReplayed, authOther, authLastCounter,
            commandsUplinked, commandsCompleted, commandsFailed, downlinkPackets, downlinkFramesSent,
            downlinkQueueDepth, eventsLost, channelsDeferred, framesAbandoned, sendRefused, linkUp
    }

    public enum Event: UInt32 {
        case authRefused = 0, packetRejected, eventsLost, linkUp, linkDown, authCounterReset, uplinkGarbage
    }

    /// Why an uplinked packet that passed the frame CRC was not a command to dispatch.
    public enum Rejection: UInt8, CaseIterable, Sendable, CustomStringConvertible {
        /// The frame's data field is not exactly one Space Packet.
        case malformedSpacePacket = 0
        /// A Space Packet that is not a telecommand on APID 0.
        case notACommand = 1
        /// The F Prime packet inside is not a command packet (descriptor, length).
        case malformedCommand = 2
        /// The dispatcher's queue was full (answered BUSY).
        case dispatcherBusy = 3

        public var description: String {
            switch self {
            case .malformedSpacePacket: "MALFORMED_SPACE_PACKET"
            case .notACommand: "NOT_A_COMMAND"
            case .malformedCommand: "MALFORMED_COMMAND"
            case .dispatcherBusy: "DISPATCHER_BUSY"
            }
        }
    }

    public static let rejectionType = EnumType(
        "Regolith.UplinkRejection", representation: .u8,
        constants: Rejection.allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "Why the ground interface rejected an uplinked packet")

    public var definition: ComponentDefinition {
        let auth = FlightType.enumeration(CommandAuthentication.refusalType)
        let throttled = EventThrottle(count: 20, window: .seconds(10))
        return ComponentDefinition(
            kind: "GroundInterface",
            summary: "Uplinks commands from TC frames on a byte link (fprime-gds's space-packet-space-data-link framing), checks their authentication, and downlinks events before channels in fixed-length TM frames through a bounded queue.",
            commands: [
                CommandDefinition(Command.authResetCounter.rawValue, "AUTH_RESET_COUNTER", hazardous: true, summary: "Forget the last accepted command counter (after a ground restart that lost its counter); re-opens old commands to replay, so it needs ARM"),
            ],
            channels: [
                ChannelDefinition(Channel.uplinkBytes.rawValue, "UplinkBytes", .u64, update: .onChange, summary: "Bytes received on the ground link"),
                ChannelDefinition(Channel.uplinkFrames.rawValue, "UplinkFrames", .u32, update: .onChange, summary: "TC frames received with a good CRC"),
                ChannelDefinition(Channel.uplinkBytesSkipped.rawValue, "UplinkBytesSkipped", .u64, update: .onChange, summary: "Received bytes that were not part of a valid frame (garbage, lost sync)"),
                ChannelDefinition(Channel.uplinkCrcErrors.rawValue, "UplinkCrcErrors", .u32, update: .onChange, summary: "TC frames whose header looked right but whose CRC did not match"),
                ChannelDefinition(Channel.keepAlives.rawValue, "KeepAlives", .u32, update: .onChange, summary: "fprime-gds keep-alive messages skipped"),
                ChannelDefinition(Channel.packetsRejected.rawValue, "PacketsRejected", .u32, update: .onChange, summary: "Uplinked packets that were not commands or did not decode"),
                ChannelDefinition(Channel.authRefused.rawValue, "AuthRefused", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Commands refused by authentication (all reasons)"),
                ChannelDefinition(Channel.authUnauthenticated.rawValue, "AuthUnauthenticated", .u32, update: .onChange, summary: "Plain commands refused because a key is configured"),
                ChannelDefinition(Channel.authTruncated.rawValue, "AuthTruncated", .u32, update: .onChange, summary: "Signed commands too short to hold a counter, a command and a MAC"),
                ChannelDefinition(Channel.authBadMac.rawValue, "AuthBadMac", .u32, update: .onChange, summary: "Signed commands whose MAC did not match (tampered or wrong key)"),
                ChannelDefinition(Channel.authReplayed.rawValue, "AuthReplayed", .u32, update: .onChange, summary: "Signed commands whose counter was not above the last accepted"),
                ChannelDefinition(Channel.authOther.rawValue, "AuthOther", .u32, update: .onChange, summary: "Signed commands of an unknown layout version, or signed while no key is configured"),
                ChannelDefinition(Channel.authLastCounter.rawValue, "AuthLastCounter", .u64, update: .onChange, summary: "The last accepted command counter"),
                ChannelDefinition(Channel.commandsUplinked.rawValue, "CommandsUplinked", .u32, update: .onChange, summary: "Commands handed to the dispatcher"),
                ChannelDefinition(Channel.commandsCompleted.rawValue, "CommandsCompleted", .u32, update: .onChange, summary: "Ground commands that completed OK"),
                ChannelDefinition(Channel.commandsFailed.rawValue, "CommandsFailed", .u32, update: .onChange, summary: "Ground commands that completed with an error"),
                ChannelDefinition(Channel.downlinkPackets.rawValue, "DownlinkPackets", .u64, update: .onChange, summary: "Event and channel packets framed for downlink"),
                ChannelDefinition(Channel.downlinkFramesSent.rawValue, "DownlinkFramesSent", .u64, update: .onChange, summary: "TM frames written whole to the link"),
                ChannelDefinition(Channel.downlinkQueueDepth.rawValue, "DownlinkQueueDepth", .u32, update: .onChange, summary: "TM frames waiting for the link"),
                ChannelDefinition(Channel.eventsLost.rawValue, "EventsLost", .u64, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Events overwritten in the event log before the downlink could send them"),
                ChannelDefinition(Channel.channelsDeferred.rawValue, "ChannelsDeferred", .u64, update: .onChange, summary: "Times channel downlink stopped early for lack of room (the values stay pending; only the latest is sent)"),
                ChannelDefinition(Channel.framesAbandoned.rawValue, "FramesAbandoned", .u32, update: .onChange, summary: "Partly sent TM frames dropped because the connection changed"),
                ChannelDefinition(Channel.sendRefused.rawValue, "LinkSendRefused", .u64, update: .onChange, summary: "Writes the link could not take in full (back-pressure)"),
                ChannelDefinition(Channel.linkUp.rawValue, "LinkUp", .bool, update: .onChange, summary: "The ground link is open"),
            ],
            events: [
                EventDefinition(Event.authRefused.rawValue, "AuthRefused", .warningHigh, arguments: [.init("reason", auth), .init("counter", .u64)], format: "Uplinked command refused: {} (counter {})", throttle: throttled),
                EventDefinition(Event.packetRejected.rawValue, "PacketRejected", .warningLow, arguments: [.init("reason", .enumeration(Self.rejectionType)), .init("apid", .u16)], format: "Uplinked packet rejected: {} (APID {})", throttle: throttled),
                EventDefinition(Event.eventsLost.rawValue, "EventsLost", .warningHigh, arguments: [.init("count", .u64)], format: "{} events were overwritten before they could be downlinked", throttle: throttled),
                EventDefinition(Event.linkUp.rawValue, "GroundLinkUp", .activityHigh, format: "Ground link open"),
                EventDefinition(Event.linkDown.rawValue, "GroundLinkDown", .warningLow, format: "Ground link lost", throttle: throttled),
                EventDefinition(Event.authCounterReset.rawValue, "AuthCounterReset", .activityHigh, arguments: [.init("previous", .u64)], format: "Command counter reset from {}"),
                EventDefinition(Event.uplinkGarbage.rawValue, "UplinkGarbage", .warningLow, arguments: [.init("bytes", .u32)], format: "{} uplinked bytes were not part of a valid frame", throttle: throttled),
            ])
    }
}
