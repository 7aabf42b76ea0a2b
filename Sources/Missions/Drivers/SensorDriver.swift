public import Devices
public import FlightCore

/// What a ``SensorDriver`` needs to know of one kind of sensor: its messages, how they make a
/// sample, and when that sample is valid. One caseless enum per sensor
/// (``LanderIMUDevice``, ``AltimeterDevice``, ...).
public protocol SensorDevice {
    associatedtype Sample: BitwiseCopyable & Equatable & Sendable
    /// The component kind in the dictionary (`LanderIMUDriver`).
    static var kind: String { get }
    static var summary: String { get }
    /// The message ids the sensor sends (the endpoint's filter).
    static var ids: [UInt16] { get }
    /// Messages per sample (sharing one counter).
    static var parts: Int { get }
    /// STALE_TIMEOUT's default: a few of the sensor's periods.
    static var defaultStaleTimeout: FlightDuration { get }
    /// Which part of a sample `message` is, and its counter; nil for another device's message.
    static func part(of message: DeviceMessage) -> (part: Int, counter: UInt8)?
    /// A sample with nothing received yet.
    static func emptySample() -> Sample
    /// Copies `message`'s values, in SI units, into `sample`.
    static func apply(_ message: DeviceMessage, to sample: inout Sample)
    /// Stamps a complete sample.
    static func stamp(_ sample: inout Sample, time: UInt64, sequence: UInt32, counter: UInt8)
    /// Whether the sample's data may be used (else the driver's health is INVALID).
    static func isValid(_ sample: Sample) -> Bool
    /// The sensor's own telemetry channels (local ids from ``DriverMonitor/firstOwnID``).
    static var channels: [ChannelDefinition] { get }
    /// Writes them from a published sample.
    static func write(_ sample: Sample, to ports: ComponentPorts)
}

extension SensorDevice {
    public static var parts: Int { 1 }
    public static var channels: [ChannelDefinition] { [] }
    public static func write(_ sample: Sample, to ports: ComponentPorts) {}
}

/// A sensor's flight driver: owns a ``Devices/DeviceEndpoint`` on the link it is given (any
/// FlightHAL link), and on each tick drains it (at most `maxMessagesPerTick` messages), puts
/// samples together (``SampleAssembler``), publishes each complete, fresh one on its topic,
/// and reports stale, repeated, skipped, backwards, incomplete, invalid and rejected data
/// and the link's state through ``DriverMonitor``'s channels and events. Nothing a link
/// delivers can make it trap; no allocation on the tick path.
public final class SensorDriver<Device: SensorDevice>: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    public let endpoint: DeviceEndpoint
    public let topic: Topic<Device.Sample>
    var monitor: DriverMonitor
    private let initialStaleTimeout: FlightDuration
    private var assembler = SampleAssembler(parts: Device.parts)
    private var staging = Device.emptySample()
    private var published: UInt32 = 0
    /// The latest sample published (nil before the first).
    public var latest: Device.Sample? { latestSample }
    // Behind `latest`: private, so its write on every sample is checked at compile time
    // rather than at run time (as a public stored property's would be).
    private var latestSample: Device.Sample?

    /// - Parameters:
    ///   - name: the instance name (the board's device name is a good one: `imu`).
    ///   - link: the device's link; the driver takes only its device's messages from it and
    ///     counts others as ignored (devices may share a CAN bus).
    ///   - topic: where complete samples go.
    public init(
        name: String, link: DeviceEndpoint.Link, publishing topic: Topic<Device.Sample>,
        staleTimeout: FlightDuration = Device.defaultStaleTimeout, maxMessagesPerTick: Int = 64
    ) {
        self.name = name
        self.topic = topic
        endpoint = DeviceEndpoint(link: link, filter: .ids(Device.ids))
        initialStaleTimeout = staleTimeout
        monitor = DriverMonitor(staleTimeout: staleTimeout, maxMessagesPerTick: maxMessagesPerTick)
    }

    /// The driver's view of its device now.
    public var health: DeviceHealth { monitor.health }

    public var definition: ComponentDefinition {
        DriverMonitor.definition(kind: Device.kind, summary: Device.summary, staleTimeout: initialStaleTimeout, channels: Device.channels)
    }

    public func tick(_ context: TickContext) {
        let time = context.time
        monitor.begin(time, ports: ports)
        var n = 0
        while n < monitor.maxMessagesPerTick, let m = endpoint.receive() {
            n += 1
            consume(m, at: time)
        }
        if monitor.end(time, endpoint: endpoint, drainLimited: n == monitor.maxMessagesPerTick, ports: ports) {
            assembler.reset()
        }
    }

    private func consume(_ m: DeviceMessage, at time: FlightTime) {
        guard let (part, counter) = Device.part(of: m) else { return }
        let o = assembler.offer(part: part, counter: counter)
        monitor.note(o, counter: counter, ports: ports)
        guard o.take else { return }
        if o.starts { staging = Device.emptySample() }
        Device.apply(m, to: &staging)
        guard o.completes else { return }
        published &+= 1
        Device.stamp(&staging, time: time.nanoseconds, sequence: published, counter: counter)
        monitor.fresh(at: time, valid: Device.isValid(staging))
        topic.publish(staging)
        latestSample = staging
        Device.write(staging, to: ports)
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        monitor.handle(command, endpoint: endpoint, ports: ports) { assembler.reset() } ?? .invalidOpcode
    }

    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        _ = monitor.parameterUpdated(localID, to: value)
    }
}
