import Missions
import Testing

/// Keep-out zones and the route planner, alone.
@Suite struct RoutePlannerTests {
    /// A clear straight line is one leg; a circle across it is gone round with every leg
    /// keeping the clearance (checked against the true geometry).
    @Test func goesRoundACircleKeepingItsClearance() throws {
        var planner = RoutePlanner()
        var map = KeepOutMap()
        try planner.plan(from: SIMD2(0, 0), to: SIMD2(0, 30), map: map)
        #expect(planner.waypointCount == 1 && planner.waypoints[0] == SIMD2(0, 30))
        try map.add(try KeepOutZone.circle(east: 0, north: 15, radius: 5))
        try planner.plan(from: SIMD2(0, 0), to: SIMD2(0, 30), map: map)
        #expect(planner.waypointCount >= 2)
        var from = SIMD2<Double>(0, 0)
        for i in 0..<planner.waypointCount {
            let to = planner.waypoints[i]
            #expect(map.distance(from: from, to: to) >= planner.configuration.clearance)
            from = to
        }
        #expect(from == SIMD2(0, 30))
    }

    /// A polygon wall with a gap: the route goes through the gap, not round the ends.
    @Test func usesTheGapInAWall() throws {
        var planner = RoutePlanner()
        var map = KeepOutMap()
        try map.add(try KeepOutZone.polygon([SIMD2(-30, 10), SIMD2(-2, 10), SIMD2(-2, 12), SIMD2(-30, 12)]))
        try map.add(try KeepOutZone.polygon([SIMD2(2, 10), SIMD2(30, 10), SIMD2(30, 12), SIMD2(2, 12)]))
        try planner.plan(from: SIMD2(0, 0), to: SIMD2(0, 25), map: map)
        for i in 0..<planner.waypointCount { #expect(abs(planner.waypoints[i].x) < 2) }
    }

    /// Refusals, each with its reason: goal inside a zone, start inside a zone, out of reach,
    /// no way round (a ring of zones around the goal); bad zones.
    @Test func refusalsSayWhy() throws {
        var planner = RoutePlanner()
        var map = KeepOutMap()
        try map.add(try KeepOutZone.circle(east: 0, north: 10, radius: 2))
        #expect(throws: RoutePlanner.Failure.goalInKeepOut(distance: -2)) { try planner.plan(from: .zero, to: SIMD2(0, 10), map: map) }
        #expect(throws: RoutePlanner.Failure.startInKeepOut(distance: -1)) { try planner.plan(from: SIMD2(0, 9), to: .zero, map: map) }
        #expect(throws: RoutePlanner.Failure.self) { try planner.plan(from: .zero, to: SIMD2(0, 500), map: map) }
        var ring = KeepOutMap()
        for k in 0..<12 {
            let a = Double(k) * .pi / 6
            try ring.add(try KeepOutZone.circle(east: 20 + 6 * sin(a), north: 6 * cos(a), radius: 2))
        }
        do {
            try planner.plan(from: .zero, to: SIMD2(20, 0), map: ring)
            Issue.record("a goal ringed by zones was reached")
        } catch {
            guard case .noRoute = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: KeepOutZone.Invalid.radiusNotPositive(0)) { try KeepOutZone.circle(east: 0, north: 0, radius: 0) }
        #expect(throws: KeepOutZone.Invalid.vertexCount(2)) { try KeepOutZone.polygon([SIMD2(0, 0), SIMD2(1, 1)]) }
        #expect(throws: KeepOutZone.Invalid.nonFinite) { try KeepOutZone.circle(east: .nan, north: 0, radius: 1) }
        var full = KeepOutMap()
        for _ in 0..<KeepOutMap.capacity { try full.add(try KeepOutZone.circle(east: 0, north: 0, radius: 1)) }
        #expect(throws: KeepOutMap.Refusal.full) { try full.add(try KeepOutZone.circle(east: 0, north: 0, radius: 1)) }
    }

    /// Drive commands out of range are refused with their reason, and change nothing.
    @Test func driveCommandsAreValidated() throws {
        var c = DriveController(east: 0, north: 0, heading: 0, configuration: .init(geometry: .yutu2))
        #expect(throws: DriveRefusal.nonFinite) { try c.start(.arc(radius: .infinity, distance: 1), at: 0, timeout: 10) }
        #expect(throws: DriveRefusal.distanceTooLong(500, limit: 100)) { try c.start(.arc(radius: 0, distance: 500), at: 0, timeout: 10) }
        #expect(throws: DriveRefusal.angleTooLarge(7)) { try c.start(.turn(angle: 7), at: 0, timeout: 10) }
        #expect(throws: DriveRefusal.timeoutNotPositive(0)) { try c.start(.turn(angle: 1), at: 0, timeout: 0) }
        #expect(c.state == .idle)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
