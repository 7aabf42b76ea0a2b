import Missions
import Testing

/// Nothing from outside may crash the drive: seeded garbage on every input (NaN, infinities,
/// huge and negative values, encoder wrap-around, sequence numbers that repeat or jump) for
/// 20,000 cycles under every command. The demands stay finite and within the top speed.
@Suite struct RoverGarbageInputTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func double() -> Double {
            switch next() % 8 {
            case 0: return .nan
            case 1: return .infinity
            case 2: return -.infinity
            case 3: return Double(bitPattern: next())
            case 4: return -Double(next() % 1_000)
            default: return Double(next() % 10_000) / 1_000
            }
        }
        mutating func int() -> Int { next() % 4 == 0 ? Int(truncatingIfNeeded: next()) : Int(next() % 5_000) }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func garbageNeverCrashesAndDemandsStayBounded(seed: UInt64) {
        var g = Generator(state: seed)
        var c = DriveController(east: 0, north: 0, heading: 0, configuration: .init(geometry: .yutu2))
        let top = c.configuration.maxSpeed
        let commands: [DriveCommand] = [.arc(radius: 5, distance: 10), .turn(angle: 1), .gotoWaypoint(east: 3, north: 8), .arc(radius: 0, distance: -2)]
        var time = 0.0
        for k in 0..<20_000 {
            if k % 500 == 0 { try? c.start(commands[(k / 500) % commands.count], at: time, timeout: 100) }
            if k % 97 == 0 { try? c.start(.gotoWaypoint(east: g.double(), north: g.double()), at: time, timeout: g.double()) }
            time += 0.1
            var ticks = WheelSet<Int>(repeating: 0), currents = WheelSet<Double>(repeating: 0)
            for i in 0..<6 {
                ticks[i] = g.int()
                currents[i] = g.double()
            }
            let input = DriveController.Inputs(
                time: g.next() % 50 == 0 ? g.double() : time,
                encoders: .init(sequence: g.int(), valid: g.next() % 5 != 0, value: ticks),
                motors: .init(sequence: g.int(), valid: g.next() % 5 != 0, value: .init(
                    currents: currents, overCurrentFlags: UInt8(truncatingIfNeeded: g.next() % 3 == 0 ? g.next() : 0),
                    stallFlags: UInt8(truncatingIfNeeded: g.next() % 3 == 0 ? g.next() : 0))),
                attitude: .init(sequence: g.int(), valid: g.next() % 5 != 0, value: .init(roll: g.double(), pitch: g.double(), headingRate: g.double())),
                hazard: .init(sequence: g.int(), valid: g.next() % 5 != 0, value: HazardRanges(
                    left: g.next() % 4 == 0 ? nil : g.double(), centre: g.double(), right: g.double())),
                visualOdometry: .init(sequence: g.int(), valid: g.next() % 3 != 0, value: SIMD2(g.double(), g.double())),
                lastGroundContact: g.next() % 50 == 0 ? g.double() : time)
            let d = c.update(input)
            #expect(d.left.isFinite && d.right.isFinite && abs(d.left) <= top && abs(d.right) <= top, "cycle \(k): \(d)")
            if !(d.left.isFinite && d.right.isFinite && abs(d.left) <= top && abs(d.right) <= top) { return }
        }
    }
}
