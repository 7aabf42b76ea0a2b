// The rover's drive flight software: time and allocations per cycle (docs/performance.md,
// "Rover flight software").
//
// Rover.closedLoop.10s: one sample is 10 simulated seconds of an ARC on flat ground: 100
// `DriveController.update` cycles (10 Hz: navigation, safety checks, hazard profile, wheel
// demands) each followed by ten 10 ms `RoverWorld` steps (skid-steer physics and every
// sensor model at its rate, hazard beams ray cast at 5 Hz).
// Rover.controller.x100: 100 controller cycles alone, on 10 s of the world's samples recorded
// beforehand (a rover driving straight at 0.05 m/s), replayed as one long drive.
// Rover.component.10s: the RoverDrive component in a lockstep topology at 10 Hz (with the core
// services), closed through the rover's topics with RoverWorld: 100 ticks, each publishing
// the world's samples as the drivers would, the executive's step (the drive reads them,
// publishes the wheel demand, writes its 16 channels), and ten physics steps. The drive runs
// 100 m arcs of 20 m radius, a new one dispatched when one ends (about every 200 samples).
// Rover.plan.50m: one `RoutePlanner.plan` of the 50 m route of the closed-loop test (a 4 m
// keep-out circle across the straight line and a 4 m square beside the detour): A* on the
// 200 x 200 grid at 0.5 m, then the legs pulled tight.
import Benchmark
import FlightCore
import Missions
import Simulator

func inputs(_ world: RoverWorld, heard: Double) -> DriveController.Inputs {
    let e = world.encoders.latest, m = world.motorCurrents.latest, a = world.imu.latest, h = world.hazardRange.latest
    let vo = world.visualOdometry.latest
    var ticks = WheelSet<Int>(repeating: 0), currents = WheelSet<Double>(repeating: 0)
    for i in 0..<6 {
        ticks[i] = e.values[i]
        currents[i] = m.values[i]
    }
    return DriveController.Inputs(
        time: world.time,
        encoders: .init(sequence: e.sequence, valid: e.valid, value: ticks),
        motors: .init(sequence: m.sequence, valid: m.valid, value: .init(currents: currents)),
        attitude: .init(sequence: a.sequence, valid: a.valid, value: .init(roll: a.roll, pitch: a.pitch, headingRate: a.headingRate)),
        hazard: .init(sequence: h.sequence, valid: h.sequence > 0, value: HazardRanges(
            left: h.left.valid ? h.left.range : nil, centre: h.centre.valid ? h.centre.range : nil,
            right: h.right.valid ? h.right.range : nil)),
        visualOdometry: .init(sequence: vo.sequence, valid: vo.valid, value: SIMD2(vo.forward, vo.left)),
        lastGroundContact: heard)
}

func configuration() -> DriveController.Configuration {
    var c = DriveController.Configuration(geometry: .yutu2)
    c.gravity = Moon.surfaceGravity
    return c
}

