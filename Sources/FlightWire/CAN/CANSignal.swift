/// One signal of a CAN message as a DBC file describes it, for little-endian (Intel, `@1`)
/// signals: raw bits at `startBit...startBit+length-1` counted from bit 0 of byte 0, and
/// `physical = raw * factor + offset`.
public struct CANSignal: Sendable {
    public let name: String
    public let startBit: Int
    public let length: Int
    public let isSigned: Bool
    public let factor: Double
    public let offset: Double
    public let minimum: Double
    public let maximum: Double
    public let unit: String

    public init(
        _ name: String, start: Int, length: Int, signed: Bool = false, factor: Double = 1, offset: Double = 0,
        min: Double, max: Double, unit: String = ""
    ) {
        precondition(length >= 1 && length <= 64 && start >= 0, "signal table entry out of range")
        self.name = name
        startBit = start
        self.length = length
        isSigned = signed
        self.factor = factor
        self.offset = offset
        minimum = min
        maximum = max
        self.unit = unit
    }

    var rawMask: UInt64 { length == 64 ? .max : (1 << UInt64(length)) - 1 }

    /// The raw integer for a physical value: clamped to [minimum, maximum], rounded to the
    /// nearest step, then clamped to what `length` bits can hold.
    public func raw(for physical: Double) -> UInt64 {
        let clamped = Swift.min(Swift.max(physical.isNaN ? 0 : physical, minimum), maximum)
        let steps = roundedToNearest((clamped - offset) / factor)
        // Compare against exact powers of two before converting, so no value can trap.
        if isSigned {
            let limit = Double(sign: .plus, exponent: length - 1, significand: 1)
            if steps >= limit { return UInt64(bitPattern: Int64.max >> UInt64(64 - length)) & rawMask }
            if steps <= -limit { return UInt64(bitPattern: Int64.min >> UInt64(64 - length)) & rawMask }
            return UInt64(bitPattern: Int64(steps)) & rawMask
        }
        if steps >= Double(sign: .plus, exponent: length, significand: 1) { return rawMask }
        if steps <= 0 { return 0 }
        return UInt64(steps)
    }

    /// The physical value of a raw integer.
    public func physical(raw: UInt64) -> Double {
        if isSigned, length < 64, raw & (1 << UInt64(length - 1)) != 0 {
            return Double(Int64(bitPattern: raw | ~rawMask)) * factor + offset
        }
        if isSigned { return Double(Int64(bitPattern: raw)) * factor + offset }
        return Double(raw) * factor + offset
    }

    /// Writes `physical` into `data`; returns false, writing nothing, if the signal does not fit.
    @discardableResult
    public func encode(_ physical: Double, into data: UnsafeMutableRawBufferPointer) -> Bool {
        encodeRaw(raw(for: physical), into: data)
    }

    /// Writes the low `length` bits of `raw` into `data`, leaving its other bits as they are;
    /// returns false, writing nothing, if the signal does not fit.
    @discardableResult
    public func encodeRaw(_ raw: UInt64, into data: UnsafeMutableRawBufferPointer) -> Bool {
        guard startBit + length <= data.count * 8 else { return false }
        // A byte at a time (at most nine): the signal's bits in byte `b` start at bit `at` of
        // it and run for `n` bits; `rest` holds the bits not yet written, lowest first.
        var b = startBit >> 3, at = startBit & 7
        var remaining = length, rest = raw
        while remaining > 0 {
            let n = Swift.min(8 - at, remaining)
            let mask = UInt8(truncatingIfNeeded: ((1 << n) - 1) << at)
            data[b] = (data[b] & ~mask) | (UInt8(truncatingIfNeeded: rest << UInt64(at)) & mask)
            rest >>= UInt64(n)
            remaining -= n
            at = 0
            b += 1
        }
        return true
    }

    /// Reads the signal from `data`, or nil if the frame is too short to hold it.
    public func decode(_ data: UnsafeRawBufferPointer) -> Double? { decodeRaw(data).map { physical(raw: $0) } }

    public func decodeRaw(_ data: UnsafeRawBufferPointer) -> UInt64? {
        guard startBit + length <= data.count * 8 else { return nil }
        // A byte at a time (at most nine), little-endian: the first byte's bits from the
        // signal's start, then whole bytes above them; bits past the signal are masked off.
        let first = startBit >> 3, last = (startBit + length - 1) >> 3
        var raw = UInt64(data[first]) >> UInt64(startBit & 7)
        var filled = 8 - (startBit & 7)  // bits of `raw` taken so far (below 64: see the loop)
        var b = first + 1
        while b <= last {
            raw |= UInt64(data[b]) << UInt64(filled)
            filled += 8
            b += 1
        }
        return raw & rawMask
    }
}

/// A CAN message of the id plan: its id, length, sending node and signals.
public struct CANMessage: Sendable {
    public let id: UInt16
    public let name: String
    public let length: Int
    public let sender: String
    public let signals: [CANSignal]

    public init(id: UInt16, name: String, length: Int, sender: String, signals: [CANSignal]) {
        self.id = id
        self.name = name
        self.length = length
        self.sender = sender
        self.signals = signals
    }

    public func signal(_ name: String) -> CANSignal? { signals.first { $0.name == name } }

    /// A frame of this message with the given physical values (others zero). Unknown signal
    /// names are ignored.
    public func frame(_ values: [(String, Double)]) -> CANFrame {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBytes { b in
            for (name, value) in values { signal(name)?.encode(value, into: b) }
        }
        // Cannot throw: ids in the plan are 11-bit and lengths at most 8.
        return (try? CANFrame(id: .standard(id), data: bytes)) ?? CANFrame.empty
    }
}

extension CANFrame {
    static let empty: CANFrame = {
        guard let f = try? CANFrame(id: .standard(0), data: [UInt8]()) else { fatalError("unreachable") }
        return f
    }()
}

/// Round half away from zero without libm (FlightWire links nothing but the stdlib): values
/// of 2^52 and above are already integers.
func roundedToNearest(_ x: Double) -> Double {
    guard x.isFinite else { return x.isNaN ? 0 : x }
    guard abs(x) < 4_503_599_627_370_496 else { return x }
    return Double(Int64(x + (x < 0 ? -0.5 : 0.5)))
}
