public import Foundation
import Missions
import Simulator

/// The final report of a rover drive (`regolith mission rover-drive`): what happened against
/// ACCEPTANCE.md's rover figures, as text and as JSON, and the path over the ground as SVG.
public struct RoverReport: Codable, Equatable, Sendable {
    public struct Stop: Codable, Equatable, Sendable {
        public var time: Double
        public var reason: String
        /// The wheel the stop names (0...5), or -1.
        public var wheel: Int
    }

    public var reportVersion = 1
    public var board: String
    public var seed: UInt64
    public var scenario: String?
    public var simulatedSeconds: Double
    public var wallSeconds: Double
    public var distanceDriven: Double
    public var distanceToGoal: Double?
    public var maxSpeedMetresPerHour: Double
    public var keepOutViolations: Int
    public var closestToKeepOut: Double?
    public var finalState: String
    public var stops: [Stop]
    public var sequenceCompleted: Bool
    /// Reached the goal (within 2 m), never entered a keep-out zone, never over 200 m/h.
    public var completed: Bool

    public init(_ m: RoverMission, board: String, wallSeconds: Double) {
        let o = m.outcome
        self.board = board
        seed = m.options.seed
        scenario = m.options.scenario?.name
        simulatedSeconds = m.rig.time
        self.wallSeconds = wallSeconds
        distanceDriven = o.distanceDriven
        distanceToGoal = o.distanceToGoal.isFinite ? o.distanceToGoal : nil
        maxSpeedMetresPerHour = o.maxSpeed * 3600
        keepOutViolations = o.keepOutViolations
        closestToKeepOut = o.closestToKeepOut.isFinite ? o.closestToKeepOut : nil
        finalState = "\(o.finalState)"
        stops = o.stops.map { Stop(time: $0.time, reason: "\($0.reason)", wheel: $0.wheel) }
        sequenceCompleted = m.sequenceCompleted
        completed = (distanceToGoal ?? .infinity) <= 2 && keepOutViolations == 0 && maxSpeedMetresPerHour <= 200
    }

    public var text: String {
        func f(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        var s = "Rover drive: seed \(seed), board \(board)\(scenario.map { ", scenario \($0)" } ?? "")\n"
        s += "  distance driven                     \(f(distanceDriven)) m\n"
        s += "  distance to the goal                \(f(distanceToGoal)) m         <= 2 m          \((distanceToGoal ?? .infinity) <= 2 ? "PASS" : "FAIL")\n"
        s += "  top speed                           \(f(maxSpeedMetresPerHour, 1)) m/h      <= 200 m/h      \(maxSpeedMetresPerHour <= 200 ? "PASS" : "FAIL")\n"
        s += "  keep-out entries                    \(keepOutViolations) (closest \(f(closestToKeepOut)) m)   0     \(keepOutViolations == 0 ? "PASS" : "FAIL")\n"
        s += "  final state                         \(finalState)\n"
        if stops.isEmpty {
            s += "  stops                               none\n"
        } else {
            for st in stops {
                s += "  stop at \(f(st.time, 1)) s: \(st.reason)\(st.wheel >= 0 ? " (wheel \(st.wheel))" : "")\n"
            }
        }
        s += "  drive sequence completed: \(sequenceCompleted ? "yes" : "no")\n"
        s += "  Route completed: \(completed ? "yes" : "no")\n"
        s += String(format: "  %.0f simulated seconds in %.2f s of wall time (%.0fx real time)\n", simulatedSeconds, wallSeconds, simulatedSeconds / max(wallSeconds, 1e-9))
        return s
    }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// The path over the ground (top view, east right, north up), the keep-out zones and the
    /// goal, as SVG.
    public static func pathSVG(_ m: RoverMission, keepOut: [RoverMission.Options.KeepOut], goal: SIMD2<Double>?) -> String {
        let points = m.log.map { SIMD2($0.east, $0.north) }
        var lo = SIMD2<Double>(-10, -5), hi = SIMD2<Double>(10, 55)
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let size = 600.0, margin = 40.0
        let scale = (size - 2 * margin) / max(hi.x - lo.x, hi.y - lo.y)
        func x(_ e: Double) -> Double { margin + (e - lo.x) * scale }
        func y(_ n: Double) -> Double { size - margin - (n - lo.y) * scale }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(Int(margin))\" y=\"20\">Rover path over the ground, seed \(m.options.seed) (east right, north up)</text>\n"
        svg += reliefSVG(m.rig.world.simulation.terrain, lo: lo, span: (size - 2 * margin) / scale, cells: 90, x: x, y: y, cell: scale)
        for k in keepOut {
            switch k {
            case .circle(let e, let n, let r):
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#f4c7c3\" stroke=\"#c0392b\"/>\n", x(e), y(n), r * scale)
            case .box(let e1, let n1, let e2, let n2):
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f4c7c3\" stroke=\"#c0392b\"/>\n",
                              x(min(e1, e2)), y(max(n1, n2)), abs(e2 - e1) * scale, abs(n2 - n1) * scale)
            }
        }
        if let g = goal {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"#27ae60\" stroke-width=\"2\"/>\n", x(g.x), y(g.y))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">goal</text>\n", x(g.x) + 8, y(g.y))
        }
        let line = points.map { String(format: "%.1f,%.1f", x($0.x), y($0.y)) }.joined(separator: " ")
        svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#2c3e50\" stroke-width=\"2\"/>\n"
        if let first = points.first {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2c3e50\"/>\n", x(first.x), y(first.y))
        }
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\">10 m</text><line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n",
                      margin, size - 12, margin, size - 20, margin + 10 * scale, size - 20)
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">ground: shaded relief, lit from the north-west</text>\n", size - margin, size - 12)
        svg += "</svg>\n"
        return svg
    }

    /// The ground as shaded relief: `cells` x `cells` squares over the plotted area, each grey
    /// by how much its surface faces a light from the north-west, 45 deg up (rocks, crater
    /// rims and slopes stand out), over a faint tint of the height.
    static func reliefSVG(
        _ terrain: Terrain, lo: SIMD2<Double>, span: Double, cells: Int,
        x: (Double) -> Double, y: (Double) -> Double, cell scale: Double
    ) -> String {
        let step = span / Double(cells)
        let light = Vector3(-0.5, 0.5, 0.7071)
        var heights: [Double] = []
        heights.reserveCapacity(cells * cells)
        for j in 0..<cells {
            for i in 0..<cells {
                heights.append(terrain.height(x: lo.x + (Double(i) + 0.5) * step, y: lo.y + (Double(j) + 0.5) * step))
            }
        }
        let low = heights.min() ?? 0, high = heights.max() ?? 0
        var out = "<g shape-rendering=\"crispEdges\">\n"
        for j in 0..<cells {
            for i in 0..<cells {
                let e = lo.x + Double(i) * step, n = lo.y + Double(j) * step
                let normal = terrain.normal(x: e + step / 2, y: n + step / 2)
                let lit = max(0, min(1, normal.x * light.x + normal.y * light.y + normal.z * light.z))
                let tint = high > low ? (heights[j * cells + i] - low) / (high - low) : 0.5
                // Level ground mid-grey; a face turned to the light lighter, away darker.
                let grey = Int((200 + 250 * (lit - light.z) + 20 * (tint - 0.5)).rounded())
                let g = max(0, min(255, grey))
                out += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>\n",
                              x(e), y(n + step), step * scale + 0.5, step * scale + 0.5, g, g, g)
            }
        }
        return out + "</g>\n"
    }
}
