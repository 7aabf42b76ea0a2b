/// The fault manager's commands, channels (a set per monitor and response) and events.
extension FaultManager {
    public var definition: ComponentDefinition {
        let monitor = ArgumentDefinition("monitor", .enumeration(monitorType))
        let response = ArgumentDefinition("response", .enumeration(responseType))
        let state = FlightType.enumeration(MonitorState.enumType)
        let value = ArgumentDefinition("value", .f64)
        var channels = [
            ChannelDefinition(Channel.monitorsTripped.rawValue, "MonitorsTripped", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Monitors tripped or latched now"),
            ChannelDefinition(Channel.trips.rawValue, "Trips", .u32, update: .onChange, summary: "Monitor trips since start"),
            ChannelDefinition(Channel.responsesFired.rawValue, "ResponsesFired", .u32, update: .onChange, summary: "Fault responses that acted"),
            ChannelDefinition(Channel.responsesSuppressed.rawValue, "ResponsesSuppressed", .u32, update: .onChange, summary: "Responses held back (disabled, mode, limit, cooldown)"),
            ChannelDefinition(Channel.commandsLockedOut.rawValue, "CommandsLockedOut", .u32, update: .onChange, summary: "Commands refused by a mode lock-out"),
            ChannelDefinition(Channel.commandFailures.rawValue, "ResponseCommandFailures", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Response commands that did not complete OK"),
        ]
        for (k, m) in table.monitors.enumerated() {
            let c = Self.monitorChannel(k)
            channels += [
                ChannelDefinition(c, "\(m.name)_State", state, update: .onChange, summary: "State of monitor \(m.name)"),
                ChannelDefinition(c + 1, "\(m.name)_Trips", .u32, update: .onChange, summary: "Trips of monitor \(m.name)"),
                ChannelDefinition(c + 2, "\(m.name)_LastChange", .f64, update: .onChange, units: "s", summary: "Flight time of the last state change of \(m.name)"),
            ]
        }
        for (r, spec) in table.responses.enumerated() {
            channels.append(ChannelDefinition(responseChannel(r), "\(spec.name)_Fired", .u32, update: .onChange, summary: "Firings of response \(spec.name)"))
        }
        let reason = ArgumentDefinition("reason", .enumeration(Suppression.enumType))
        let level = ArgumentDefinition("level", .enumeration(FaultLevel.enumType))
        let busy = EventThrottle(count: 50, window: .seconds(1))
        return ComponentDefinition(
            kind: "FaultManager",
            summary: "Runs the fault table: monitors with persistence and hysteresis, leveled responses, latching, mode lock-outs.",
            commands: [
                CommandDefinition(Command.monitorEnable.rawValue, "MONITOR_ENABLE", arguments: [monitor], summary: "Enable a monitor (it starts NOMINAL)"),
                CommandDefinition(Command.monitorDisable.rawValue, "MONITOR_DISABLE", arguments: [monitor], summary: "Disable a monitor"),
                CommandDefinition(Command.monitorClear.rawValue, "MONITOR_CLEAR", arguments: [monitor], summary: "Clear a tripped or latched monitor back to NOMINAL"),
                CommandDefinition(Command.monitorReport.rawValue, "MONITOR_REPORT", arguments: [monitor], summary: "Report a monitor's state and counts in a MonitorReport event"),
                CommandDefinition(Command.responseEnable.rawValue, "RESPONSE_ENABLE", arguments: [response], summary: "Enable a response"),
                CommandDefinition(Command.responseDisable.rawValue, "RESPONSE_DISABLE", arguments: [response], summary: "Disable a response (its trips are suppressed)"),
                CommandDefinition(Command.responseClear.rawValue, "RESPONSE_CLEAR", arguments: [response], summary: "Reset a response's firing count and cooldown"),
                CommandDefinition(Command.responseReport.rawValue, "RESPONSE_REPORT", arguments: [response], summary: "Report a response's state and counts in a ResponseReport event"),
                CommandDefinition(Command.clearAllLatched.rawValue, "CLEAR_ALL_LATCHED", summary: "Clear every latched monitor"),
            ],
            channels: channels,
            events: [
                EventDefinition(Event.tripped.rawValue, "MonitorTripped", .warningHigh, arguments: [monitor, value], format: "Monitor {} tripped (value {})", throttle: busy),
                EventDefinition(Event.cleared.rawValue, "MonitorCleared", .activityHigh, arguments: [monitor, value], format: "Monitor {} cleared (value {})", throttle: busy),
                EventDefinition(Event.latched.rawValue, "MonitorLatched", .warningLow, arguments: [monitor, value], format: "Monitor {} condition cleared (value {}) but latched: clear it by command", throttle: busy),
                EventDefinition(Event.warning.rawValue, "MonitorWarning", .warningLow, arguments: [monitor, value], format: "Monitor {} in its yellow limit (value {})", throttle: busy),
                EventDefinition(Event.stateChanged.rawValue, "MonitorStateChanged", .activityLow, arguments: [monitor, .init("from", state), .init("to", state)], format: "Monitor {} went from {} to {}", throttle: busy),
                EventDefinition(Event.responseFired.rawValue, "ResponseFired", .warningHigh, arguments: [response, monitor, level], format: "Fault response {} fired for monitor {} at level {}", throttle: busy),
                EventDefinition(Event.responseSuppressed.rawValue, "ResponseSuppressed", .warningLow, arguments: [response, reason], format: "Fault response {} held back: {}", throttle: busy),
                EventDefinition(Event.responseCommandFailed.rawValue, "ResponseCommandFailed", .warningHigh, arguments: [.init("opCode", .u32), .init("error", .enumeration(CommandResponse.enumType))], format: "Fault response command {} failed: {}", throttle: busy),
                EventDefinition(Event.responseCleared.rawValue, "ResponseCleared", .activityHigh, arguments: [response], format: "Fault response {} reset"),
                EventDefinition(Event.alarmFatal.rawValue, "FaultAlarmFatal", .fatal, arguments: [response, monitor], format: "FAULT ALARM from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmWarningHigh.rawValue, "FaultAlarmWarningHi", .warningHigh, arguments: [response, monitor], format: "Fault alarm from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmWarningLow.rawValue, "FaultAlarmWarningLo", .warningLow, arguments: [response, monitor], format: "Fault alarm from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmActivity.rawValue, "FaultAlarmActivity", .activityHigh, arguments: [response, monitor], format: "Fault notice from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.lockedOut.rawValue, "CommandLockedOut", .warningHigh, arguments: [.init("opCode", .u32), .init("mode", .i32)], format: "Command {} refused: locked out in mode {}", throttle: busy),
                EventDefinition(Event.monitorReport.rawValue, "MonitorReport", .activityHigh, arguments: [monitor, .init("state", state), .init("trips", .u32), .init("enabled", .bool), .init("lastChange", .f64, units: "s")], format: "Monitor {}: {}, {} trips, enabled {}, last change at {} s"),
                EventDefinition(Event.responseReport.rawValue, "ResponseReport", .activityHigh, arguments: [response, .init("enabled", .bool), .init("firings", .u32), .init("suppressed", .u32), .init("lastFired", .f64, units: "s")], format: "Response {}: enabled {}, {} firings, {} suppressed, last fired at {} s"),
                EventDefinition(Event.responseStateChanged.rawValue, "ResponseEnabled", .activityHigh, arguments: [response, .init("enabled", .bool)], format: "Fault response {} enabled: {}"),
            ])
    }
}
