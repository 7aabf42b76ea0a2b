/// A fixed, ordered set of components ticked together. The components are a parameter pack
/// of concrete types, so each `tick` is a direct call (no existential dispatch on the tick
/// path): `RateGroup("fast", imu, navigation, guidance)`.
public final class RateGroup<each C: Component>: RateGroupRunning {
    public let name: String
    let components: (repeat each C)

    public init(_ name: String, _ components: repeat each C) {
        self.name = name
        self.components = (repeat each components)
    }

    @inline(__always)
    public func run(_ context: TickContext) {
        for c in repeat each components { c.tick(context) }
    }

    public var members: [any Component] {
        var out: [any Component] = []
        for c in repeat each components { out.append(c) }
        return out
    }
}

/// A rate group of any number of components of one concrete type (e.g. six wheel motors).
public final class UniformRateGroup<C: Component>: RateGroupRunning {
    public let name: String
    let components: ContiguousArray<C>

    public init(_ name: String, _ components: [C]) {
        self.name = name
        self.components = ContiguousArray(components)
    }

    public func run(_ context: TickContext) {
        for c in components { c.tick(context) }
    }

    public var members: [any Component] { components.map { $0 } }
}

/// What the scheduler needs of a rate group.
public protocol RateGroupRunning: AnyObject {
    var name: String { get }
    /// The components, in the order they tick (for wiring and the dictionary).
    var members: [any Component] { get }
    func run(_ context: TickContext)
}
