public import FlightCore

/// Authenticated commanding: the layout of a signed command and its check on the flight side.
///
/// A signed command is a telecommand Space Packet (APID 0) with the secondary header flag set,
/// whose data field is:
///
/// ```
/// version   U8   = 1
/// counter   U64  strictly greater than every counter accepted before (big-endian)
/// command   the F Prime command packet: descriptor U16 = 0, opcode U32, arguments
/// mac       32 bytes: HMAC-SHA-256(key, version ‖ counter ‖ command)
/// ```
///
/// So the MAC covers the command's bytes and its counter: a changed byte fails the MAC, and a
/// recorded command sent again fails the counter. A plain F Prime command (no secondary
/// header, what fprime-gds sends) is *unauthenticated*. With no key configured the flight side
/// takes plain commands only (see docs/ground.md: fprime-gds commanding needs authentication
/// off, or a link on loopback).
public enum CommandAuthentication {
    public static let version: UInt8 = 1
    /// version + counter.
    public static let headerSize = 9
    public static let macSize = HMACSHA256.macSize
    /// The shortest signed command: header, a command packet with no arguments (6), MAC.
    public static let minimumSize = headerSize + 6 + macSize

    /// Why a command was refused (the values are the `Regolith.AuthRefusal` enum downlinked).
    public enum Refusal: UInt8, Error, CaseIterable, Sendable, CustomStringConvertible {
        /// A plain command while a key is configured.
        case unauthenticated = 0
        /// Marked signed but shorter than a signed command can be.
        case truncated = 1
        /// The MAC does not match: the bytes were changed, or signed with another key.
        case badMAC = 2
        /// The counter is not above the last accepted one: a replay, or a stale ground.
        case replayed = 3
        /// A signed layout this software does not know.
        case unknownVersion = 4
        /// A signed command arrived but no key is configured to check it.
        case noKey = 5

        public var description: String {
            switch self {
            case .unauthenticated: "UNAUTHENTICATED"
            case .truncated: "TRUNCATED"
            case .badMAC: "BAD_MAC"
            case .replayed: "REPLAYED"
            case .unknownVersion: "UNKNOWN_VERSION"
            case .noKey: "NO_KEY"
            }
        }
    }

    /// The refusal reasons as a dictionary enum.
    public static let refusalType = EnumType(
        "Regolith.AuthRefusal", representation: .u8,
        constants: Refusal.allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "Why the ground interface refused an uplinked command")

    /// Writes a signed command's data field (header, `command`, MAC) into `output`; returns
    /// its length, or nil when `output` is too small. The ground side's half.
    public static func seal(
        command: UnsafeRawBufferPointer, counter: UInt64, mac: HMACSHA256, into output: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let total = headerSize + command.count + macSize
        guard output.count >= total else { return nil }
        var w = ByteWriter(output)
        w.write(version)
        w.write(counter)
        w.write(bytes: command)
        let digest = mac.authenticate(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(output)[0..<(headerSize + command.count)]))
        digest.write(into: UnsafeMutableRawBufferPointer(rebasing: output[(headerSize + command.count)..<total]))
        return total
    }

    /// A signed command's data field as bytes (allocates: for ground tools and tests).
    public static func seal(command: [UInt8], counter: UInt64, key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: headerSize + command.count + macSize)
        let mac = HMACSHA256(key: key)
        _ = command.withUnsafeBytes { c in out.withUnsafeMutableBytes { seal(command: c, counter: counter, mac: mac, into: $0) } }
        return out
    }
}

/// The flight side's check of uplinked commands: holds the key's HMAC state and the last
/// counter accepted. Never allocates.
public struct CommandAuthenticator: Sendable {
    let mac: HMACSHA256?
    /// The highest counter accepted so far (0: none yet).
    public private(set) var lastCounter: UInt64 = 0

    /// With a key, commands must be signed; with nil, plain commands pass and signed ones are
    /// refused (`noKey`).
    public init(key: [UInt8]?) {
        mac = key.map { HMACSHA256(key: $0) }
    }

    public var isEnabled: Bool { mac != nil }

    /// Checks one command Space Packet (APID 0); returns the F Prime command packet inside it
    /// (a view into `packet`) or why it is refused. A refused packet does not move the counter.
    public mutating func check(_ packet: SpacePacket) -> Result<UnsafeRawBufferPointer, CommandAuthentication.Refusal> {
        guard packet.header.hasSecondaryHeader else {
            return mac == nil ? .success(packet.dataField) : .failure(.unauthenticated)
        }
        guard let mac else { return .failure(.noKey) }
        let field = packet.dataField
        guard field.count >= CommandAuthentication.minimumSize else { return .failure(.truncated) }
        guard field[0] == CommandAuthentication.version else { return .failure(.unknownVersion) }
        let signedEnd = field.count - CommandAuthentication.macSize
        let expected = mac.authenticate(UnsafeRawBufferPointer(rebasing: field[0..<signedEnd]))
        guard HMACSHA256.constantTimeEqual(expected, UnsafeRawBufferPointer(rebasing: field[signedEnd...])) else {
            return .failure(.badMAC)
        }
        var counter: UInt64 = 0
        for k in 1...8 { counter = counter << 8 | UInt64(field[k]) }
        guard counter > lastCounter else { return .failure(.replayed) }
        lastCounter = counter
        return .success(UnsafeRawBufferPointer(rebasing: field[CommandAuthentication.headerSize..<signedEnd]))
    }

    /// Forgets the last counter (a hazardous command: it re-opens old commands to replay).
    public mutating func resetCounter() { lastCounter = 0 }
}
