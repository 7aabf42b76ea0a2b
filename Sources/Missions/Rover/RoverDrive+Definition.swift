public import FlightCore

// RoverDrive's dictionary entries: commands, channels, events and their enum types (see
// RoverDrive.swift and docs/services/rover-drive.md).

extension RoverDrive {
    static let stateType = EnumType(
        "Regolith.DriveState", representation: .u8, constants: DriveState.allCases.map { ("\($0)", Int64($0.rawValue)) })
    static let reasonType = EnumType(
        "Regolith.StopReason", representation: .u8, constants: StopReason.allCases.map { ("\($0)", Int64($0.rawValue)) })
    static let refusalType = EnumType(
        "Regolith.DriveRefusal", representation: .u8,
        constants: [("BAD_ARGUMENT", 0), ("DISTANCE_TOO_LONG", 1), ("ANGLE_TOO_LARGE", 2), ("BAD_TIMEOUT", 3), ("START_IN_KEEP_OUT", 4),
                    ("GOAL_IN_KEEP_OUT", 5), ("GOAL_OUT_OF_RANGE", 6), ("NO_ROUTE", 7), ("TOO_MANY_LEGS", 8), ("KEEP_OUT_FULL", 9),
                    ("BAD_ZONE", 10)])
    static let hazardType = EnumType(
        "Regolith.HazardKind", representation: .u8, constants: [("NONE", 0), ("ROCK", 1), ("CRATER", 2), ("SLOPE", 3)])
    static let commandType = EnumType(
        "Regolith.DriveCommand", representation: .u8, constants: [("ARC", 0), ("TURN", 1), ("GOTO_WAYPOINT", 2)])

