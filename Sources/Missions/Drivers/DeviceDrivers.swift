public import Configuration
public import Devices
public import FlightCore

/// Why a vehicle's drivers could not be built.
public enum DriverSetError: Error, CustomStringConvertible {
    /// The board gives no link for a device the vehicle needs.
    case missingDevice(String, vehicle: String, available: [String])
    /// A topic or subscription was refused (a duplicate id, a frozen bus).
    case topology(TopologyError)

    public var description: String {
        switch self {
        case .missingDevice(let d, let vehicle, let available):
            let have = available.isEmpty ? "none" : available.sorted().joined(separator: ", ")
            return "the \(vehicle) needs a link for device '\(d)'; the board gives links for: \(have)"
        case .topology(let e):
            return "\(e)"
        }
    }
}

extension DeviceEndpoint.Link {
    /// A board's device link (``Configuration/BoardLinks``) as an endpoint's link.
    public init(_ link: DeviceLink) {
        switch link {
        case .bytes(let l): self = .bytes(l)
        case .frames(let l): self = .frames(l)
        }
    }

    /// Every device link of an opened board, by the board's device name.
    public static func byDevice(_ links: BoardLinks) -> [String: DeviceEndpoint.Link] {
        var out: [String: DeviceEndpoint.Link] = [:]
        for (device, link) in links.links { out[device] = DeviceEndpoint.Link(link) }
        return out
    }
}

/// The lander's five device drivers, built into a topology from the board's links (device
/// names `imu`, `altimeter`, `engine`, `legs`, `power`), with their topics.
///
/// ```swift
/// var builder = TopologyBuilder(name: "Lander", baseRate: 100)
/// let drivers = try LanderDrivers(links: DeviceEndpoint.Link.byDevice(boardLinks), into: &builder)
/// builder.add(drivers.rateGroup(), divisor: 1)      // every base tick, before navigation
/// let imu = try drivers.topics.imu.subscribe("navigation", capacity: 4)
/// try drivers.topics.engineDemand ...                // descent publishes here
/// ```
public struct LanderDrivers {
    /// The board device names, in the order the drivers are built.
    public static let devices = ["imu", "altimeter", "engine", "legs", "power"]

    public struct Options: Sendable {
        /// The engine's thrust at 100 % throttle, N (RATED_THRUST's default).
        public var ratedThrust = 7_500.0
        public init(ratedThrust: Double = 7_500) { self.ratedThrust = ratedThrust }
    }

    public let topics: LanderTopics
    public let imu: LanderIMUDriver
    public let altimeter: AltimeterDriver
    public let engine: EngineControllerDriver
    public let legs: LegContactDriver
    public let power: PowerUnitDriver

    /// Creates the topics (unless given) and the drivers, and adds the drivers to `builder`
    /// (automatic base ids). Scheduling is the caller's: ``rateGroup(_:)``.
    public init(
        links: [String: DeviceEndpoint.Link], into builder: inout TopologyBuilder,
        topics: LanderTopics? = nil, options: Options = Options()
    ) throws(DriverSetError) {
        func link(_ d: String) throws(DriverSetError) -> DeviceEndpoint.Link {
            guard let l = links[d] else { throw .missingDevice(d, vehicle: "lander", available: Array(links.keys)) }
            return l
        }
        if let topics {
            self.topics = topics
        } else {
            do throws(TopologyError) {
                self.topics = try LanderTopics(on: builder.bus)
            } catch {
                throw .topology(error)
            }
        }
        imu = LanderIMUDriver(name: "imu", link: try link("imu"), publishing: self.topics.imu)
        altimeter = AltimeterDriver(name: "altimeter", link: try link("altimeter"), publishing: self.topics.altimeter)
        let engineLink = try link("engine")
        do throws(TopologyError) {
            engine = try EngineControllerDriver(
                name: "engine", link: engineLink, publishing: self.topics.engineStatus,
                following: self.topics.engineDemand, ratedThrust: options.ratedThrust)
        } catch {
            throw .topology(error)
        }
        legs = LegContactDriver(name: "legs", link: try link("legs"), publishing: self.topics.legContact)
        power = PowerUnitDriver(name: "power", link: try link("power"), publishing: self.topics.power)
        for c in components { builder.add(c) }
    }

    /// The drivers, in build order.
    public var components: [any Component] { [imu, altimeter, engine, legs, power] }

    /// One rate group of the five drivers (direct calls on the tick path).
    public func rateGroup(_ name: String = "landerDevices") -> RateGroup<LanderIMUDriver, AltimeterDriver, EngineControllerDriver, LegContactDriver, PowerUnitDriver> {
        RateGroup(name, imu, altimeter, engine, legs, power)
    }
}

/// The rover's device drivers (device names `wheels`, `rover-imu`, `hazard`, and `power` when
/// the board gives one), with their topics. Component names are identifiers: `wheels`,
/// `roverIMU`, `hazard`, `power`.
public struct RoverDrivers {
    public static let devices = ["wheels", "rover-imu", "hazard"]

    public struct Options: Sendable {
        /// MAX_SPEED's default, rad/s.
        public var maxWheelSpeed = 2.0
        public init(maxWheelSpeed: Double = 2) { self.maxWheelSpeed = maxWheelSpeed }
    }

    public let topics: RoverTopics
    public let wheels: WheelMotorsDriver
    public let attitude: RoverIMUDriver
    public let hazard: HazardRangeDriver
    /// Built when the board has a `power` device.
    public let power: PowerUnitDriver?

    public init(
        links: [String: DeviceEndpoint.Link], into builder: inout TopologyBuilder,
        topics: RoverTopics? = nil, options: Options = Options()
    ) throws(DriverSetError) {
        func link(_ d: String) throws(DriverSetError) -> DeviceEndpoint.Link {
            guard let l = links[d] else { throw .missingDevice(d, vehicle: "rover", available: Array(links.keys)) }
            return l
        }
        if let topics {
            self.topics = topics
        } else {
            do throws(TopologyError) {
                self.topics = try RoverTopics(on: builder.bus)
            } catch {
                throw .topology(error)
            }
        }
        let wheelsLink = try link("wheels")
        do throws(TopologyError) {
            wheels = try WheelMotorsDriver(
                name: "wheels", link: wheelsLink, publishing: self.topics.wheelStatus,
                following: self.topics.wheelDemand, maxSpeed: options.maxWheelSpeed)
        } catch {
            throw .topology(error)
        }
        attitude = RoverIMUDriver(name: "roverIMU", link: try link("rover-imu"), publishing: self.topics.attitude)
        hazard = HazardRangeDriver(name: "hazard", link: try link("hazard"), publishing: self.topics.hazard)
        let powerTopic = self.topics.power
        power = links["power"].map { PowerUnitDriver(name: "power", link: $0, publishing: powerTopic) }
        for c in components { builder.add(c) }
    }

    public var components: [any Component] { [wheels, attitude, hazard] + (power.map { [$0] } ?? []) }

    /// One rate group of the wheel, IMU and hazard drivers (add ``power`` to a group of its own
    /// when there is one: ``powerRateGroup(_:)``).
    public func rateGroup(_ name: String = "roverDevices") -> RateGroup<WheelMotorsDriver, RoverIMUDriver, HazardRangeDriver> {
        RateGroup(name, wheels, attitude, hazard)
    }

    public func powerRateGroup(_ name: String = "roverPower") -> RateGroup<PowerUnitDriver>? {
        power.map { RateGroup(name, $0) }
    }
}
