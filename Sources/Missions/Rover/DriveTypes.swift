/// What the drive is doing (telemetry `DriveState`).
public enum DriveState: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// No command: wheels still.
    case idle = 0
    /// Turning in place (a TURN, or facing the next leg of a GOTO_WAYPOINT).
    case turning = 1
    /// Driving a step (an ARC, or a leg of a GOTO_WAYPOINT), hazard-checking each sample.
    case driving = 2
    /// Stopped between steps: settling, then assessing the ground ahead.
    case assessing = 3
    /// Stopped by a safety check or a STOP command: see the stop reason. Wheels still until
    /// the next command.
    case stopped = 4

    public var description: String { ["IDLE", "TURNING", "DRIVING", "ASSESSING", "STOPPED"][Int(rawValue)] }
}

/// Why the drive stopped (telemetry `StopReason`, event `DriveStopped`).
public enum StopReason: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case none = 0
    /// A STOP command.
    case commanded = 1
    /// Tilt (roll and pitch combined) over the limit (MSL: about 30 deg).
    case tiltOverLimit = 2
    /// Slip (wheel odometry against visual odometry, or against the gyro in turns) over the limit.
    case slipOverLimit = 3
    /// A wheel motor's current over the limit (or the driver's over-current flag) while the
    /// wheel turns.
    case motorOverCurrent = 4
    /// A commanded wheel that does not turn (its encoder still, or the driver's stall flag).
    case wheelStalled = 5
    /// Wheels unloaded: turning freely, drawing no-load current where the slope needs more.
    case groundContactLost = 6
    /// The drive command outlived its timeout.
    case commandTimeout = 7
    /// No contact with the ground (no command or heartbeat) for longer than allowed.
    case commLoss = 8
    /// A hazard ahead that cannot be avoided (an ARC cannot leave its arc; a GOTO_WAYPOINT
    /// found no way round, or re-planned too often).
    case hazard = 9
    /// The rover came within its own size of a keep-out zone.
    case keepOut = 10
    /// A sensor the drive needs (encoders, IMU) gave no valid sample for too long.
    case sensorsInvalid = 11

    public var description: String {
        ["NONE", "COMMANDED", "TILT_OVER_LIMIT", "SLIP_OVER_LIMIT", "MOTOR_OVER_CURRENT", "WHEEL_STALLED",
         "GROUND_CONTACT_LOST", "COMMAND_TIMEOUT", "COMM_LOSS", "HAZARD", "KEEP_OUT", "SENSORS_INVALID"][Int(rawValue)]
    }
}

/// A drive command, as the ground sends it.
public enum DriveCommand: Equatable, Sendable {
    /// Drive `distance` m (negative: backwards) along an arc of `radius` m (positive: curving
    /// right, clockwise; 0: straight).
    case arc(radius: Double, distance: Double)
    /// Turn in place by `angle` rad (positive clockwise), |angle| <= 2 pi.
    case turn(angle: Double)
    /// Drive to (east, north) on the site map, around the keep-out zones and the hazards
    /// found on the way.
    case gotoWaypoint(east: Double, north: Double)
}

/// Wheel speed demands: rim speed per side, m/s (positive forward). The six wheels of a
/// side turn together.
public struct WheelDemand: Equatable, Sendable {
    public var left: Double
    public var right: Double

    public init(left: Double, right: Double) {
        self.left = left
        self.right = right
    }

    public static let stop = WheelDemand(left: 0, right: 0)
    public var isStill: Bool { left == 0 && right == 0 }
}

/// Why a drive command was refused.
public enum DriveRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case nonFinite
    case distanceTooLong(Double, limit: Double)
    case angleTooLarge(Double)
    case timeoutNotPositive(Double)
    case route(RoutePlanner.Failure)

    public var description: String {
        switch self {
        case .nonFinite: return "drive command: an argument is not a finite number"
        case .distanceTooLong(let d, let l): return "drive command: distance \(d) m is over the \(l) m limit"
        case .angleTooLarge(let a): return "drive command: turn of \(a) rad is over one revolution"
        case .timeoutNotPositive(let t): return "drive command: timeout \(t) s must be positive"
        case .route(let f): return "drive command: \(f)"
        }
    }
}
