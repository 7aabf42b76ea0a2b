public import FlightCore

/// The crew's and the ground's descent display (Apollo's DSKY nouns 63 and 68 during P63 and
/// P64): altitude, altitude rate, horizontal velocity and range to the site, refreshed from
/// the navigation solution every ``refreshInterval``.
///
/// It is the lander's low-priority work. It runs in the `landerDisplay` tier after the
/// guidance group (`landerApps`), and when a run of the two overruns its budget the tier is
/// shed first (the Apollo 11 1202 case: the display stops refreshing, guidance stays on
/// time). Its `Updates` channel stops counting while it is shed.
public final class DescentDisplay: Component {
    public enum Channel: UInt32 { case altitude = 0, altitudeRate, horizontalVelocity, rangeToSite, updates }

    public let name: String
    public var ports = ComponentPorts.unwired
    private let navigation: Subscription<NavigationSolution>
    private let site: SiteFrame
    /// Seconds between refreshes (Apollo's DSKY: 2 s; here 0.2 s).
    public var refreshInterval = 0.2
    private var lastRefresh: FlightTime?
    private var latest: NavigationSolution?
    public private(set) var updates: UInt32 = 0

    public init(name: String = "display", site: SiteFrame, appTopics: LanderAppTopics) throws(TopologyError) {
        self.name = name
        self.site = site
        navigation = try appTopics.navigation.subscribe(name, capacity: 1, policy: .keepLatest)
    }

    public var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "DescentDisplay",
            summary: "The descent display (Apollo nouns 63/68): altitude, altitude rate, horizontal velocity, range to the site; low-priority, shed first under overload",
            channels: [
                ChannelDefinition(Channel.altitude.rawValue, "Altitude", .f64, update: .onChange, units: "m"),
                ChannelDefinition(Channel.altitudeRate.rawValue, "AltitudeRate", .f64, update: .onChange, units: "m/s"),
                ChannelDefinition(Channel.horizontalVelocity.rawValue, "HorizontalVelocity", .f64, update: .onChange, units: "m/s"),
                ChannelDefinition(Channel.rangeToSite.rawValue, "RangeToSite", .f64, update: .onChange, units: "m", summary: "Horizontal distance to the landing site"),
                ChannelDefinition(Channel.updates.rawValue, "Updates", .u32, update: .onChange, summary: "Display refreshes (stops while the display is shed)"),
            ])
    }

    public func tick(_ context: TickContext) {
        if let s = navigation.receive(), s.initialized { latest = s }
        guard let s = latest else { return }
        if let last = lastRefresh, context.time.since(last).seconds < refreshInterval - 1e-9 { return }
        lastRefresh = context.time
        let p = site.position(s.position)
        updates &+= 1
        ports.write(Channel.altitude, .f64(s.altitude))
        ports.write(Channel.altitudeRate, .f64(s.verticalSpeed))
        ports.write(Channel.horizontalVelocity, .f64(s.horizontalSpeed))
        ports.write(Channel.rangeToSite, .f64((p.y * p.y + p.z * p.z).squareRoot()))
        ports.write(Channel.updates, .u32(updates))
    }
}
