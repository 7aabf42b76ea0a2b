public import Devices
public import FlightCore

/// The lander IMU: publishes IMU_ACCEL then IMU_RATE with one counter per sample, 100 Hz by
/// default, from the latest ``measurement``.
public final class LanderIMUEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Specific force, body frame, m/s².
        public var specificForce: (x: Double, y: Double, z: Double)
        /// Angular rate, body frame, rad/s.
        public var angularRate: (x: Double, y: Double, z: Double)
        public var valid: Bool
        public var saturated: Bool

        public init(
            specificForce: (x: Double, y: Double, z: Double) = (0, 0, 0), angularRate: (x: Double, y: Double, z: Double) = (0, 0, 0),
            valid: Bool = true, saturated: Bool = false
        ) {
            self.specificForce = specificForce
            self.angularRate = angularRate
            self.valid = valid
            self.saturated = saturated
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.specificForce == b.specificForce && a.angularRate == b.angularRate && a.valid == b.valid && a.saturated == b.saturated
        }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 100)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.imuAcceleration(IMUAcceleration(
            x: m.specificForce.x, y: m.specificForce.y, z: m.specificForce.z, valid: m.valid, saturated: m.saturated, counter: c))) == .sent)
        publishing.record(sent: endpoint.send(.imuRate(IMURate(
            x: m.angularRate.x, y: m.angularRate.y, z: m.angularRate.z, valid: m.valid, saturated: m.saturated, counter: c))) == .sent)
    }
}

/// The lander altimeter/velocimeter: publishes ALTIMETER_BEAM0...3 with one counter per
/// sample, 20 Hz by default.
public final class AltimeterEmulator: DeviceEmulator {
    public struct Beam: Sendable, Equatable {
        /// Slant range to the surface along the beam, m.
        public var range: Double
        /// Range rate along the beam, m/s (negative = closing).
        public var rangeRate: Double
        public var rangeValid: Bool
        public var rateValid: Bool

        public init(range: Double = 0, rangeRate: Double = 0, rangeValid: Bool = false, rateValid: Bool = false) {
            self.range = range
            self.rangeRate = rangeRate
            self.rangeValid = rangeValid
            self.rateValid = rateValid
        }
    }

    public struct Measurement: Sendable, Equatable {
        /// Beams 0...3; missing beams are sent invalid, extra ones ignored.
        public var beams: [Beam]
        public init(beams: [Beam] = Array(repeating: Beam(), count: AltimeterBeam.beamCount)) { self.beams = beams }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 20)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        for i in 0..<AltimeterBeam.beamCount {
            let b = i < measurement.beams.count ? measurement.beams[i] : Beam()
            publishing.record(sent: endpoint.send(.altimeterBeam(AltimeterBeam(
                beam: i, range: b.range, rangeRate: b.rangeRate, rangeValid: b.rangeValid, rateValid: b.rateValid, counter: c))) == .sent)
        }
    }
}

/// The four leg touchdown switches: LEG_CONTACT, 100 Hz by default.
public final class LegContactEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        public var contact: LegContactStatus.Legs
        public var valid: LegContactStatus.Legs
        public init(contact: LegContactStatus.Legs = [], valid: LegContactStatus.Legs = .all) {
            self.contact = contact
            self.valid = valid
        }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 100)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        publishing.record(sent: endpoint.send(.legContact(LegContactStatus(contact: measurement.contact, valid: measurement.valid, counter: c))) == .sent)
    }
}

/// The power unit: POWER_STATUS, 2 Hz by default.
public final class PowerUnitEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Bus voltage, V.
        public var busVoltage: Double
        /// Bus current, A (positive = discharge).
        public var busCurrent: Double
        /// State of charge, %.
        public var stateOfCharge: Double
        public var faults: PowerStatus.Faults
        public var voltageValid: Bool
        public var currentValid: Bool
        public var chargeValid: Bool

        public init(
            busVoltage: Double = 28, busCurrent: Double = 0, stateOfCharge: Double = 100, faults: PowerStatus.Faults = [],
            voltageValid: Bool = true, currentValid: Bool = true, chargeValid: Bool = true
        ) {
            self.busVoltage = busVoltage
            self.busCurrent = busCurrent
            self.stateOfCharge = stateOfCharge
            self.faults = faults
            self.voltageValid = voltageValid
            self.currentValid = currentValid
            self.chargeValid = chargeValid
        }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 2)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.power(PowerStatus(
            busVoltage: m.busVoltage, busCurrent: m.busCurrent, stateOfCharge: m.stateOfCharge, faults: m.faults,
            voltageValid: m.voltageValid, currentValid: m.currentValid, chargeValid: m.chargeValid, counter: c))) == .sent)
    }
}

/// The rover IMU/inclinometer: ROVER_ATTITUDE, 20 Hz by default.
public final class RoverIMUEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Roll and pitch, rad; heading rate, rad/s.
        public var roll: Double
        public var pitch: Double
        public var headingRate: Double
        public var inclinometerValid: Bool
        public var gyroValid: Bool

        public init(roll: Double = 0, pitch: Double = 0, headingRate: Double = 0, inclinometerValid: Bool = true, gyroValid: Bool = true) {
            self.roll = roll
            self.pitch = pitch
            self.headingRate = headingRate
            self.inclinometerValid = inclinometerValid
            self.gyroValid = gyroValid
        }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 20)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.roverAttitude(RoverAttitude(
            roll: m.roll, pitch: m.pitch, headingRate: m.headingRate, inclinometerValid: m.inclinometerValid,
            gyroValid: m.gyroValid, counter: c))) == .sent)
    }
}

/// The rover's forward hazard range sensor: HAZARD_RANGE, 10 Hz by default.
public final class HazardRangeEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Range along each beam, m; nil when nothing is within the sensor's reach.
        public var left: Double?
        public var center: Double?
        public var right: Double?
        /// Beams that work.
        public var valid: HazardRange.Beams

        public init(left: Double? = nil, center: Double? = nil, right: Double? = nil, valid: HazardRange.Beams = .all) {
            self.left = left
            self.center = center
            self.right = right
            self.valid = valid
        }
    }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 10)) {
        self.endpoint = DeviceEndpoint(link: link, filter: .ids([]))
        publishing = PublicationState(schedule: schedule)
    }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        drain(endpoint)
        guard let c = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        var noReturn: HazardRange.Beams = []
        if m.left == nil { noReturn.insert(.left) }
        if m.center == nil { noReturn.insert(.center) }
        if m.right == nil { noReturn.insert(.right) }
        noReturn.formIntersection(m.valid)
        publishing.record(sent: endpoint.send(.hazardRange(HazardRange(
            left: m.left ?? 0, center: m.center ?? 0, right: m.right ?? 0, valid: m.valid, noReturn: noReturn, counter: c))) == .sent)
    }
}

/// Reads whatever a sensor's link delivers, so nothing piles up in the link: a sensor takes
/// no commands, so its endpoint accepts no id and counts each arrival ignored or rejected.
func drain(_ endpoint: DeviceEndpoint) {
    while endpoint.receive() != nil {}
}
