import Configuration
public import FlightCore
public import Missions
public import Simulator
import Foundation
import Sequencing

extension LanderMission {
    /// The simulated lander's start for `options` (vehicle, seed, the scenario's seed): what
    /// the lockstep harness builds its rig from, and what `regolith sim` must be started with
    /// for a flight process on another board to agree with it (Chang'e-class: `.descent(seed:)`).
    public static func rigConfiguration(_ options: Options) -> LanderRig.Configuration {
        let vehicle: LanderVehicle = options.vehicle == .changE ? .changE : .apolloLM
        var c = LanderRig.Configuration.descent(
            seed: options.scenario?.seed ?? options.seed, vehicle: vehicle,
            altitude: options.vehicle == .changE ? 15_000 : 15_231,
            speed: options.vehicle == .changE ? 1_692 : 1_694.6,
            upRange: options.vehicle == .changE ? LanderPlans.changEDownRange : LanderPlans.apollo11DownRange)
        c.world.dt = 0.001
        return c
    }

    /// What the flight software is told before the descent: the site, the plan, the vehicle,
    /// the fault table, and the state vector at the start (as after a ground state-vector
    /// update: the truth at `t = 0`).
    public struct FlightKnowledge {
        public var configuration: LanderFlightSoftware.Configuration
        public var faults: FaultTable?
        public var start: LanderState
        public var startAttitude: Missions.Quaternion
        public var mass: Double

        /// Starts navigation from the uplinked state at flight time `time`.
        public func initializeNavigation(_ flight: LanderFlightSoftware, at time: FlightTime) {
            flight.navigator.initialize(
                position: LanderMission.simd(start.position), velocity: LanderMission.simd(start.velocity),
                attitude: startAttitude, mass: mass, at: time)
        }
    }

    /// The flight software's knowledge for `options`, from the rig configuration the
    /// simulator starts from (its terrain is the map the site's height is read from).
    public static func flightKnowledge(options: Options, rig rigConfiguration: LanderRig.Configuration) throws -> FlightKnowledge {
        let vehicle = rigConfiguration.world.vehicle
        let start = rigConfiguration.world.start
        let site = LandingSite.changE3
        let plan = options.vehicle == .changE ? LanderPlans.changE : LanderPlans.apollo11
        var navigation = LanderNavigation.Configuration(beams: LanderFlightSoftware.Configuration.landerBeams)
        // The site's radius as the mission knows it (from the maps): the sphere plus the
        // terrain's height at the site.
        navigation.referenceRadius = site.radius + rigConfiguration.world.terrain.height(x: 0, y: 0)
        let configuration = LanderFlightSoftware.Configuration(
            vehicle: .init(minThrust: vehicle.minThrust, maxThrust: vehicle.maxThrust, maxContinuousThrust: vehicle.maxContinuousThrust),
            plan: plan, site: simd(site.position) * (navigation.referenceRadius / site.radius), approachFrom: simd(start.position),
            navigation: navigation, exhaustVelocity: vehicle.exhaustVelocity, legHeight: vehicle.legHeight, ratedThrust: vehicle.maxThrust)
        var faults: FaultTable?
        if let path = options.faultTable {
            let file = FaultTableFile(contentsOf: path)
            guard file.structuralErrors.isEmpty else {
                throw FaultTableError(file: path, messages: file.structuralErrors.map { "\($0)" })
            }
            // Names in the table are checked against the topology when it is built (binding).
            faults = file.table
        }
        // The world's own start attitude (thrust axis along local up, unless configured).
        let q = (rigConfiguration.world.attitude ?? ThrustAttitude(thrustAxis: start.position.normalized, limits: .lander)).attitude
        return FlightKnowledge(
            configuration: configuration, faults: faults, start: start, startAttitude: Missions.Quaternion(w: q.w, v: SIMD3(q.x, q.y, q.z)),
            mass: vehicle.initialMass)
    }

    /// Compiles `lander-descent.rseq` (and what it calls) against `flight`'s dictionary and
    /// installs it on the lander's sequencer, unless the descent is commanded without it.
    static func installDescentSequence(_ flight: LanderFlightSoftware, options: Options) throws -> (bytes: [UInt8], result: CheckResult)? {
        guard options.descent == .sequence || options.descent == .ground else { return nil }
        let compiled = try MissionSequences.compile(
            "lander-descent.rseq", in: options.sequencesDirectory, dictionary: SequenceDictionary(flight.topology.dictionary()))
        if case .failure(let e) = flight.sequencer.install(compiled.bytes) {
            throw MissionSequences.LoadError(file: "lander-descent.rseq", messages: ["refused by the lander's sequencer: \(e)"])
        }
        return compiled
    }
}

extension LanderMission {
    /// Commands the descent as `descent` says, through the dispatcher as the ground would.
    static func commandDescent(_ descent: Options.Descent, flight: LanderFlightSoftware, ground: GroundCommander) {
        switch descent {
        case .sequence:
            ground.send("seq.SEQ_RUN", [.string(descentSequenceName)])
        case .direct:
            if let startOpcode = flight.topology.opcode("descent.START_DESCENT") {
                ground.send("cmdDisp.ARM", [.value(.u32(startOpcode.rawValue))])
            }
            ground.send("descent.START_DESCENT")
        case .ground, .none:
            break
        }
    }

    /// How long before `startAt` the start command goes: one tick for the sequence, so its
    /// ARM and START_DESCENT run in the sequencer's tick at `startAt` (see ``Options/startAt``).
    static func startLead(_ descent: Options.Descent, period: Double) -> Double {
        descent == .sequence ? period : 0
    }
}
