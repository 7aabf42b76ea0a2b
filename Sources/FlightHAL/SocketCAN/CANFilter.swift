public import FlightWire

/// One kernel receive filter (`struct can_filter`): a frame passes when
/// `received_id & mask == id & mask`, or, when `inverted`, when it does not. The EFF and RTR
/// bits take part in the match when `matchFrameFormat` / `matchRemote` say so, so a
/// standard-id filter does not also let through the extended id with the same low bits.
public struct CANFilter: Hashable, Sendable {
    public var id: CANID
    /// Which id bits must match (0x7FF for an exact standard id, 0x1FFFFFFF extended).
    public var mask: UInt32
    public var inverted: Bool
    /// Match the frame format too (standard vs extended): on by default.
    public var matchFrameFormat: Bool
    /// nil: data and remote frames pass; true: only remote; false: only data frames.
    public var remote: Bool?

    public init(id: CANID, mask: UInt32? = nil, inverted: Bool = false, matchFrameFormat: Bool = true, remote: Bool? = nil) {
        self.id = id
        self.mask = mask ?? (id.isExtended ? CANID.maxExtended : UInt32(CANID.maxStandard))
        self.inverted = inverted
        self.matchFrameFormat = matchFrameFormat
        self.remote = remote
    }

    /// Exactly this id.
    public static func exact(_ id: CANID) -> CANFilter { CANFilter(id: id) }

    /// Every frame (the kernel's default filter).
    public static var all: CANFilter { CANFilter(id: .standard(0), mask: 0, matchFrameFormat: false) }

    static let invertFlag: UInt32 = 0x2000_0000  // CAN_INV_FILTER, in can_id

    /// `can_filter.can_id`.
    public var socketCANID: UInt32 {
        var v = id.rawValue
        if id.isExtended { v |= CANFrame.effFlag }
        if remote == true { v |= CANFrame.rtrFlag }
        if inverted { v |= Self.invertFlag }
        return v
    }

    /// `can_filter.can_mask`.
    public var socketCANMask: UInt32 {
        var m = mask & (id.isExtended ? CANID.maxExtended : CANID.maxExtended)
        if matchFrameFormat { m |= CANFrame.effFlag }
        if remote != nil { m |= CANFrame.rtrFlag }
        return m
    }

    /// Whether the kernel would pass `frame` through this filter (what `can_rcv_filter` does);
    /// for tests and for backends without kernel filters.
    public func matches(_ frame: CANFrame) -> Bool {
        let word = frame.socketCANID & ~CANFrame.errFlag
        let hit = (word & socketCANMask) == (socketCANID & ~Self.invertFlag & socketCANMask)
        return inverted ? !hit : hit
    }

    /// Parses `123:7FF`, `12345678:1FFFFFFF` (8 hex digits: extended), `~123:7FF` (inverted):
    /// candump's filter syntax.
    public init(parsing text: Substring) throws(CANFilterError) {
        var t = text
        var inv = false
        if t.first == "~" {
            inv = true
            t = t.dropFirst()
        }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let value = UInt32(parts[0], radix: 16), let mask = UInt32(parts[1], radix: 16) else {
            throw CANFilterError(text: String(text), reason: "expected <id>:<mask> in hex, e.g. 123:7FF or ~123:7FF")
        }
        let extended = parts[0].count == 8
        if extended {
            guard value <= CANID.maxExtended else { throw CANFilterError(text: String(text), reason: "extended id above 1FFFFFFF") }
            self.init(id: .extended(value), mask: mask & CANID.maxExtended, inverted: inv)
        } else {
            guard value <= UInt32(CANID.maxStandard) else {
                throw CANFilterError(text: String(text), reason: "standard id above 7FF (use 8 hex digits for an extended id)")
            }
            self.init(id: .standard(UInt16(value)), mask: mask & CANID.maxExtended, inverted: inv)
        }
    }
}

public struct CANFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "filter '\(text)': \(reason)" }
}
