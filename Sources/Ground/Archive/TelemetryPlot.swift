import Foundation

/// An SVG line plot of channels over flight time, written by hand: one polyline per channel
/// (its own colour), axes with tick labels, a legend. Channels share the y axis.
public struct TelemetryPlot {
    public struct Series: Sendable {
        public var name: String
        public var points: [(t: Double, v: Double)]
        public init(name: String, points: [(t: Double, v: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var series: [Series]
    public var width = 900.0
    public var height = 480.0

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// The SVG document.
    public var svg: String {
        let all = series.flatMap(\.points).filter { $0.t.isFinite && $0.v.isFinite }
        var (t0, t1) = (all.map(\.t).min() ?? 0, all.map(\.t).max() ?? 1)
        var (v0, v1) = (all.map(\.v).min() ?? 0, all.map(\.v).max() ?? 1)
        if t1 <= t0 { t1 = t0 + 1 }
        if v1 <= v0 {
            v0 -= 1
            v1 += 1
        }
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 50.0 + 18.0 * Double(series.count))
        let pw = width - left - right, ph = height - top - bottom
        func x(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * pw }
        func y(_ v: Double) -> Double { top + ph - (v - v0) / (v1 - v0) * ph }
        func f(_ d: Double) -> String { String(format: "%.2f", d) }
        func label(_ d: Double) -> String { String(format: "%.6g", d) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(esc(title))</text>
            <rect x="\(f(left))" y="\(f(top))" width="\(f(pw))" height="\(f(ph))" fill="none" stroke="#444"/>

            """
        for k in 0...5 {
            let tv = t0 + (t1 - t0) * Double(k) / 5, vv = v0 + (v1 - v0) * Double(k) / 5
            s += "<line x1=\"\(f(x(tv)))\" y1=\"\(f(top))\" x2=\"\(f(x(tv)))\" y2=\"\(f(top + ph))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(x(tv)))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\">\(label(tv))</text>\n"
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(vv)))\" x2=\"\(f(left + pw))\" y2=\"\(f(y(vv)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(vv) + 4))\" text-anchor=\"end\">\(label(vv))</text>\n"
        }
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(top + ph + 34))\" text-anchor=\"middle\">flight time (s)</text>\n"
        for (i, ser) in series.enumerated() {
            let color = Self.colors[i % Self.colors.count]
            let pts = ser.points.filter { $0.t.isFinite && $0.v.isFinite }.map { "\(f(x($0.t))),\(f(y($0.v)))" }.joined(separator: " ")
            if !pts.isEmpty {
                s += "<polyline class=\"series\" data-channel=\"\(esc(ser.name))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(pts)\"/>\n"
            }
            let ly = top + ph + 48 + 18 * Double(i)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + 24))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            s += "<text x=\"\(f(left + 30))\" y=\"\(f(ly))\">\(esc(ser.name)) (\(ser.points.count) samples)</text>\n"
        }
        return s + "</svg>\n"
    }
}
