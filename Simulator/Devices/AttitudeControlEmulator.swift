public import Devices
public import FlightCore

/// The attitude control unit: takes ATTITUDE_CMD (thrust axis target, or hold) from the
/// flight computer, exposes the accepted target for the caller's attitude model to slew to,
/// and publishes ATTITUDE_STATUS, 10 Hz by default, from the latest ``measurement``.
///
/// A command is accepted when its counter differs from the last accepted one (else
/// `repeatedCounter`) and, unless it says hold, its axis has a length within 0.9...1.1 (else
/// `notUnitAxis`); the accepted axis is normalised.
public final class AttitudeControlEmulator: DeviceEmulator {
    public struct Measurement: Sendable, Equatable {
        /// Angle between the thrust axis and the target, degrees.
        public var pointingError: Double
        /// Body rate magnitude, degrees per second.
        public var bodyRate: Double
        public var valid: Bool

        public init(pointingError: Double = 0, bodyRate: Double = 0, valid: Bool = true) {
            self.pointingError = pointingError
            self.bodyRate = bodyRate
            self.valid = valid
        }
    }

    public enum Rejection: Int, CaseIterable, Sendable { case repeatedCounter, notUnitAxis }

    public let endpoint: DeviceEndpoint
    public var measurement = Measurement()
    public var publication: PublicationState {
        get { publishing }
        set { publishing = newValue }
    }
    // `publication`'s storage, private so that step(to:) changes it in place without a run-time
    // exclusivity check (every access to a public stored property of a class has one).
    private var publishing: PublicationState
    /// The accepted target (unit vector, inertial), or nil: hold the present attitude.
    public var target: (x: Double, y: Double, z: Double)? { accepted }
    // Behind `target`: private, so the rig's read of it every step is checked at compile time.
    private var accepted: (x: Double, y: Double, z: Double)?
    public private(set) var latestCommand: AttitudeCommand?
    public private(set) var acceptedCommands = 0
    private var rejectedByReason = [Int](repeating: 0, count: Rejection.allCases.count)
    /// Settled: pointing error under this many degrees and rate under `settledRate`.
    public var settledError = 1.0
    public var settledRate = 0.5

    public init(link: DeviceEndpoint.Link, schedule: PublicationSchedule = PublicationSchedule(hertz: 10)) {
        endpoint = DeviceEndpoint(link: link, filter: .ids([AttitudeCommand.id]))
        publishing = PublicationState(schedule: schedule)
    }

    public func rejectedCommands(_ reason: Rejection) -> Int { rejectedByReason[reason.rawValue] }
    public var rejectedCommands: Int { rejectedByReason.reduce(0, +) }

    public func step(to time: FlightDuration) {
        guard publishing.advance(to: time) else { return }
        while let m = endpoint.receive() {
            if case .attitudeCommand(let c) = m { handle(c) }
        }
        guard let counter = publishing.due(at: time) else { return endpoint.flush() }
        let m = measurement
        publishing.record(sent: endpoint.send(.attitudeStatus(AttitudeStatus(
            pointingError: m.pointingError, bodyRate: m.bodyRate,
            settled: m.pointingError <= settledError && m.bodyRate <= settledRate, holding: accepted == nil, valid: m.valid,
            commandCounter: latestCommand?.counter ?? 0, counter: counter))) == .sent)
    }

    public func handle(_ c: AttitudeCommand) {
        if let last = latestCommand, last.counter == c.counter { return reject(.repeatedCounter) }
        if c.hold {
            accepted = nil
        } else {
            let n = (c.axis.x * c.axis.x + c.axis.y * c.axis.y + c.axis.z * c.axis.z).squareRoot()
            guard n >= 0.9, n <= 1.1 else { return reject(.notUnitAxis) }
            accepted = (c.axis.x / n, c.axis.y / n, c.axis.z / n)
        }
        latestCommand = c
        acceptedCommands += 1
    }

    private func reject(_ r: Rejection) { rejectedByReason[r.rawValue] += 1 }
}
