public import FlightCore
public import Simulator

/// The flight computer's CPU as the lockstep lander mission stands it: each rate group (or
/// shed tier) takes a modelled time per run, and a scenario's `cycle-steal` fault takes a
/// fraction of every period from the guidance group's runs (Apollo 11's rendezvous radar
/// interface, 1969). The scheduler measures the modelled time against each group's budget
/// (``Scheduler/costModel``), so overruns and load shedding happen deterministically, at the
/// same instant in every run.
///
/// The costs are a model, not a measurement: the guidance group (`landerApps`) and its
/// display tier (`landerDisplay`) take 6 ms and 1.5 ms of the 10 ms cycle, 7.5 ms against
/// their 8 ms budget, the AGC's ~85-90 % load in P63/P64. A 15 % steal (1.5 ms) overruns
/// the budget; shedding the display brings a run back to 7.5 ms. Other groups take no
/// modelled time. On the real-time executive (a separate flight process) the monotonic
/// clock measures the real execution time instead.
public final class FlightComputerModel: ExecutionCostModel {
    /// What is modelled: per-unit costs, and the unit a `cycle-steal` takes its time from.
    public struct Costs: Sendable {
        public var perUnit: [String: FlightDuration]
        public var stolenFrom: String
        public init(
            perUnit: [String: FlightDuration] = ["landerApps": .microseconds(6_000), "landerDisplay": .microseconds(1_500)],
            stolenFrom: String = "landerApps"
        ) {
            self.perUnit = perUnit
            self.stolenFrom = stolenFrom
        }
    }

    public let costs: Costs
    /// Where the `cycle-steal` fraction is read (the rig that plays the scenario).
    weak var rig: LanderRig?
    /// The costs as a short list: compared by name on every group run (short names compare
    /// without hashing), on the flight software's tick path.
    private let table: [(unit: String, cost: FlightDuration)]

    public init(_ costs: Costs = Costs(), rig: LanderRig? = nil) {
        self.costs = costs
        self.rig = rig
        table = costs.perUnit.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public func cost(ofUnit unit: String, context: TickContext) -> FlightDuration {
        var base = FlightDuration.zero
        for entry in table where entry.unit == unit {
            base = entry.cost
            break
        }
        guard unit == costs.stolenFrom, let steal = rig?.flightComputerCycleSteal, steal > 0 else { return base }
        return base + FlightDuration(nanoseconds: Int64(Double(context.period.nanoseconds) * steal))
    }
}
