public import FlightCore

/// F Prime's 11-byte time: time base U16, context U8, seconds U32, microseconds U32.
extension FlightTime {
    public static let wireSize = 11

    public func encode(into w: inout ByteWriter) {
        w.write(base.rawValue)
        w.write(context)
        w.write(seconds)
        w.write(microseconds)
    }

    /// Reads a time; nil when fewer than 11 bytes are left. Microseconds of a million or more
    /// are carried into seconds (F Prime would never send them).
    public static func decode(from r: inout ByteReader) -> FlightTime? {
        guard r.remaining >= wireSize, let b = r.read(UInt16.self), let c = r.read(UInt8.self),
            let s = r.read(UInt32.self), let us = r.read(UInt32.self)
        else { return nil }
        return FlightTime(base: TimeBase(rawValue: b), context: c, seconds: s, microseconds: us)
    }
}
