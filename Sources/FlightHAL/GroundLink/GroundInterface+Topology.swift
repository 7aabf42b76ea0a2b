public import FlightCore

extension TopologyBuilder {
    /// Base id of the ground interface in every Regolith topology (`groundIf.*` commands and
    /// channels), so a dictionary's ground ids do not move between topologies.
    public static let groundInterfaceBaseID: UInt32 = 0x0900

    /// Adds the ground interface on `link` (a link that is never open when none is given, so
    /// the topology and its dictionary are the same whether or not a ground is connected), at
    /// ``groundInterfaceBaseID``, in its own `ground` rate group at half the base rate, between
    /// the base ticks of the groups at offset 0.
    @discardableResult
    public mutating func addGroundInterface(
        link: (any ByteLink)? = nil, configuration: GroundInterface.Configuration = .init()
    ) throws -> GroundInterface {
        let ground = try GroundInterface(
            link: link ?? UnconnectedByteLink(), configuration: configuration, dispatcher: dispatcher, telemetry: telemetry,
            events: events)
        add(ground, baseID: Self.groundInterfaceBaseID)
        add(RateGroup("ground", ground), divisor: 2, offset: 1)
        return ground
    }
}
