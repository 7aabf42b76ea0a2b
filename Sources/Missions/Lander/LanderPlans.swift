/// The shipped descent plans.
public enum LanderPlans {
    /// Apollo 11-like: P63 to high gate (about 2.2 km, 38 m/s down, at about 506 s), P64 to
    /// a hover at 100 m. Targets after Klumpp (1974) and Bennett (NASA TN D-6846), tuned to
    /// the DSKY log in ../shared/reference/apollo11-descent.csv.
    public static let apollo11 = DescentPlan(
        braking: .init(
            target: .init(position: [2_155, 0, -9_850], velocity: [-39.08, 0, 235.59], acceleration: [-0.0916, 0, -3.4637], downRangeJerk: -0.011055),
            endTimeToGo: 6.48, plannedDuration: 510),
        approach: .init(
            target: .init(position: [110, 0, -150], velocity: [-4, 0, 5], acceleration: [0.05, 0, -0.2], downRangeJerk: 0),
            endTimeToGo: 3, plannedDuration: 120),
        // The close look at the LM's scale: its feet are 4.7 m from the centre (twice the
        // Chang'e class's), so the beams' spots (20 deg off the vertical, from 1.5 m above
        // the feet) reach the footprint at 11.4 m and twice it at 24 m.
        closeLookHeight: 24, commitHeight: 11.4, slideSpeed: 1.4)
    public static let apollo11DownRange = 496_687.0

    /// Chang'e-class: braking to about 2 km, approach to a hover at 100 m (the close look from
    /// 12 m to 5 m: the beams' spots from twice the 2.4 m footprint to the footprint). Targets found by
    /// a search (Tests/MissionsTests/DescentTuning.swift) for a 700-800 s descent from a
    /// 15 km perilune with the throttle inside its range.
    public static let changE = DescentPlan(
        braking: .init(
            target: .init(position: [2_393, 0, -7_033], velocity: [-43.38, 0, 132.10], acceleration: [0.6621, 0, -3.0474], downRangeJerk: -0.000400),
            endTimeToGo: 20, plannedDuration: 550),
        approach: .init(
            target: .init(position: [110, 0, -366.7], velocity: [-2.667, 0, 14.49], acceleration: [0.0624, 0, -0.8817], downRangeJerk: 0),
            endTimeToGo: 3, plannedDuration: 120))
    public static let changEDownRange = 577_215.0
}
