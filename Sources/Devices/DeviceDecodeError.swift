public import FlightWire

/// Why bytes or a frame from a device link are not a device message. Each case names what
/// was wrong; ``DeviceEndpoint`` counts them by ``reason``.
public enum DeviceDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Serial binding: the COBS+CRC frame itself was bad (no id survives to report).
    case framing(COBSDeframer.Rejection)
    /// The id is not a message of the plan (`Boards/regolith.dbc`).
    case unknownID(UInt16)
    /// The payload is not the message's length (short frames and long ones alike).
    case wrongLength(id: UInt16, expected: Int, got: Int)
    /// A field's raw value lies outside the range the plan gives it.
    case outOfRange(id: UInt16, signal: String)
    /// A serial frame too short to hold the 2-byte message id.
    case missingID(count: Int)
    /// A CAN frame that cannot be a device message: remote (RTR), CAN FD or extended id.
    case unsupportedFrame(UnsupportedFrame)

    public enum UnsupportedFrame: String, Sendable {
        case remote, fd, extendedID
    }

    /// The counter this error goes under.
    public var reason: DeviceRejection {
        switch self {
        case .framing(let r):
            switch r {
            case .oversize: .oversize
            case .malformedEncoding: .malformedEncoding
            case .tooShort: .tooShort
            case .crcMismatch: .crcMismatch
            }
        case .unknownID: .unknownID
        case .wrongLength: .wrongLength
        case .outOfRange: .outOfRange
        case .missingID: .missingID
        case .unsupportedFrame: .unsupportedFrame
        }
    }

    public var description: String {
        switch self {
        case .framing(let r): "serial frame rejected: \(DeviceRejection(r))"
        case .unknownID(let id): "unknown message id 0x\(hex3(id))"
        case .wrongLength(let id, let e, let g): "message 0x\(hex3(id)) has \(g) payload bytes, expected \(e)"
        case .outOfRange(let id, let s): "message 0x\(hex3(id)) field \(s) is out of range"
        case .missingID(let n): "serial frame of \(n) bytes has no 2-byte message id"
        case .unsupportedFrame(let k): "unsupported CAN frame (\(k.rawValue))"
        }
    }
}

/// Why an endpoint threw a frame away: the framing reasons of the serial binding
/// (``FlightWire/COBSDeframer/Rejection``), then the message-level ones of ``DeviceDecodeError``.
public enum DeviceRejection: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Serial: more bytes than the longest frame before a delimiter.
    case oversize
    /// Serial: a COBS block ran past the delimiter (bytes lost or a code byte corrupted).
    case malformedEncoding
    /// Serial: fewer decoded bytes than the 4-byte CRC.
    case tooShort
    /// Serial: the CRC-32C does not match.
    case crcMismatch
    /// Serial: an intact frame shorter than the 2-byte message id.
    case missingID
    /// An id outside the plan.
    case unknownID
    /// A payload of the wrong length for its id.
    case wrongLength
    /// A field outside its range.
    case outOfRange
    /// CAN: a remote, FD or extended-id frame.
    case unsupportedFrame

    public var description: String {
        switch self {
        case .oversize: "oversize"
        case .malformedEncoding: "malformedEncoding"
        case .tooShort: "tooShort"
        case .crcMismatch: "crcMismatch"
        case .missingID: "missingID"
        case .unknownID: "unknownID"
        case .wrongLength: "wrongLength"
        case .outOfRange: "outOfRange"
        case .unsupportedFrame: "unsupportedFrame"
        }
    }
}

extension DeviceRejection {
    init(_ r: COBSDeframer.Rejection) {
        self = DeviceDecodeError.framing(r).reason
    }
}

func hex3(_ v: UInt16) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 3 - s.count)) + s
}