    public var definition: ComponentDefinition {
        let timeout = ArgumentDefinition("timeout", .f64, range: 1...86_400, units: "s", summary: "The drive stops with COMMAND_TIMEOUT after this")
        return ComponentDefinition(
            kind: "RoverDrive",
            summary: "Rover drive: ARC, TURN, GOTO_WAYPOINT around keep-out zones, step-and-stop hazard assessment, stops on tilt, slip, over-current, stall, lost ground contact, timeouts, hazards and keep-out zones",
            commands: [
                CommandDefinition(Command.arc.rawValue, "DRIVE_ARC", arguments: [
                    .init("radius", .f64, range: -10_000...10_000, units: "m", summary: "Positive curves right; 0 straight"),
                    .init("distance", .f64, range: -100...100, units: "m", summary: "Negative backwards (not hazard-checked)"),
                    timeout,
                ], summary: "Drive an arc, step by step"),
                CommandDefinition(Command.turn.rawValue, "DRIVE_TURN", arguments: [
                    .init("angle", .f64, range: -360...360, units: "deg", summary: "Positive clockwise"), timeout,
                ], summary: "Turn in place"),
                CommandDefinition(Command.gotoWaypoint.rawValue, "DRIVE_GOTO_WAYPOINT", arguments: [
                    .init("east", .f64, range: -100_000...100_000, units: "m"), .init("north", .f64, range: -100_000...100_000, units: "m"), timeout,
                ], summary: "Drive to a point on the site map around the keep-out zones and the hazards found on the way"),
                CommandDefinition(Command.stop.rawValue, "DRIVE_STOP", summary: "Stop the wheels now"),
                CommandDefinition(Command.setKeepOutCircle.rawValue, "DRIVE_SET_KEEP_OUT_CIRCLE", arguments: [
                    .init("east", .f64, range: -100_000...100_000, units: "m"), .init("north", .f64, range: -100_000...100_000, units: "m"),
                    .init("radius", .f64, range: 0.01...1_000, units: "m"),
                ], summary: "Add a circular keep-out zone"),
                CommandDefinition(Command.setKeepOutBox.rawValue, "DRIVE_SET_KEEP_OUT_BOX", arguments: [
                    .init("east1", .f64, range: -100_000...100_000, units: "m"), .init("north1", .f64, range: -100_000...100_000, units: "m"),
                    .init("east2", .f64, range: -100_000...100_000, units: "m"), .init("north2", .f64, range: -100_000...100_000, units: "m"),
                ], summary: "Add a rectangular keep-out zone between two corners"),
                CommandDefinition(Command.clearKeepOut.rawValue, "DRIVE_CLEAR_KEEP_OUT", summary: "Remove every keep-out zone and found hazard"),
                CommandDefinition(Command.heartbeat.rawValue, "DRIVE_HEARTBEAT", summary: "Contact with the ground (resets the COMM_LOSS timer)"),
            ],
            channels: [
                ChannelDefinition(Channel.state.rawValue, "State", .enumeration(Self.stateType), update: .onChange),
                ChannelDefinition(Channel.stopReason.rawValue, "StopReason", .enumeration(Self.reasonType), update: .onChange),
                ChannelDefinition(Channel.stopWheel.rawValue, "StopWheel", .i32, update: .onChange, summary: "Wheel named by the stop, -1 none"),
                ChannelDefinition(Channel.east.rawValue, "East", .f64, units: "m"),
                ChannelDefinition(Channel.north.rawValue, "North", .f64, units: "m"),
                ChannelDefinition(Channel.heading.rawValue, "Heading", .f64, units: "deg"),
                ChannelDefinition(Channel.tilt.rawValue, "Tilt", .f64, units: "deg"),
                ChannelDefinition(Channel.slip.rawValue, "Slip", .f64, summary: "0...1"),
                ChannelDefinition(Channel.odometer.rawValue, "Odometer", .f64, units: "m"),
                ChannelDefinition(Channel.steps.rawValue, "Steps", .u32, update: .onChange),
                ChannelDefinition(Channel.replans.rawValue, "Replans", .u32, update: .onChange),
                ChannelDefinition(Channel.hazards.rawValue, "HazardsSeen", .u32, update: .onChange),
                ChannelDefinition(Channel.demandLeft.rawValue, "DemandLeft", .f64, units: "m/s"),
                ChannelDefinition(Channel.demandRight.rawValue, "DemandRight", .f64, units: "m/s"),
                ChannelDefinition(Channel.keepOutZones.rawValue, "KeepOutZones", .u32, update: .onChange),
                ChannelDefinition(Channel.completed.rawValue, "Completed", .u32, update: .onChange),
            ],
            events: [
                EventDefinition(Event.started.rawValue, "DriveStarted", .activityHigh, arguments: [.init("command", .enumeration(Self.commandType))], format: "Drive {} started"),
                EventDefinition(Event.completed.rawValue, "DriveCompleted", .activityHigh, arguments: [.init("east", .f64, units: "m"), .init("north", .f64, units: "m")], format: "Drive completed at east {} m, north {} m"),
                EventDefinition(Event.stopped.rawValue, "DriveStopped", .warningHigh, arguments: [
                    .init("reason", .enumeration(Self.reasonType)), .init("wheel", .i32, summary: "The wheel the stop names, -1 none"),
                    .init("value", .f64, summary: "What tripped the stop: tilt (deg), slip (0...1), the wheel's current (A), time without contact (s); NaN none"),
                    .init("limit", .f64, summary: "The limit it crossed, in the same units, or the timeout (s); NaN none"),
                ], format: "Drive stopped: {} (wheel {}): {} against the limit {}"),
                EventDefinition(Event.refused.rawValue, "CommandRefused", .warningLow, arguments: [.init("reason", .enumeration(Self.refusalType))], format: "Drive command refused: {}"),
                EventDefinition(Event.hazardFound.rawValue, "HazardFound", .warningLow, arguments: [.init("kind", .enumeration(Self.hazardType)), .init("east", .f64, units: "m"), .init("north", .f64, units: "m")], format: "Hazard {} at east {} m, north {} m"),
                EventDefinition(Event.keepOutAdded.rawValue, "KeepOutAdded", .activityLow, arguments: [.init("zones", .u32)], format: "Keep-out zone added ({} in force)"),
                EventDefinition(Event.keepOutCleared.rawValue, "KeepOutCleared", .activityLow, format: "Keep-out zones cleared"),
            ])
    }
}
