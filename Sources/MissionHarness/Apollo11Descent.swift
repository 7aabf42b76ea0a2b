/// Apollo 11's powered descent from the DSKY register readings (PDI at 102:33:05 GET), as in
/// ACCEPTANCE.md's reference table `apollo11-descent.csv`: the reference the lander descent
/// is plotted beside, and with the Apollo LM vehicle compared to through P63 (the automatic
/// braking phase, up to high gate at 506 s; Armstrong flew the rest by hand).
public enum Apollo11Descent {
    public struct Row: Sendable, Equatable {
        /// Seconds from PDI.
        public var time: Double
        /// Guidance program (P63 braking, P64 approach, P66 rate of descent), or TOUCHDOWN.
        public var program: String
        /// DSKY altitude, m.
        public var altitude: Double
        /// DSKY altitude rate, m/s (negative descending); nil where not recorded.
        public var altitudeRate: Double?
        /// Inertial speed in P63, forward speed in P66, m/s; nil where not recorded.
        public var speed: Double?
    }

    /// The table, row for row.
    public static let rows: [Row] = [
        Row(time: 0, program: "P63", altitude: 15_231, altitudeRate: -0.7, speed: 1_694.6),
        Row(time: 116, program: "P63", altitude: 14_786, altitudeRate: -8.9, speed: 1_414),
        Row(time: 236, program: "P63", altitude: 12_883, altitudeRate: -24.3, speed: 1_019),
        Row(time: 296, program: "P63", altitude: 11_088, altitudeRate: -33.7, speed: 792),
        Row(time: 358, program: "P63", altitude: 8_223, altitudeRate: -38.3, speed: 556),
        Row(time: 416, program: "P63", altitude: 5_975, altitudeRate: -37.8, speed: 366),
        Row(time: 504, program: "P63", altitude: 2_249, altitudeRate: -38.3, speed: 160),
        Row(time: 506, program: "P64", altitude: 2_173, altitudeRate: -38.1, speed: nil),
        Row(time: 536, program: "P64", altitude: 1_225, altitudeRate: -26.8, speed: nil),
        Row(time: 596, program: "P64", altitude: 227, altitudeRate: -7.7, speed: nil),
        Row(time: 616, program: "P66", altitude: 125, altitudeRate: -3.0, speed: 18.4),
        Row(time: 716, program: "P66", altitude: 20, altitudeRate: -0.7, speed: 1.4),
        Row(time: 755, program: "TOUCHDOWN", altitude: 0, altitudeRate: nil, speed: nil),
    ]

    /// The rows of the automatic braking phase after PDI itself (P63, up to high gate), the
    /// ones a closed-loop Apollo LM descent is held to within +-20 % in altitude and altitude
    /// rate (ACCEPTANCE.md; at PDI the rate is -0.7 m/s, where 20 % says nothing).
    public static var braking: [Row] { rows.filter { $0.program == "P63" && $0.time > 0 } }
}
