/// A fixed, ordered set of components ticked together. The components are a parameter pack
/// of concrete types, so each `tick` is a direct call (no existential dispatch on the tick
/// path): `RateGroup("fast", imu, navigation, guidance)`.
///
/// The pass is a closure made by the inlinable initializer, so it is compiled where the group
/// is built, for its concrete component types. A generic class's methods run unspecialized
/// when called from another module or through ``RateGroupRunning``, as the scheduler calls
/// them: each component would be copied out of the pack (a retain and release each) and
/// called through its witness table, which measured slower than an `[any Component]` loop.
///
/// The pass reaches the components through unretained references, so a pass does no
/// reference counting. That is sound because ``members`` holds every one of them strongly for
/// the group's whole life, both are immutable, and the pass runs only from ``run(_:)``, while
/// the group itself is alive.
public final class RateGroup<each C: Component>: RateGroupRunning {
    public let name: String
    /// Holds the components for the group's lifetime (and lists them for wiring).
    public let members: [any Component]
    /// The same components, unretained (``members`` keeps them alive), for the pass.
    @usableFromInline let components: (repeat Unmanaged<each C>)
    /// The pass, made where the group is built; it captures nothing and is handed the group.
    @usableFromInline let pass: (RateGroup<repeat each C>, TickContext) -> Void

    @inlinable
    public init(_ name: String, _ components: repeat each C) {
        var members: [any Component] = []
        for c in repeat each components { members.append(c) }
        self.name = name
        self.members = members
        self.components = (repeat Unmanaged.passUnretained(each components))
        self.pass = { group, context in
            repeat (each group.components)._withUnsafeGuaranteedRef { $0.tick(context) }
        }
    }

    @inline(__always)
    public func run(_ context: TickContext) { pass(self, context) }
}

/// A rate group of any number of components of one concrete type (e.g. six wheel motors).
///
/// Built like ``RateGroup``: the inlinable initializer stores a pass compiled for `C` where the
/// group is built (so `tick` is a direct call even when the scheduler runs the group through
/// ``RateGroupRunning``), and the pass reaches the components through unretained references
/// that `components` keeps alive for the group's life, so it does no reference counting.
public final class UniformRateGroup<C: Component>: RateGroupRunning {
    public let name: String
    /// Holds the components for the group's lifetime.
    @usableFromInline let components: ContiguousArray<C>
    /// The same components, unretained (``components`` keeps them alive), for the pass.
    @usableFromInline let unretained: ContiguousArray<Unmanaged<C>>
    /// The pass, made where the group is built; it captures nothing and is handed the group.
    @usableFromInline let pass: (UniformRateGroup<C>, TickContext) -> Void

    @inlinable
    public init(_ name: String, _ components: [C]) {
        self.name = name
        self.components = ContiguousArray(components)
        self.unretained = ContiguousArray(components.map { Unmanaged.passUnretained($0) })
        self.pass = { group, context in
            for c in group.unretained { c._withUnsafeGuaranteedRef { $0.tick(context) } }
        }
    }

    @inline(__always)
    public func run(_ context: TickContext) { pass(self, context) }

    public var members: [any Component] { components.map { $0 } }
}

/// What the scheduler needs of a rate group.
public protocol RateGroupRunning: AnyObject {
    var name: String { get }
    /// The components, in the order they tick (for wiring and the dictionary).
    var members: [any Component] { get }
    func run(_ context: TickContext)
}
