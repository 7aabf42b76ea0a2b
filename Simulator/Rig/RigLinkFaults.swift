import FlightHAL

/// The link faults both rigs share: `link-loss` on one device and `can-bus-off`.
///
/// - **link-loss**: the device's gate is cut (what the flight side sends it is read and
///   dropped; what it sends is swallowed) and its emulator is muted (it keeps counting, so
///   when the link returns the flight side sees the gap in the counter).
/// - **can-bus-off**: on an in-process ``FlightHAL/SimulatedFrameBus`` the whole bus goes
///   bus-off (``FlightHAL/SimulatedFrameBus/goBusOff()``): every node, the flight side's
///   included, gets a `CAN_ERR_BUSOFF` error frame, sends are refused, nothing is delivered;
///   at the end every node restarts (`CAN_ERR_RESTARTED`). On any other CAN transport
///   (SocketCAN/vcan, the cross-process bus, SLCAN) the rig cannot take the flight side's
///   controller down, so it takes its own devices off the bus: every CAN device's gate is cut
///   (silent both ways), which the flight side sees as every CAN device going quiet at once.
///   Devices on byte links are not on a CAN bus and carry on.
///
/// Cuts are counted per link, so a link loss and a bus-off that overlap end independently.
struct RigLinkFaults {
    private var cuts: [Int]

    init(count: Int) { cuts = [Int](repeating: 0, count: count) }

    mutating func cut(_ links: [RigLink], _ i: Int, _ on: Bool) {
        cuts[i] = max(0, cuts[i] + (on ? 1 : -1))
        links[i].isCut = cuts[i] > 0
    }

    /// Bus-off (`on`) or recovery for every CAN device among `links`.
    mutating func busOff(_ links: [RigLink], _ on: Bool) {
        var buses: [SimulatedFrameBus] = []
        for i in links.indices where links[i].carriesFrames {
            if let node = links[i].simulatedNode {
                let bus = node.simulatedBus
                if !buses.contains(where: { $0 === bus }) { buses.append(bus) }
            } else {
                cut(links, i, on)
            }
        }
        for bus in buses {
            if on { bus.goBusOff() } else { bus.recoverFromBusOff() }
        }
    }
}
