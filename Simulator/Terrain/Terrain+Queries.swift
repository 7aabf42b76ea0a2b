import Glibc

extension Terrain {
    /// The smooth part of the height at (x, y): background, regional slope and explicit
    /// craters (no grid, rocks or flat zones), m.
    public func smoothHeight(x: Double, y: Double) -> Double {
        var h = 0.0
        for w in storage.waves { h += w.amplitude * waveSine(w.kx * x + w.ky * y + w.phase) }
        for c in storage.craters {
            let dx = x - c.x, dy = y - c.y
            let r2 = dx * dx + dy * dy
            if r2 < c.diameter * c.diameter { h += c.profile(distance: r2.squareRoot()) }
        }
        return h
    }

    /// Height above the reference surface at map point (x, y), m.
    public func height(x: Double, y: Double) -> Double {
        var h = smoothHeight(x: x, y: y)
        if let grid = storage.grid { h += grid.height(x: x, y: y) }
        for r in storage.rocks {
            let dx = x - r.x, dy = y - r.y
            let r2 = dx * dx + dy * dy
            let a = r.diameter / 2
            if r2 < a * a { h += r.profile(distance: r2.squareRoot()) }
        }
        for levelled in storage.flatZones {
            let zone = levelled.zone, level = levelled.level
            let dx = x - zone.x, dy = y - zone.y
            let reach = zone.radius + zone.edgeWidth
            let r2 = dx * dx + dy * dy
            guard r2 < reach * reach else { continue }
            let w = zone.weight(distance: r2.squareRoot())
            h += w * (level - h)
        }
        return h
    }

    /// The most the site's gnomonic map stretches a distance, within about 800 km of the
    /// site (sec^2 of the angle from the site: 1.14 at 630 km, 1.25 at 800 km). Gradient
    /// bounds in map units are scaled by it wherever the march or the contact margin
    /// needs a bound per metre of real distance.
    public static let mapStretchBound = 1.25

    /// Step of the central differences behind `normal` and `slope`, m.
    public static let differenceStep = 0.05

    /// Unit surface normal at (x, y) in the local East-North-Up frame (central differences
    /// over +-5 cm).
    public func normal(x: Double, y: Double) -> Vector3 {
        let e = Self.differenceStep
        let hx = (height(x: x + e, y: y) - height(x: x - e, y: y)) / (2 * e)
        let hy = (height(x: x, y: y + e) - height(x: x, y: y - e)) / (2 * e)
        return Vector3(-hx, -hy, 1).normalized
    }

    /// Surface slope at (x, y): the angle between the normal and local up, radians.
    public func slope(x: Double, y: Double) -> Double {
        acos(min(1, normal(x: x, y: y).z))
    }

    // Queries by simulator position (Moon-centred, or flat-moon coordinates).

    /// Height of the terrain below a simulator position (above the reference surface), m.
    public func height(below p: Vector3) -> Double {
        let m = frame.mapPoint(of: p)
        return m.x.isFinite ? height(x: m.x, y: m.y) : 0
    }

    /// Height of a simulator position above the terrain directly below it (along local
    /// up), m; negative inside the terrain.
    public func clearance(of p: Vector3) -> Double {
        let m = frame.mapPoint(of: p)
        guard m.x.isFinite else { return m.altitude }
        return m.altitude - height(x: m.x, y: m.y)
    }

    /// Height of a simulator position above an envelope of the surface: the smooth part
    /// raised by the detail bound (`detailMaximum` near the site grid, or only
    /// `explicitDetailMaximum` when the point is farther from the grid than this clearance,
    /// so that no march step from it can reach the grid). A lower bound on
    /// `clearance(of:)` whose gradient along a march is bounded by `smoothGradientBound`.
    func envelopeClearance(of p: Vector3) -> Double {
        let m = frame.mapPoint(of: p)
        guard m.x.isFinite else { return m.altitude - detailMaximum }
        let above = m.altitude - smoothHeight(x: m.x, y: m.y)
        let far = above - explicitDetailMaximum
        if let grid = storage.grid {
            let half = grid.size / 2 + Self.mapStretchBound * max(0, far)
            if abs(m.x) < half && abs(m.y) < half { return above - detailMaximum }
        }
        return far
    }

    /// The terrain normal below a simulator position, in simulator coordinates.
    public func normal(below p: Vector3) -> Vector3 {
        let m = frame.mapPoint(of: p)
        guard m.x.isFinite else { return frame.up(at: p) }
        return frame.fromLocal(normal(x: m.x, y: m.y), at: p)
    }

    /// The slope below a simulator position, radians.
    public func slope(below p: Vector3) -> Double {
        let m = frame.mapPoint(of: p)
        guard m.x.isFinite else { return 0 }
        return slope(x: m.x, y: m.y)
    }

    /// The surface point below a simulator position (on the terrain, along local up).
    public func surfacePoint(below p: Vector3) -> Vector3 {
        var m = frame.mapPoint(of: p)
        m.altitude = m.x.isFinite ? height(x: m.x, y: m.y) : 0
        return frame.position(of: m)
    }
}
