// The drive's configuration and its per-cycle inputs (see DriveController.swift).

extension DriveController {
    public struct Configuration: Sendable {
        public var geometry: RoverGeometry
        /// Cruise rim speed, m/s, and the hard top speed no side demand ever exceeds (Yutu-2:
        /// 200 m/h = 0.0556 m/s).
        public var speed = 0.05
        public var maxSpeed = 200.0 / 3_600
        /// Rim speed turning in place, m/s.
        public var turnSpeed = 0.04
        /// Step-and-stop: drive this far, stop, settle for `settleTime` s, assess.
        public var stepLength = 1.0
        public var settleTime = 1.0
        /// Turn done within this of the target heading, rad; a GOTO leg turns in place first
        /// when its bearing is more than `turnInPlaceAbove` off the heading (and
        /// any time the aim point is three times that off).
        public var headingTolerance = 0.5 * Double.pi / 180
        public var turnInPlaceAbove = 5 * Double.pi / 180
        /// GOTO legs: pure pursuit of a point this far ahead along the leg, m.
        public var lookAhead = 1.5
        /// A GOTO waypoint is reached within this distance, m.
        public var arrivalTolerance = 0.2
        public var maxArcDistance = 100.0
        /// Safety limits.
        public var tiltLimit = 30 * Double.pi / 180
        public var slipLimit = 0.4
        public var overCurrentLimit = 1.5
        /// Consecutive current samples over the limit before a stop.
        public var overCurrentSamples = 3
        /// A commanded wheel whose encoder has not moved for this long is stalled, s.
        public var stallTime = 1.5
        /// Below this side demand (m/s) a wheel is not expected to turn.
        public var stallMinSpeed = 0.005
        /// Loss of ground contact: the motor's no-load current and the margin over it below
        /// which a turning wheel is unloaded; the load model (mass, kg; rolling resistance;
        /// torque per amp, N m/A; gravity m/s^2) says when the ground should load it more.
        public var noLoadCurrent = 0.15
        public var unloadedMargin = 0.025
        public var unloadedSamples = 5
        public var mass = 135.0
        public var rollingResistance = 0.1
        public var torquePerAmp = 5.0
        public var gravity = 1.62
        /// No ground contact for this long stops the drive, s.
        public var commLossTimeout = 900.0
        /// No valid encoder or IMU sample for this long stops the drive, s.
        public var sensorTimeout = 1.0
        /// The rover's centre must stay this far from a ground keep-out zone, m.
        public var roverRadius = 0.8
        /// Hazards found while on a GOTO_WAYPOINT become keep-out circles of this radius, m
        /// (centred `hazardRadius` beyond the beam's hit point); at most `maxReplans` re-plans.
        public var hazardRadius = 0.6
        public var maxReplans = 6
        public var hazard = HazardAssessment.Limits()
        public var hazardSensor = HazardAssessment.Sensor()
        public var planner = RoutePlanner.Configuration()

        public init(geometry: RoverGeometry) { self.geometry = geometry }
    }

    /// A sample with its sequence number (a new number: a new sample).
    public struct Sample<Value: Sendable>: Sendable {
        public var sequence: Int
        public var valid: Bool
        public var value: Value
        public init(sequence: Int, valid: Bool, value: Value) {
            self.sequence = sequence
            self.valid = valid
            self.value = value
        }
    }

    public struct Attitude: Sendable {
        public var roll: Double
        public var pitch: Double
        public var headingRate: Double
        public init(roll: Double, pitch: Double, headingRate: Double) {
            self.roll = roll
            self.pitch = pitch
            self.headingRate = headingRate
        }
    }

    public struct MotorStatus: Sendable {
        public var currents: WheelSet<Double>
        /// The motor drivers' own flags, bit i for wheel i.
        public var overCurrentFlags: UInt8
        public var stallFlags: UInt8
        public init(currents: WheelSet<Double>, overCurrentFlags: UInt8 = 0, stallFlags: UInt8 = 0) {
            self.currents = currents
            self.overCurrentFlags = overCurrentFlags
            self.stallFlags = stallFlags
        }
    }

    /// What the controller reads each cycle.
    public struct Inputs: Sendable {
        public var time: Double
        public var encoders: Sample<WheelSet<Int>>
        public var motors: Sample<MotorStatus>
        public var attitude: Sample<Attitude>
        public var hazard: Sample<HazardRanges>
        /// Visual odometry (motion since the previous fix, forward and left, m), when fitted.
        public var visualOdometry: Sample<SIMD2<Double>>?
        /// When the ground was last heard (a command or a heartbeat), s.
        public var lastGroundContact: Double

        public init(
            time: Double, encoders: Sample<WheelSet<Int>>, motors: Sample<MotorStatus>, attitude: Sample<Attitude>,
            hazard: Sample<HazardRanges>, visualOdometry: Sample<SIMD2<Double>>? = nil, lastGroundContact: Double
        ) {
            self.time = time
            self.encoders = encoders
            self.motors = motors
            self.attitude = attitude
            self.hazard = hazard
            self.visualOdometry = visualOdometry
            self.lastGroundContact = lastGroundContact
        }
    }
}
