/// A square grid of heights (`Float`, m) centred on the site, read by bilinear
/// interpolation. Outside the grid it reads 0. Memory: 4 bytes per node; the default
/// 2,048 m at 1 m spacing is 2,049^2 nodes, 16.8 MB.
public struct ElevationGrid: Sendable {
    /// Nodes per side.
    public let count: Int
    /// Spacing between nodes, m.
    public let spacing: Double
    /// Map coordinate of the first node (both axes), m: `-size / 2`.
    public let origin: Double
    var heights: ContiguousArray<Float>

    init(size: Double, spacing: Double) {
        precondition(spacing > 0 && size >= spacing, "grid needs at least one cell")
        count = Int((size / spacing).rounded()) + 1
        self.spacing = spacing
        origin = -Double(count - 1) * spacing / 2
        heights = ContiguousArray(repeating: 0, count: count * count)
    }

    /// Side of the square, m.
    public var size: Double { Double(count - 1) * spacing }

    /// Bytes of height storage.
    public var memoryBytes: Int { heights.count * MemoryLayout<Float>.stride }

    /// Height of node (i east, j north).
    public subscript(i: Int, j: Int) -> Float {
        get { heights[j * count + i] }
        set { heights[j * count + i] = newValue }
    }

    /// Map coordinate of node index `i`.
    @inline(__always) func coordinate(_ i: Int) -> Double { origin + Double(i) * spacing }

    /// Bilinear height at map point (x, y); 0 outside the grid.
    func height(x: Double, y: Double) -> Double {
        let fx = (x - origin) / spacing
        let fy = (y - origin) / spacing
        guard fx >= 0, fy >= 0, fx < Double(count - 1), fy < Double(count - 1) else { return 0 }
        let i = Int(fx)
        let j = Int(fy)
        let tx = fx - Double(i)
        let ty = fy - Double(j)
        return heights.withUnsafeBufferPointer { h in
            let k = j * count + i
            let h00 = Double(h[k]), h10 = Double(h[k + 1])
            let h01 = Double(h[k + count]), h11 = Double(h[k + count + 1])
            return (h00 * (1 - tx) + h10 * tx) * (1 - ty) + (h01 * (1 - tx) + h11 * tx) * ty
        }
    }

    /// Adds `profile(distance)` to every node within `reach` of (cx, cy).
    mutating func add(cx: Double, cy: Double, reach: Double, _ profile: (Double) -> Double) {
        let i0 = max(0, Int(((cx - reach - origin) / spacing).rounded(.down)))
        let i1 = min(count - 1, Int(((cx + reach - origin) / spacing).rounded(.up)))
        let j0 = max(0, Int(((cy - reach - origin) / spacing).rounded(.down)))
        let j1 = min(count - 1, Int(((cy + reach - origin) / spacing).rounded(.up)))
        guard i0 <= i1, j0 <= j1 else { return }
        let n = count
        heights.withUnsafeMutableBufferPointer { h in
            for j in j0...j1 {
                let dy = origin + Double(j) * spacing - cy
                for i in i0...i1 {
                    let dx = origin + Double(i) * spacing - cx
                    let r2 = dx * dx + dy * dy
                    guard r2 < reach * reach else { continue }
                    h[j * n + i] += Float(profile(r2.squareRoot()))
                }
            }
        }
    }

    /// Largest |height difference| between neighbouring nodes over the spacing: the grid's
    /// steepest gradient along an axis.
    func steepestGradient() -> Double {
        var worst: Float = 0
        let n = count
        heights.withUnsafeBufferPointer { h in
            for j in 0..<n {
                for i in 0..<n {
                    let v = h[j * n + i]
                    if i + 1 < n { worst = max(worst, abs(h[j * n + i + 1] - v)) }
                    if j + 1 < n { worst = max(worst, abs(h[(j + 1) * n + i] - v)) }
                }
            }
        }
        return Double(worst) / spacing
    }

    /// Highest node, m.
    func maximum() -> Double { Double(heights.max() ?? 0) }
}
