/// The lockstep executive: one thread, stepped by its caller. Each ``step()`` advances the
/// simulated clock by one base period and runs the rate groups due on that tick. The caller
/// (the simulator's loop, a test) steps physics first, then the flight software, so a run is
/// bit-for-bit repeatable from its inputs: nothing here reads the wall clock.
public final class LockstepExecutive {
    public let topology: Topology
    public let clock: SimulatedClock
    public private(set) var tick: UInt64 = 0

    init(topology: Topology, clock: SimulatedClock) {
        self.topology = topology
        self.clock = clock
        topology.services.tickTime = clock.now()
    }

    public var period: FlightDuration { topology.scheduler.basePeriod }

    /// Advances time by one base period and runs the groups due on the new tick.
    public func step() {
        clock.advance(by: period)
        tick += 1
        let now = clock.now()
        topology.services.tickTime = now
        topology.scheduler.runTick(tick, time: now)
    }

    /// Runs `count` base ticks.
    public func step(_ count: Int) {
        for _ in 0..<count { step() }
    }

    /// Steps until `condition` holds or `limit` ticks have run; returns whether it held.
    @discardableResult
    public func step(until condition: () -> Bool, limit: Int) -> Bool {
        for _ in 0..<limit {
            if condition() { return true }
            step()
        }
        return condition()
    }
}
