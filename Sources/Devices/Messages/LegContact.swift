import FlightWire

/// The four landing-leg touchdown switches (LEG_CONTACT, 0x020), 100 Hz by default.
public struct LegContactStatus: Equatable, Sendable {
    /// A set of legs, leg 1 in bit 0 ... leg 4 in bit 3.
    public struct Legs: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }
        public static let leg1 = Legs(rawValue: 1 << 0)
        public static let leg2 = Legs(rawValue: 1 << 1)
        public static let leg3 = Legs(rawValue: 1 << 2)
        public static let leg4 = Legs(rawValue: 1 << 3)
        public static let all: Legs = [.leg1, .leg2, .leg3, .leg4]
        /// Leg `n` (1...4).
        public static func leg(_ n: Int) -> Legs { Legs(rawValue: n >= 1 && n <= 4 ? 1 << UInt8(n - 1) : 0) }
    }

    /// Legs whose switch reads contact.
    public var contact: Legs
    /// Legs whose switch passed its health check (a broken wire reads open and invalid).
    public var valid: Legs
    /// Rolling status counter, +1 per message.
    public var counter: UInt8

    public init(contact: Legs = [], valid: Legs = .all, counter: UInt8) {
        self.contact = contact
        self.valid = valid
        self.counter = counter
    }

    /// The message id in the CAN plan.
    public static var id: UInt16 { definition.id }

    static let definition = RegolithCAN.legContact
    static let contactFields = (1...4).map { definition.field("Leg\($0)") }
    static let validFields = (1...4).map { definition.field("Leg\($0)Valid") }
    static let counterField = definition.field("Counter")

    init(_ r: PayloadReader) {
        var c: UInt8 = 0, v: UInt8 = 0
        for i in 0..<4 {
            if r.flag(Self.contactFields[i]) { c |= 1 << UInt8(i) }
            if r.flag(Self.validFields[i]) { v |= 1 << UInt8(i) }
        }
        contact = Legs(rawValue: c)
        valid = Legs(rawValue: v)
        counter = r.byte(Self.counterField)
    }

    func write(_ w: PayloadWriter) {
        for i in 0..<4 {
            w.flag(Self.contactFields[i], contact.rawValue & (1 << UInt8(i)) != 0)
            w.flag(Self.validFields[i], valid.rawValue & (1 << UInt8(i)) != 0)
        }
        w.byte(Self.counterField, counter)
    }
}
