/// Plans a route around keep-out zones: A* over a square grid centred between the start and
/// the goal (8-connected; a cell is free when every point in it keeps ``Configuration/clearance``
/// from every zone), then the grid path is pulled tight into straight legs whose clearance is
/// checked against the zones' true geometry.
///
/// Bounded work: at most `side * side` cells are expanded, each once; the legs are found with
/// at most `maxWaypoints * path length` segment checks. All buffers are allocated in `init`;
/// `plan` allocates nothing.
public struct RoutePlanner: Sendable {
    public struct Configuration: Sendable {
        /// Cell size, m.
        public var resolution: Double
        /// Cells along each side of the square grid.
        public var side: Int
        /// Least distance from the rover's centre to any zone along the route, m (half the
        /// rover's diagonal plus a margin for navigation error).
        public var clearance: Double

        public init(resolution: Double = 0.5, side: Int = 200, clearance: Double = 1.2) {
            self.resolution = resolution
            self.side = max(8, side)
            self.clearance = clearance
        }
    }

    /// Why no route was found.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case startInKeepOut(distance: Double)
        case goalInKeepOut(distance: Double)
        case outOfRange(distance: Double, limit: Double)
        case noRoute(expanded: Int)
        case tooManyLegs(limit: Int)

        public var description: String {
            switch self {
            case .startInKeepOut(let d): return "route: the start is \(d) m from a keep-out zone, inside the clearance"
            case .goalInKeepOut(let d): return "route: the goal is \(d) m from a keep-out zone, inside the clearance"
            case .outOfRange(let d, let l): return "route: the goal is \(d) m away; the planner's grid reaches \(l) m"
            case .noRoute(let n): return "route: no way around the keep-out zones (\(n) cells searched)"
            case .tooManyLegs(let n): return "route: more than \(n) legs"
            }
        }
    }

    public static let maxWaypoints = 32

    public let configuration: Configuration
    /// The planned legs' end points (the last is the goal).
    public private(set) var waypoints = InlineArray<32, SIMD2<Double>>(repeating: .zero)
    public private(set) var waypointCount = 0
    /// Cells expanded by the last plan.
    public private(set) var expanded = 0

    // Search buffers, one entry per cell.
    private var cost: [Double]
    private var parent: [Int32]
    /// 0 unknown, 1 free, 2 blocked, 3 open, 4 closed.
    private var cellState: [UInt8]
    private var heap: [Int32]
    private var heapCount = 0
    private var path: [Int32]
    private var origin = SIMD2<Double>.zero

    public init(_ configuration: Configuration = .init()) {
        self.configuration = configuration
        let n = configuration.side * configuration.side
        cost = [Double](repeating: .infinity, count: n)
        parent = [Int32](repeating: -1, count: n)
        cellState = [UInt8](repeating: 0, count: n)
        heap = [Int32](repeating: 0, count: n)
        path = [Int32](repeating: 0, count: n)
    }

    /// Farthest goal the grid can reach from the start, m.
    public var reach: Double { Double(configuration.side - 4) * configuration.resolution }

    func centre(_ cell: Int) -> SIMD2<Double> {
        let s = configuration.side, r = configuration.resolution
        return origin + SIMD2(Double(cell % s) + 0.5, Double(cell / s) + 0.5) * r
    }

    func cell(_ p: SIMD2<Double>) -> Int {
        let s = configuration.side
        let q = (p - origin) / configuration.resolution
        let i = min(s - 1, max(0, Int(q.x.rounded(.down)))), j = min(s - 1, max(0, Int(q.y.rounded(.down))))
        return j * s + i
    }

    /// Plans from `start` to `goal` around `map`'s zones and hazards. On success the legs are
    /// in ``waypoints``.
    public mutating func plan(from start: SIMD2<Double>, to goal: SIMD2<Double>, map: KeepOutMap) throws(Failure) {
        let c = configuration
        waypointCount = 0
        expanded = 0
        let ds = map.distance(to: start), dg = map.distance(to: goal)
        if ds < 0 { throw .startInKeepOut(distance: ds) }
        if dg < c.clearance { throw .goalInKeepOut(distance: dg) }
        let span = length2(goal - start)
        guard span <= reach else { throw .outOfRange(distance: span, limit: reach) }
        // Straight line clear: one leg.
        if map.distance(from: start, to: goal) >= c.clearance {
            waypoints[0] = goal
            waypointCount = 1
            return
        }
        let s = c.side, n = s * s
        origin = (start + goal) / 2 - SIMD2(repeating: Double(s) * c.resolution / 2)
        for i in 0..<n {
            cost[i] = .infinity
            parent[i] = -1
            cellState[i] = 0
        }
        heapCount = 0
        let margin = c.clearance + c.resolution * 0.7072
        let startCell = cell(start), goalCell = cell(goal)
        cost[startCell] = 0
        push(startCell, goal: goal)
        cellState[startCell] = 3
        var found = false
        while heapCount > 0 {
            let current = pop()
            if current == goalCell { found = true; break }
            cellState[current] = 4
            expanded += 1
            let ci = current % s, cj = current / s
            for dj in -1...1 {
                for di in -1...1 where di != 0 || dj != 0 {
                    let i = ci + di, j = cj + dj
                    guard i >= 0, i < s, j >= 0, j < s else { continue }
                    let next = j * s + i
                    if cellState[next] == 0 {
                        cellState[next] = map.distance(to: centre(next)) < margin && next != goalCell ? 2 : 1
                    }
                    let state = cellState[next]
                    guard state == 1 || state == 3 else { continue }
                    let step = (di != 0 && dj != 0 ? 1.414_213_562 : 1) * c.resolution
                    let g = cost[current] + step
                    guard g < cost[next] else { continue }
                    cost[next] = g
                    parent[next] = Int32(current)
                    if state == 3 { removeFromHeap(next) }
                    push(next, goal: goal)
                    cellState[next] = 3
                }
            }
        }
        guard found else { throw .noRoute(expanded: expanded) }
        // The cell path, start to goal.
        var length = 0
        var k = goalCell
        while k != startCell, length < n {
            path[length] = Int32(k)
            length += 1
            k = Int(parent[k])
        }
        // Reverse in place.
        var a = 0, b = length - 1
        while a < b {
            path.swapAt(a, b)
            a += 1
            b -= 1
        }
        // Pull tight: from each anchor, the farthest path point in clear sight.
        func point(_ index: Int) -> SIMD2<Double> { index == length - 1 ? goal : centre(Int(path[index])) }
        var anchor = start
        var from = -1
        while from < length - 1 {
            var next = length - 1
            while next > from + 1, map.distance(from: anchor, to: point(next)) < c.clearance { next -= 1 }
            guard waypointCount < Self.maxWaypoints else { throw .tooManyLegs(limit: Self.maxWaypoints) }
            anchor = point(next)
            waypoints[waypointCount] = anchor
            waypointCount += 1
            from = next
        }
    }

    // MARK: Binary heap of open cells, keyed by cost + octile distance to the goal.

    private func key(_ cellIndex: Int, goal: SIMD2<Double>) -> Double {
        let d = centre(cellIndex) - goal
        let ax = abs(d.x), ay = abs(d.y)
        let lo = min(ax, ay), hi = max(ax, ay)
        return cost[cellIndex] + hi + 0.414_213_562 * lo
    }

    private var goalForKeys = SIMD2<Double>.zero

    private mutating func push(_ cellIndex: Int, goal: SIMD2<Double>) {
        goalForKeys = goal
        var i = heapCount
        heap[i] = Int32(cellIndex)
        heapCount += 1
        let k = key(cellIndex, goal: goal)
        while i > 0 {
            let p = (i - 1) / 2
            guard key(Int(heap[p]), goal: goal) > k else { break }
            heap.swapAt(i, p)
            i = p
        }
    }

    private mutating func pop() -> Int {
        let top = Int(heap[0])
        heapCount -= 1
        if heapCount > 0 {
            heap[0] = heap[heapCount]
            siftDown(0)
        }
        return top
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heapCount, key(Int(heap[l]), goal: goalForKeys) < key(Int(heap[m]), goal: goalForKeys) { m = l }
            if r < heapCount, key(Int(heap[r]), goal: goalForKeys) < key(Int(heap[m]), goal: goalForKeys) { m = r }
            guard m != i else { return }
            heap.swapAt(i, m)
            i = m
        }
    }

    /// Removes an open cell whose cost fell (linear search: rare, bounded by the heap size).
    private mutating func removeFromHeap(_ cellIndex: Int) {
        var i = 0
        while i < heapCount, Int(heap[i]) != cellIndex { i += 1 }
        guard i < heapCount else { return }
        heapCount -= 1
        if i < heapCount {
            heap[i] = heap[heapCount]
            siftDown(i)
            // The moved entry may also need to rise.
            var j = i
            while j > 0 {
                let p = (j - 1) / 2
                guard key(Int(heap[p]), goal: goalForKeys) > key(Int(heap[j]), goal: goalForKeys) else { break }
                heap.swapAt(j, p)
                j = p
            }
        }
    }
}
