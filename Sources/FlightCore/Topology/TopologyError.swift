/// Why a topology was refused at start-up. Each case names what collided or what is wrong,
/// so the message alone tells the engineer what to change.
public enum TopologyError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidName(String, reason: String)
    case duplicateComponentName(String)
    case componentAddedTwice(String)
    case duplicateBaseID(UInt32, first: String, second: String)
    /// Two things of one kind ("opcode", "channel", "event", "parameter") got the same global id.
    case idCollision(kind: String, id: UInt32, first: String, second: String)
    case duplicateLocalID(component: String, kind: String, localID: UInt32, first: String, second: String)
    case duplicateMemberName(component: String, kind: String, name: String)
    case invalidDefinition(component: String, member: String, reason: String)
    case conflictingEnum(String)
    case invalidSchedule(group: String, reason: String)
    case duplicateRateGroup(String)
    case componentNotAdded(component: String, group: String)
    case componentInTwoGroups(component: String, first: String, second: String)
    case duplicateTopic(id: TopicID, first: String, second: String)
    case duplicateTopicName(String)
    case busFrozen(topic: String)
    /// A component could not resolve what it names in the built topology (a fault table's
    /// channel, event, command or mode); every problem is listed.
    case bindingFailed(component: String, problems: [String])

    public var description: String {
        switch self {
        case .invalidName(let n, let r): "invalid name '\(n)': \(r)"
        case .duplicateComponentName(let n): "two components are named '\(n)'; instance names must be unique"
        case .componentAddedTwice(let n): "component '\(n)' was added to the topology twice"
        case .duplicateBaseID(let id, let a, let b): "base id 0x\(hex(id)) is given to both '\(a)' and '\(b)'"
        case .idCollision(let k, let id, let a, let b): "\(k) id 0x\(hex(id)) is claimed by both \(a) and \(b)"
        case .duplicateLocalID(let c, let k, let id, let a, let b): "component '\(c)' declares \(k) local id \(id) twice (\(a) and \(b))"
        case .duplicateMemberName(let c, let k, let n): "component '\(c)' declares two \(k)s named '\(n)'"
        case .invalidDefinition(let c, let m, let r): "\(c).\(m): \(r)"
        case .conflictingEnum(let n): "two different enum types are both named '\(n)'"
        case .invalidSchedule(let g, let r): "rate group '\(g)': \(r)"
        case .duplicateRateGroup(let g): "two rate groups are named '\(g)'"
        case .componentNotAdded(let c, let g): "rate group '\(g)' runs component '\(c)', which was not added to the topology"
        case .componentInTwoGroups(let c, let a, let b): "component '\(c)' is in rate groups '\(a)' and '\(b)'; a component ticks in one group"
        case .duplicateTopic(let id, let a, let b): "topic id \(id) is used by both '\(a)' and '\(b)'"
        case .duplicateTopicName(let n): "two topics are named '\(n)'"
        case .busFrozen(let t): "'\(t)': topics and subscriptions are made before the topology is built"
        case .bindingFailed(let c, let p): "component '\(c)' cannot run in this topology:\n  " + p.joined(separator: "\n  ")
        }
    }
}

/// A component that resolves names (channels, events, commands, other components) against the
/// topology it is in, once that topology is built and wired: `TopologyBuilder.build()` calls
/// ``bind(to:)`` on each such component, in the order they were added, and refuses the
/// topology if one throws. Binding may allocate; the tick path that follows must not.
public protocol TopologyBinding: AnyObject {
    func bind(to topology: Topology) throws(TopologyError)
}
