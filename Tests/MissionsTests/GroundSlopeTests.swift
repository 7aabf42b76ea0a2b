import Foundation
import Missions
import Testing

@Suite("Ground slope from the altimeter beams")
struct GroundSlopeTests {
    static let tilt = 20.0 * Double.pi / 180
    /// Beams 20 degrees off straight down (-z body), at four azimuths.
    static let beams: [SIMD3<Double>] = [
        [sin(tilt), 0, -cos(tilt)], [-sin(tilt), 0, -cos(tilt)], [0, sin(tilt), -cos(tilt)], [0, -sin(tilt), -cos(tilt)],
    ]

    /// Ranges to the plane z = -h + x tan(slope) (rising toward +x) from the origin.
    static func ranges(height h: Double, slope: Double) -> [Double?] {
        beams.map { d in
            // Solve t d.z = -h + t d.x tan(slope).
            let t = -h / (d.z - d.x * tan(slope))
            return t
        }
    }

    @Test(arguments: [0.0, 5, 10, 20])
    func aPlaneSlopeIsRecovered(degrees: Double) throws {
        let slope = degrees * Double.pi / 180
        let est = try #require(GroundSlope.estimate(ranges: Self.ranges(height: 100, slope: slope), beams: Self.beams, attitude: .identity, up: [0, 0, 1]))
        #expect(abs(est - slope) < 1e-9)
    }

    @Test func aTiltedLanderStillSeesTheGroundSlope() throws {
        // Lander rolled 10 degrees about x; the ground is flat: the estimate must say flat.
        let roll = Quaternion(axis: [1, 0, 0], angle: 10 * Double.pi / 180)
        let ranges: [Double?] = Self.beams.map { b in
            let d = roll.rotate(b)
            return -100 / d.z
        }
        let est = try #require(GroundSlope.estimate(ranges: ranges, beams: Self.beams, attitude: roll, up: [0, 0, 1]))
        #expect(abs(est) < 1e-9)
    }

    @Test func fewerThanThreeBeamsGiveNoEstimate() {
        #expect(GroundSlope.estimate(ranges: [100, nil, nil, 120], beams: Self.beams, attitude: .identity, up: [0, 0, 1]) == nil)
    }
}

extension GroundSlopeTests {
    @Test(arguments: [5.0, 15])
    func theDownhillDirectionIsAgainstTheRise(degrees: Double) throws {
        // The plane rises towards +x: downhill is -x, horizontal, unit length.
        let plane = try #require(GroundSlope.plane(
            ranges: Self.ranges(height: 20, slope: degrees * Double.pi / 180), beams: Self.beams, attitude: .identity, up: [0, 0, 1]))
        #expect(abs(plane.slope - degrees * Double.pi / 180) < 1e-9)
        #expect(abs(plane.downhill.x + 1) < 1e-9)
        #expect(abs(plane.downhill.y) < 1e-9 && abs(plane.downhill.z) < 1e-9)
    }

    @Test func levelGroundHasNoDownhill() throws {
        let plane = try #require(GroundSlope.plane(ranges: Self.ranges(height: 20, slope: 0), beams: Self.beams, attitude: .identity, up: [0, 0, 1]))
        #expect(plane.downhill == .zero)
    }
}
