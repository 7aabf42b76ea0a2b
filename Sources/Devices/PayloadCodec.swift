import FlightWire

/// Reads a message's fields from its payload through the plan's signal table. The payload's
/// length and every field's range were checked before (``DeviceMessage/decode(id:payload:)``).
struct PayloadReader {
    let bytes: UnsafeRawBufferPointer

    func value(_ s: CANSignal) -> Double { s.decode(bytes) ?? 0 }
    func flag(_ s: CANSignal) -> Bool { (s.decodeRaw(bytes) ?? 0) != 0 }
    func byte(_ s: CANSignal) -> UInt8 { UInt8(truncatingIfNeeded: s.decodeRaw(bytes) ?? 0) }
    /// A signed raw value, sign-extended from the signal's length.
    func signedRaw(_ s: CANSignal) -> Int64 {
        let raw = s.decodeRaw(bytes) ?? 0
        let shift = UInt64(64 - s.length)
        return Int64(bitPattern: raw << shift) >> shift
    }
}

/// Writes a message's fields into a zeroed payload. Physical values are clamped to the
/// field's range and rounded to its step (``FlightWire/CANSignal/raw(for:)``): a value a device
/// cannot represent saturates, it never wraps.
struct PayloadWriter {
    let bytes: UnsafeMutableRawBufferPointer

    func value(_ s: CANSignal, _ v: Double) { s.encode(v, into: bytes) }
    func flag(_ s: CANSignal, _ v: Bool) { s.encodeRaw(v ? 1 : 0, into: bytes) }
    func byte(_ s: CANSignal, _ v: UInt8) { s.encodeRaw(UInt64(v), into: bytes) }
    /// A signed raw value, kept to the signal's length (wrapping, for rolling counts).
    func signedRaw(_ s: CANSignal, _ v: Int64) {
        let mask: UInt64 = s.length == 64 ? .max : (1 << UInt64(s.length)) - 1
        s.encodeRaw(UInt64(bitPattern: v) & mask, into: bytes)
    }
}

extension CANMessage {
    /// The signal named `name`; a typo in a table is a programming error caught by the tests.
    func field(_ name: String) -> CANSignal {
        guard let s = signal(name) else { preconditionFailure("\(self.name) has no signal \(name)") }
        return s
    }

    /// The first signal whose raw value is outside its range, if any.
    func firstOutOfRange(_ payload: UnsafeRawBufferPointer) -> CANSignal? {
        for s in signals {
            guard let raw = s.decodeRaw(payload) else { return s }
            let p = s.physical(raw: raw)
            let slack = abs(s.factor) / 2
            if p < s.minimum - slack || p > s.maximum + slack { return s }
        }
        return nil
    }
}
