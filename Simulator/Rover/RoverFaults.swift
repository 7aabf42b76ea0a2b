/// A patch of ground where wheels slip more (loose regolith): inside `radius` of (x, y)
/// the slip is increased by `extraSlip` (0...1).
public struct SlipPatch: Equatable, Sendable, BitwiseCopyable {
    public var x: Double
    public var y: Double
    public var radius: Double
    public var extraSlip: Double

    public init(x: Double, y: Double, radius: Double, extraSlip: Double) {
        self.x = x
        self.y = y
        self.radius = radius
        self.extraSlip = extraSlip
    }

    public func contains(x px: Double, y py: Double) -> Bool {
        let dx = px - x, dy = py - y
        return dx * dx + dy * dy <= radius * radius
    }
}

/// Fault hooks of the rover's mobility system, set at run time.
public struct RoverFaults: Equatable, Sendable, BitwiseCopyable {
    /// The wheel (0...5) that is seized: it does not turn, its motor draws stall current
    /// while commanded, and its side moves at the mean of its turning wheels only.
    public var stalledWheel: Int?
    /// A region with extra slip.
    public var slipPatch: SlipPatch?
    /// Current added to the motors in `overCurrentWheels`, A (a motor or driver fault).
    public var overCurrent: Double
    public var overCurrentWheels: IndexMask
    /// Wheels that have lost ground contact (lifted: the rover high-centred on a rock, or
    /// a wheel over a hole): they turn freely at the motor's no-load (idle) current and give
    /// no traction; each side moves at the mean of its loaded wheels (none loaded: 0).
    public var unloadedWheels: IndexMask

    public init(
        stalledWheel: Int? = nil, slipPatch: SlipPatch? = nil, overCurrent: Double = 0, overCurrentWheels: IndexMask = [],
        unloadedWheels: IndexMask = []
    ) {
        self.stalledWheel = stalledWheel
        self.slipPatch = slipPatch
        self.overCurrent = overCurrent
        self.overCurrentWheels = overCurrentWheels
        self.unloadedWheels = unloadedWheels
    }

    public static let none = RoverFaults()
}

/// What the flight software asks of the wheels: rim speed per side, m/s (positive
/// forward). Each is clamped to the vehicle's top speed.
public struct RoverDriveCommand: Equatable, Sendable, BitwiseCopyable {
    public var left: Double
    public var right: Double

    public init(left: Double, right: Double) {
        self.left = left
        self.right = right
    }

    public static let stop = RoverDriveCommand(left: 0, right: 0)
}
