import Foundation
import Ground
import MissionHarness

/// The plots of `regolith mission --plots DIR`: SVG written by Ground's `TelemetryPlot`, and a
/// PNG beside each when a converter (rsvg-convert, or ImageMagick's convert) is on the PATH.
enum MissionPlots {
    /// Writes the lander descent's plots; returns what was written (one line per file).
    static func writeLander(_ m: LanderMission, into directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MissionCLIError("\(directory): cannot create the plot directory: \(error.localizedDescription)")
        }
        // Time from PDI, the Apollo 11 readings' origin.
        let pdi = m.pdiTime ?? m.options.startAt
        let log = m.log.filter { $0.time >= pdi }
        func series(_ name: String, _ value: (LanderMission.Record) -> Double) -> TelemetryPlot.Series {
            .init(name: name, points: log.map { ($0.time - pdi, value($0)) })
        }
        let dsky = Apollo11Descent.rows
        func reference(_ name: String, _ value: (Apollo11Descent.Row) -> Double?) -> TelemetryPlot.Series {
            .init(name: name, points: dsky.compactMap { r in value(r).map { (r.time, $0) } }, style: .markers)
        }
        let vehicle = m.options.vehicle == .apolloLM ? "Apollo LM" : "Chang'e-class lander"
        let note = m.options.vehicle == .apolloLM ? "" : " (reference)"
        var plots: [(String, TelemetryPlot)] = []
        let siteHeight = m.siteHeight
        var altitude = TelemetryPlot(title: "Altitude: \(vehicle), seed \(m.options.seed)", series: [
            series("altitude above the landing site's level, as the DSKY's (truth)") { $0.sphereAltitude - siteHeight },
            series("altitude above the terrain below (truth)") { $0.altitude },
            series("altitude (flight software's navigation)") { $0.navAltitude },
            reference("Apollo 11 DSKY altitude\(note)") { $0.altitude },
        ])
        altitude.yLabel = "altitude (m)"
        plots.append(("altitude", altitude))
        var rate = TelemetryPlot(title: "Altitude rate: \(vehicle), seed \(m.options.seed)", series: [
            series("altitude rate (truth)") { $0.verticalSpeed },
            reference("Apollo 11 DSKY altitude rate\(note)") { $0.altitudeRate },
        ])
        rate.yLabel = "altitude rate (m/s)"
        plots.append(("altitude-rate", rate))
        var speeds = TelemetryPlot(title: "Speeds: \(vehicle), seed \(m.options.seed)", series: [
            series("vertical speed, positive up (truth)") { $0.verticalSpeed },
            series("horizontal speed (truth)") { $0.horizontalSpeed },
            reference("Apollo 11 DSKY speed\(note)") { $0.speed },
        ])
        speeds.yLabel = "speed (m/s)"
        plots.append(("speeds", speeds))
        for i in plots.indices { plots[i].1.xLabel = "time from PDI (s)" }

        let converter = Converter.find()
        var written: [String] = []
        for (name, plot) in plots {
            let svg = (directory as NSString).appendingPathComponent("\(name).svg")
            do {
                try Data(plot.svg.utf8).write(to: URL(fileURLWithPath: svg))
            } catch {
                throw MissionCLIError("\(svg): cannot write the plot: \(error.localizedDescription)")
            }
            var line = svg
            if let converter {
                let png = (directory as NSString).appendingPathComponent("\(name).png")
                line += converter.convert(svg, to: png) ? " and \(png)" : " (\(converter.name) could not make a PNG)"
            }
            written.append(line)
        }
        if converter == nil { written.append("(no PNG: neither rsvg-convert nor ImageMagick's convert is installed)") }
        return written
    }

    /// An SVG-to-PNG converter found on the PATH at run time.
    struct Converter {
        var name: String
        var path: String

        static func find() -> Converter? {
            let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            for name in ["rsvg-convert", "convert"] {
                for d in dirs {
                    let p = "\(d)/\(name)"
                    if FileManager.default.isExecutableFile(atPath: p) { return Converter(name: name, path: p) }
                }
            }
            return nil
        }

        /// Runs the converter; false when it fails (a PNG is never required).
        func convert(_ svg: String, to png: String) -> Bool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = name == "rsvg-convert" ? ["-o", png, svg] : [svg, png]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return false }
            p.waitUntilExit()
            return p.terminationStatus == 0 && FileManager.default.fileExists(atPath: png)
        }
    }
}