let benchmarks: @Sendable () -> Void = {
    let terrain = Terrain(.flat(), frame: .flat)

    Benchmark(
        "Rover.closedLoop.10s",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        var world = RoverWorld(.init(terrain: terrain, start: RoverState(x: 0, y: 0, heading: 0), seed: 1))
        var controller = DriveController(east: 0, north: 0, heading: 0, configuration: configuration())
        world.step(100)
        try? controller.start(.arc(radius: 20, distance: 100), at: world.time, timeout: 1e9)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 {
                let d = controller.update(inputs(world, heard: world.time))
                world.command = RoverDriveCommand(left: d.left, right: d.right)
                world.step(10)
            }
            blackHole(controller.demand)
        }
    }

    Benchmark(
        "Rover.controller.x100",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        var world = RoverWorld(.init(terrain: terrain, start: RoverState(x: 0, y: 0, heading: 0), seed: 1))
        world.step(100)
        // 100 cycles of samples of a rover driving straight at 0.05 m/s.
        world.command = RoverDriveCommand(left: 0.05, right: 0.05)
        world.step(200)  // under way: every sample, visual odometry's included, shows motion
        var recorded: [DriveController.Inputs] = []
        recorded.reserveCapacity(101)
        for _ in 0...100 {
            recorded.append(inputs(world, heard: world.time))
            world.step(10)
        }
        let next = recorded.removeLast()  // where the replay's next pass begins
        // Each sample replays the recording as the next 10 s: times, sequence numbers and
        // encoder ticks moved on, so the controller sees one long drive.
        var c = configuration()
        c.maxArcDistance = 1e6
        var controller = DriveController(east: 0, north: 0, heading: 0, configuration: c)
        try? controller.start(.arc(radius: 0, distance: 1e5), at: recorded[0].time, timeout: 1e12)
        let span = next.time - recorded[0].time
        var tickSpan = WheelSet<Int>(repeating: 0)
        for i in 0..<6 { tickSpan[i] = next.encoders.value[i] - recorded[0].encoders.value[i] }
        var pass = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for var input in recorded {
                input.time += Double(pass) * span
                input.lastGroundContact = input.time
                input.encoders.sequence += pass * 1_000
                input.motors.sequence += pass * 1_000
                input.attitude.sequence += pass * 1_000
                input.hazard.sequence += pass * 1_000
                input.visualOdometry?.sequence += pass * 1_000
                for i in 0..<6 { input.encoders.value[i] += pass * tickSpan[i] }
                blackHole(controller.update(input))
            }
            pass += 1
        }
        blackHole(controller.state)
    }

    Benchmark(
        "Rover.component.10s",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        var world = RoverWorld(.init(terrain: terrain, start: RoverState(x: 0, y: 0, heading: 0), seed: 1))
        var b = TopologyBuilder(name: "RoverBench", baseRate: 10)
        let topics = try! RoverTopics(on: b.bus)
        var c = configuration()
        c.commLossTimeout = 1e12
        let drive = try! RoverDrive(controller: DriveController(east: 0, north: 0, heading: 0, configuration: c), topics: topics)
        let demands = try! topics.wheelDemand.subscribe("bench", capacity: 1, policy: .keepLatest)
        b.add(drive)
        b.add(RateGroup("rover", drive), divisor: 1)
        let topology = try! b.build()
        let exec = topology.lockstep()
        var demand = WheelSpeedDemand.stop
        func tick() {
            if let d = demands.receive() { demand = d }
            let r = world.simulation.vehicle.wheelRadius
            world.command = demand.enable ? RoverDriveCommand(left: demand.speeds[0] * r, right: demand.speeds[3] * r) : .stop
            world.step(10)
            let e = world.encoders.latest, m = world.motorCurrents.latest, a = world.imu.latest, h = world.hazardRange.latest
            var status = WheelStatusSample()
            status.sequence = UInt32(truncatingIfNeeded: e.sequence)
            status.valid = e.valid ? WheelStatusSample.allWheels : 0
            for i in 0..<6 {
                status.encoderTicks[i] = Int64(e.values[i])
                status.current[i] = m.values[i]
            }
            topics.wheelStatus.publish(status)
            var att = RoverAttitudeSample()
            att.sequence = UInt32(truncatingIfNeeded: a.sequence)
            (att.roll, att.pitch, att.headingRate) = (a.roll, a.pitch, a.headingRate)
            att.inclinometerValid = a.valid
            att.gyroValid = a.valid
            topics.attitude.publish(att)
            var hz = HazardSample()
            hz.sequence = UInt32(truncatingIfNeeded: h.sequence)
            hz.valid = 0b111
            hz.range = SIMD3(h.left.range, h.centre.range, h.right.range)
            topics.hazard.publish(hz)
            exec.step()
        }
        for _ in 0..<20 { tick() }
        let entry = topology.dictionary().command(named: "drive.DRIVE_ARC")!
        let args = CommandArguments.encode([.value(.f64(20)), .value(.f64(100)), .value(.f64(86_400))], as: entry.arguments)!
        let arc = CommandPacket(opcode: entry.opcode, arguments: args, source: .test)
        _ = topology.dispatcher.dispatch(arc)
        for _ in 0..<20 { tick() }
        // Measure a drive under way, not an idle one.
        precondition(drive.controller.isMoving && world.state.odometer > 0.05, "the benchmark's drive did not start")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // A 100 m arc lasts about 200 samples: the next one starts when it ends.
            if !drive.controller.isMoving { _ = topology.dispatcher.dispatch(arc) }
            for _ in 0..<100 { tick() }
        }
        blackHole(drive.controller.state)
    }

    Benchmark(
        "Rover.plan.50m",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        var map = KeepOutMap()
        try? map.add(try! KeepOutZone.circle(east: 0.5, north: 25, radius: 4))
        try? map.add(try! KeepOutZone.polygon([SIMD2(-9, 30), SIMD2(-5, 30), SIMD2(-5, 34), SIMD2(-9, 34)]))
        var planner = RoutePlanner()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try? planner.plan(from: SIMD2(0, 0), to: SIMD2(0, 50), map: map)
            blackHole(planner.waypointCount)
        }
    }
}
