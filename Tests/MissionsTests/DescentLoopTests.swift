import Foundation
import Missions
import Simulator
import Testing

/// Closed loop with perfect knowledge: the descent controller flying the simulator's lander.
/// (The full loop, with drivers, navigation and sensors, is in the lockstep mission tests.)
struct DescentRun {
    var log: [(t: Double, phase: DescentPhase, altitude: Double, altitudeRate: Double, speed: Double)] = []
    var touchdown: Touchdown?
    var controller: DescentController
    var deltaV = 0.0
    var propellantUsed = 0.0
    var finalMass = 0.0
    /// The largest thrust guidance wanted in each phase (N), before the scale and the range.
    var peakWanted = [Double](repeating: 0, count: DescentPhase.allCases.count)

    static func pdi(altitude: Double, speed: Double, altitudeRate: Double, downRange: Double) -> (LanderState, SiteFrame) {
        let R = Moon.meanRadius
        let angle = downRange / R
        // Site on +x; lander `angle` radians up-range, in the x-z plane, flying toward +x.
        let site = SIMD3<Double>(R, 0, 0)
        let up = SIMD3<Double>(cos(angle), 0, -sin(angle))
        let along = SIMD3<Double>(sin(angle), 0, cos(angle))
        let r = (R + altitude) * up
        let horizontal = (speed * speed - altitudeRate * altitudeRate).squareRoot()
        let v = horizontal * along + altitudeRate * up
        let state = LanderState(position: Vector3(r.x, r.y, r.z), velocity: Vector3(v.x, v.y, v.z), mass: 0)
        return (state, SiteFrame(site: site, approachFrom: r))
    }

    init(vehicle: LanderVehicle, plan: DescentPlan, altitude: Double, speed: Double, altitudeRate: Double, downRange: Double,
         thrustFactor: Double = 1, dt: Double = 0.01, guidanceEvery: Int = 10, slewing: Bool = false) {
        var (state, site) = Self.pdi(altitude: altitude, speed: speed, altitudeRate: altitudeRate, downRange: downRange)
        state.mass = vehicle.initialMass
        controller = DescentController(
            plan: plan, site: site,
            vehicle: .init(minThrust: vehicle.minThrust, maxThrust: vehicle.maxThrust, maxContinuousThrust: vehicle.maxContinuousThrust))
        // With `slewing`, as in the full loop: the thrust axis starts along local up and turns at
        // the lander's rate and acceleration limits; the engine fires once the axis is within
        // 10 degrees of guidance's direction (DescentManager's ignition gate); times in the log
        // then count from ignition (PDI).
        let up0 = state.position.normalized
        var sim = slewing
            ? LanderSimulation(vehicle: vehicle, gravity: .moon, state: state, dt: dt, attitude: ThrustAttitude(thrustAxis: up0, limits: .lander))
            : LanderSimulation(vehicle: vehicle, gravity: .moon, state: state, dt: dt)
        var ignition: Double? = slewing ? nil : 0
        // The dispersion is the engine's, after its throttle limits, as in the simulator.
        sim.dynamics.thrustScale = thrustFactor
        controller.ignite(at: 0)
        var command = EngineCommand.off
        var step = 0
        while sim.touchdown == nil, sim.time < 1500 {
            let s = sim.state
            let r = SIMD3(s.position.x, s.position.y, s.position.z), v = SIMD3(s.velocity.x, s.velocity.y, s.velocity.z)
            if step % guidanceEvery == 0 {
                let g = -Moon.gm / pow(length(r), 3) * r
                let foot = length(r) - Moon.meanRadius - vehicle.legHeight
                let demand = controller.update(.init(
                    time: sim.time, position: r, velocity: v, gravity: g, mass: s.mass, footHeight: foot,
                    legsInContact: 0, specificForce: s.thrust / s.mass))
                let d = demand.direction
                if demand.on, ignition != nil {
                    let p = Int(controller.phase.rawValue)
                    peakWanted[p] = max(peakWanted[p], controller.wantedThrust)
                }
                if ignition == nil {
                    let a = sim.attitude.thrustAxis
                    if a.x * d.x + a.y * d.y + a.z * d.z >= cos(10 * Double.pi / 180) { ignition = sim.time }
                }
                command = EngineCommand(engineOn: demand.on && ignition != nil, thrust: demand.thrust, direction: Vector3(d.x, d.y, d.z))
                let up = normalized(r)
                log.append((sim.time - (ignition ?? 0), controller.phase, length(r) - Moon.meanRadius, dot(v, up), length(v)))
            }
            deltaV += s.thrust / s.mass * dt
            sim.step(command)
            step += 1
        }
        touchdown = sim.touchdown
        finalMass = sim.state.mass
        propellantUsed = vehicle.initialMass - sim.state.mass
    }

    func at(_ t: Double) -> (t: Double, phase: DescentPhase, altitude: Double, altitudeRate: Double, speed: Double)? {
        log.min { abs($0.t - t) < abs($1.t - t) }
    }
}

@Suite("Descent controller in closed loop with the simulator (perfect knowledge)")
struct DescentLoopTests {
    /// ACCEPTANCE.md: with the Apollo LM set, the descent follows the Apollo 11 DSKY log
    /// within +-20 % in altitude and altitude rate at each P63 time (up to high gate).
    @Test func apolloLMFollowsApollo11ThroughP63() throws {
        let run = DescentRun(vehicle: .apolloLM, plan: LanderPlans.apollo11, altitude: 15_231, speed: 1_694.6, altitudeRate: -0.7, downRange: LanderPlans.apollo11DownRange, slewing: true)
        for row in DescentTuning.apolloRows {
            let s = try #require(run.at(row.t))
            #expect(abs(s.altitude - row.h) <= 0.2 * row.h, "t \(row.t): altitude \(s.altitude) vs \(row.h)")
            #expect(abs(s.altitudeRate - row.hdot) <= 0.2 * abs(row.hdot), "t \(row.t): altitude rate \(s.altitudeRate) vs \(row.hdot)")
        }
        let td = try #require(run.touchdown)
        #expect(td.verticalSpeed <= 3.05 && td.horizontalSpeed <= 1.22)
        #expect((700...800).contains(td.time))
        #expect((1_900...2_300).contains(run.deltaV))
    }

    /// The nominal Chang'e-class descent: 700-800 s, 1.9-2.3 km/s, inside the touchdown
    /// envelope, the throttle never saturated; and Chandrayaan-2's case: +-10 % thrust
    /// dispersion absorbed by guidance without saturating.
    @Test(arguments: [1.0, 0.9, 1.1])
    func changELandsInsideTheEnvelope(thrustFactor: Double) throws {
        let run = DescentRun(vehicle: .changE, plan: LanderPlans.changE, altitude: 15_000, speed: 1_692, altitudeRate: 0,
                             downRange: LanderPlans.changEDownRange, thrustFactor: thrustFactor)
        let td = try #require(run.touchdown)
        #expect(td.verticalSpeed <= 3.05, "vertical \(td.verticalSpeed)")
        #expect(td.horizontalSpeed <= 1.22, "horizontal \(td.horizontalSpeed)")
        #expect((700...800).contains(td.time), "touchdown at \(td.time) s")
        #expect((1_900...2_300).contains(run.deltaV), "delta-v \(run.deltaV)")
        #expect(run.controller.saturatedCycles[Int(DescentPhase.braking.rawValue)] == 0)
        #expect(run.controller.saturatedCycles[Int(DescentPhase.approach.rawValue)] == 0)
        #expect(run.controller.phase == .freeFall)
    }
}
