/// A region of the site map the rover must not enter (site frame: east, north, m): a circle,
/// or a simple polygon of up to ``KeepOutZone/maxVertices`` vertices. Value type, no
/// allocation.
public struct KeepOutZone: Sendable {
    public static let maxVertices = 8

    public enum Shape: UInt8, Sendable { case circle, polygon }

    public private(set) var shape: Shape
    /// Circle: centre and radius.
    public private(set) var centre: SIMD2<Double>
    public private(set) var radius: Double
    /// Polygon: vertices in order (either sense), `vertexCount` of them.
    public private(set) var vertices: InlineArray<8, SIMD2<Double>>
    public private(set) var vertexCount: Int

    /// Why a zone was refused.
    public enum Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        case nonFinite
        case radiusNotPositive(Double)
        case vertexCount(Int)

        public var description: String {
            switch self {
            case .nonFinite: return "keep-out zone: a coordinate is not a finite number"
            case .radiusNotPositive(let r): return "keep-out zone: radius \(r) m must be positive"
            case .vertexCount(let n): return "keep-out zone: a polygon needs 3 to \(KeepOutZone.maxVertices) vertices, got \(n)"
            }
        }
    }

    public static func circle(east: Double, north: Double, radius: Double) throws(Invalid) -> KeepOutZone {
        guard east.isFinite, north.isFinite, radius.isFinite else { throw .nonFinite }
        guard radius > 0 else { throw .radiusNotPositive(radius) }
        return KeepOutZone(shape: .circle, centre: SIMD2(east, north), radius: radius, vertices: .init(repeating: .zero), vertexCount: 0)
    }

    public static func polygon(_ points: some Collection<SIMD2<Double>>) throws(Invalid) -> KeepOutZone {
        guard (3...maxVertices).contains(points.count) else { throw .vertexCount(points.count) }
        var v = InlineArray<8, SIMD2<Double>>(repeating: .zero)
        var sum = SIMD2<Double>.zero
        for (i, p) in points.enumerated() {
            guard p.x.isFinite, p.y.isFinite else { throw .nonFinite }
            v[i] = p
            sum += p
        }
        let n = points.count
        let c = sum / Double(n)
        var r = 0.0
        for i in 0..<n { r = max(r, length2(v[i] - c)) }
        return KeepOutZone(shape: .polygon, centre: c, radius: r, vertices: v, vertexCount: n)
    }

    /// Distance from `p` to the zone's boundary, m: negative inside.
    public func distance(to p: SIMD2<Double>) -> Double {
        switch shape {
        case .circle:
            return length2(p - centre) - radius
        case .polygon:
            var d = Double.infinity
            var inside = false
            var j = vertexCount - 1
            for i in 0..<vertexCount {
                let a = vertices[j], b = vertices[i]
                d = min(d, pointSegmentDistance(p, a, b))
                if (b.y > p.y) != (a.y > p.y), p.x < (a.x - b.x) * (p.y - b.y) / (a.y - b.y) + b.x { inside.toggle() }
                j = i
            }
            return inside ? -d : d
        }
    }

    /// Distance from the segment a-b to the zone, m (0 when it crosses the zone's boundary;
    /// negative when it lies inside).
    public func distance(from a: SIMD2<Double>, to b: SIMD2<Double>) -> Double {
        switch shape {
        case .circle:
            return pointSegmentDistance(centre, a, b) - radius
        case .polygon:
            let da = distance(to: a)
            if da < 0 { return da }
            var d = da
            var j = vertexCount - 1
            for i in 0..<vertexCount {
                d = min(d, segmentSegmentDistance(a, b, vertices[j], vertices[i]))
                j = i
            }
            return d
        }
    }
}

@inline(__always) func dot2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { (a * b).sum() }
@inline(__always) func cross2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { a.x * b.y - a.y * b.x }

func pointSegmentDistance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
    let ab = b - a
    let l2 = dot2(ab, ab)
    let t = l2 > 0 ? min(1, max(0, dot2(p - a, ab) / l2)) : 0
    return length2(p - (a + t * ab))
}

func segmentSegmentDistance(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, _ d: SIMD2<Double>) -> Double {
    let d1 = cross2(b - a, c - a), d2 = cross2(b - a, d - a)
    let d3 = cross2(d - c, a - c), d4 = cross2(d - c, b - c)
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return 0 }
    return min(min(pointSegmentDistance(a, c, d), pointSegmentDistance(b, c, d)),
               min(pointSegmentDistance(c, a, b), pointSegmentDistance(d, a, b)))
}

/// The keep-out zones in force: up to ``capacity`` set by the ground, and up to
/// ``hazardCapacity`` hazards the rover found itself (the oldest replaced when full).
public struct KeepOutMap: Sendable {
    public static let capacity = 16
    public static let hazardCapacity = 8

    public private(set) var zones: InlineArray<16, KeepOutZone>
    public private(set) var count = 0
    public private(set) var hazards: InlineArray<8, KeepOutZone>
    public private(set) var hazardCount = 0
    private var nextHazard = 0

    public init() {
        let empty = KeepOutZone(shape: .circle, centre: .zero, radius: 1, vertices: .init(repeating: .zero), vertexCount: 0)
        zones = .init(repeating: empty)
        hazards = .init(repeating: empty)
    }

    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case full
        public var description: String { "keep-out map is full (\(KeepOutMap.capacity) zones)" }
    }

    public mutating func add(_ zone: KeepOutZone) throws(Refusal) {
        guard count < Self.capacity else { throw .full }
        zones[count] = zone
        count += 1
    }

    public mutating func removeAll() {
        count = 0
        clearHazards()
    }

    /// Records a hazard found by the rover (a circle), replacing the oldest when full.
    public mutating func addHazard(_ zone: KeepOutZone) {
        hazards[nextHazard] = zone
        nextHazard = (nextHazard + 1) % Self.hazardCapacity
        hazardCount = min(hazardCount + 1, Self.hazardCapacity)
    }

    public mutating func clearHazards() {
        hazardCount = 0
        nextHazard = 0
    }

    /// Least distance from `p` to a ground zone (`includeHazards`: or a hazard), m.
    public func distance(to p: SIMD2<Double>, includeHazards: Bool = true) -> Double {
        var d = Double.infinity
        for i in 0..<count { d = min(d, zones[i].distance(to: p)) }
        if includeHazards { for i in 0..<hazardCount { d = min(d, hazards[i].distance(to: p)) } }
        return d
    }

    /// Least distance from the segment a-b to any zone or hazard, m.
    public func distance(from a: SIMD2<Double>, to b: SIMD2<Double>) -> Double {
        var d = Double.infinity
        for i in 0..<count { d = min(d, zones[i].distance(from: a, to: b)) }
        for i in 0..<hazardCount { d = min(d, hazards[i].distance(from: a, to: b)) }
        return d
    }
}
