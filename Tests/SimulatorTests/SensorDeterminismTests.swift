import Glibc
import Simulator
import Testing

/// Two runs with the same seed give bit-identical sensor streams; different seeds differ.
@Suite struct SensorDeterminismTests {
    static let site = LandingSite.changE3
    static let terrain: Terrain = {
        var p = TerrainParameters(seed: 2026)
        p.gridSize = 512
        p.features = [.crater(Crater(x: 0, y: 3_000, diameter: 1_500, depth: 250, rimHeight: 50))]
        return Terrain(p, frame: .sphere(site))
    }()

    /// 20 s of a descent from 2 km over the seeded terrain with a slewing attitude and a
    /// throttle that changes every step; every sensor sample's bits, in order.
    static func landerStream(seed: UInt64) -> [UInt64] {
        let v = LanderVehicle.changE
        let start = LanderState(
            position: site.position(of: MapPoint(x: 0, y: 6_000, altitude: 2_000)),
            velocity: -40 * site.north - 30 * site.up, mass: v.initialMass, thrust: 5_000)
        var world = LanderWorld(.init(vehicle: v, terrain: terrain, start: start, seed: seed))
        var out: [UInt64] = []
        var seen = (imu: 0, alt: 0, legs: 0, engine: 0, power: 0)
        for k in 0..<20_000 {
            let f = Double(k % 3_000) / 3_000
            world.command = EngineCommand(
                engineOn: true, thrust: 3_000 + 4_000 * f,
                direction: site.up + (0.3 * f) * site.north + 0.1 * site.east)
            world.step()
            let i = world.imu.latest
            if i.sequence != seen.imu {
                seen.imu = i.sequence
                out += [i.specificForce.x, i.specificForce.y, i.specificForce.z, i.bodyRate.x, i.bodyRate.y, i.bodyRate.z].map(\.bitPattern)
            }
            let a = world.altimeter.latest
            if a.sequence != seen.alt {
                seen.alt = a.sequence
                for b in 0..<4 { out += [a[b].range.bitPattern, a[b].velocity.bitPattern, a[b].valid ? 1 : 0] }
            }
            let l = world.legSwitches.latest
            if l.sequence != seen.legs { seen.legs = l.sequence; out.append(UInt64(l.closed.rawValue)) }
            let e = world.engineTelemetry.latest
            if e.sequence != seen.engine { seen.engine = e.sequence; out += [e.thrust.bitPattern, e.chamberPressure.bitPattern] }
            let p = world.power.latest
            if p.sequence != seen.power { seen.power = p.sequence; out += [p.busVoltage.bitPattern, p.current.bitPattern, p.stateOfCharge.bitPattern] }
        }
        return out
    }

    @Test func landerStreams() {
        let a = Self.landerStream(seed: 5)
        let b = Self.landerStream(seed: 5)
        let c = Self.landerStream(seed: 6)
        #expect(a.count > 19_000)  // 2,000 IMU, 400 altimeter, 2,000 leg, 200 engine, 20 power samples
        #expect(a == b)
        #expect(a.count == c.count && a != c)
    }

    /// 60 s of driving on the seeded terrain: turns, straights, a slip patch.
    static func roverStream(seed: UInt64) -> [UInt64] {
        var world = RoverWorld(.init(terrain: terrain, start: RoverState(x: 10, y: -20, heading: 0.3), seed: seed))
        world.faults.slipPatch = SlipPatch(x: 10, y: -19, radius: 1, extraSlip: 0.3)
        var out: [UInt64] = []
        var seen = (enc: 0, cur: 0, imu: 0, haz: 0)
        for k in 0..<6_000 {
            let phase = (k / 1_000) % 3
            world.command = phase == 0 ? RoverDriveCommand(left: 0.05, right: 0.05)
                : (phase == 1 ? RoverDriveCommand(left: 0.05, right: -0.02) : RoverDriveCommand(left: 0.03, right: 0.05))
            world.step()
            let e = world.encoders.latest
            if e.sequence != seen.enc { seen.enc = e.sequence; for i in 0..<6 { out.append(UInt64(bitPattern: Int64(e.values[i]))) } }
            let c = world.motorCurrents.latest
            if c.sequence != seen.cur { seen.cur = c.sequence; for i in 0..<6 { out.append(c.values[i].bitPattern) } }
            let m = world.imu.latest
            if m.sequence != seen.imu { seen.imu = m.sequence; out += [m.roll.bitPattern, m.pitch.bitPattern, m.headingRate.bitPattern] }
            let h = world.hazardRange.latest
            if h.sequence != seen.haz {
                seen.haz = h.sequence
                out += [h.left.range.bitPattern, h.centre.range.bitPattern, h.right.range.bitPattern]
            }
        }
        return out
    }

    @Test func roverStreams() {
        let a = Self.roverStream(seed: 5)
        let b = Self.roverStream(seed: 5)
        let c = Self.roverStream(seed: 6)
        #expect(a.count > 9_000)  // 600 encoder, 600 current, 600 IMU, 300 hazard samples
        #expect(a == b)
        #expect(a.count == c.count && a != c)
    }

    /// The default terrain (2,048 m grid at 1 m) is the same from the same seed.
    @Test func defaultTerrainIsRepeatable() throws {
        let a = Terrain(TerrainParameters(seed: 11), frame: .sphere(Self.site))
        let b = Terrain(TerrainParameters(seed: 11), frame: .sphere(Self.site))
        let ga = try #require(a.grid), gb = try #require(b.grid)
        #expect(ga.count == 2_049 && ga.memoryBytes == 2_049 * 2_049 * 4)
        var same = true
        for j in stride(from: 0, to: 2_049, by: 7) {
            for i in stride(from: 0, to: 2_049, by: 3) where ga[i, j].bitPattern != gb[i, j].bitPattern { same = false }
        }
        #expect(same)
        #expect(a.seededCraters == b.seededCraters && a.seededRocks == b.seededRocks)
        #expect(a.seededRocks.contains { $0.height > 1 })
    }
}
