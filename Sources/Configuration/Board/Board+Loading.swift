extension Board {
    /// The devices Regolith's missions know, which a board may place. A board need not name
    /// them all (a lander bench has no wheels); a mission checks for the ones it needs.
    public static let knownDevices = [
        "imu", "altimeter", "engine", "attitude", "legs", "power",  // lander
        "wheels", "rover-imu", "hazard",  // rover
    ]

    /// Reads and validates a board file; every problem is reported with its location.
    public static func load(contentsOf path: String, knownDevices: [String] = Board.knownDevices) throws(ConfigurationErrors) -> Board {
        let document: YAMLDocument
        do { document = try YAMLDocument(contentsOf: path) } catch { throw ConfigurationErrors([error]) }
        return try load(document, knownDevices: knownDevices)
    }

    public static func parse(_ text: String, file: String, knownDevices: [String] = Board.knownDevices) throws(ConfigurationErrors) -> Board {
        let document: YAMLDocument
        do { document = try YAMLDocument(text: text, file: file) } catch { throw ConfigurationErrors([error]) }
        return try load(document, knownDevices: knownDevices)
    }

    static func load(_ document: YAMLDocument, knownDevices: [String]) throws(ConfigurationErrors) -> Board {
        var errors: [ConfigurationError] = []
        func collect<T>(_ body: () throws(ConfigurationError) -> T) -> T? {
            do { return try body() } catch { errors.append(error); return nil }
        }
        guard let top = collect({ () throws(ConfigurationError) in
            try document.root.mapping(allowed: ["board", "summary", "simulator", "devices", "ground"])
        }) else { throw ConfigurationErrors(errors) }

        let name = collect { () throws(ConfigurationError) in try top.required("board").string() } ?? ""
        let summary = collect { () throws(ConfigurationError) in try top.optional("summary")?.string() ?? "" } ?? ""
        let simulator = collect { () throws(ConfigurationError) -> SimulatorPlacement in
            let v = try top.required("simulator")
            return SimulatorPlacement(rawValue: try v.choice(SimulatorPlacement.allCases.map(\.rawValue)))!
        } ?? .embedded
        let ground = collect { () throws(ConfigurationError) in try top.optional("ground").map(groundLink) ?? .none } ?? .none

        var devices: [Device] = []
        if let list = collect({ () throws(ConfigurationError) in try top.required("devices").mapping() }) {
            if list.pairs.isEmpty { errors.append(list.owner.error("'devices' names no device")) }
            for (key, keyNode, value) in list.pairs {
                guard knownDevices.contains(key) else {
                    errors.append(keyNode.error(
                        "unknown device '\(key)'\(Suggestion.hint(for: key, in: knownDevices)) (known: \(knownDevices.joined(separator: ", ")))"))
                    continue
                }
                if let t = collect({ () throws(ConfigurationError) in try transport(value, device: key, simulator: simulator) }) {
                    devices.append(Device(name: key, transport: t, line: keyNode.line, column: keyNode.column))
                }
            }
        }
        errors += sharedPathErrors(devices, file: document.file)
        guard errors.isEmpty else { throw ConfigurationErrors(errors) }
        return Board(name: name, summary: summary, simulator: simulator, devices: devices, ground: ground, file: document.file)
    }

    /// A device's transport: `sim`, or a one-transport mapping with its settings.
    static func transport(_ value: YAMLValue, device: String, simulator: SimulatorPlacement) throws(ConfigurationError) -> BoardTransport {
        let kinds = ["serial", "pty", "unix", "can", "slcan", "simbus"]
        if let text = try? value.string() {
            guard text == "sim" else {
                throw value.error(
                    "device '\(device)': transport '\(text)' is not 'sim'; other transports are mappings such as {serial: /dev/ttyUSB0, baud: 921600}\(Suggestion.hint(for: text, in: ["sim"] + kinds))")
            }
            guard simulator == .embedded else {
                throw value.error("device '\(device)' is on 'sim', the in-process simulated link, but the board's simulator is '\(simulator.rawValue)': only 'embedded' has one")
            }
            return .simulated
        }
        let m = try value.mapping(allowed: kinds + ["baud", "bitrate"])
        let present = kinds.filter { m[$0] != nil }
        guard present.count == 1, let kind = present.first else {
            throw value.error(
                present.isEmpty
                    ? "device '\(device)' needs a transport: one of sim, \(kinds.joined(separator: ", "))"
                    : "device '\(device)' names \(present.count) transports (\(present.joined(separator: ", "))); a device sits on one")
        }
        let where_ = try m.required(kind)
        func path() throws(ConfigurationError) -> String {
            let p = try where_.string()
            guard p.hasPrefix("/") else { throw where_.error("device '\(device)': '\(p)' must be an absolute path") }
            return p
        }
        func baud() throws(ConfigurationError) -> Int {
            guard let b = m.optional("baud") else { return 115_200 }
            let v = try b.int()
            guard BoardTransport.baudRates.contains(v) else {
                let near = BoardTransport.baudRates.min { abs($0 - v) < abs($1 - v) }!
                throw b.error("device '\(device)': baud \(v) is not a rate the serial driver can set; nearest is \(near)")
            }
            return v
        }
        if m["baud"] != nil, !["serial", "pty"].contains(kind) {
            throw m["baud"]!.error("device '\(device)': 'baud' applies to serial and pty transports, not '\(kind)'")
        }
        if m["bitrate"] != nil, kind != "slcan" {
            throw m["bitrate"]!.error("device '\(device)': 'bitrate' applies to slcan (a SocketCAN interface's bit rate is set with `ip link`)")
        }
        switch kind {
        case "serial":
            guard simulator != .process else {
                throw value.error("device '\(device)': with a simulator process, serial devices are on 'pty' (the simulator makes the terminal); 'serial' is a real port")
            }
            return .serial(path: try path(), baud: try baud())
        case "pty":
            guard simulator == .process else {
                throw value.error("device '\(device)': 'pty' needs 'simulator: process' (the simulator process creates the terminal)")
            }
            return .pty(path: try path(), baud: try baud())
        case "unix":
            return .unixSocket(path: try path())
        case "simbus":
            guard simulator == .process else {
                throw value.error("device '\(device)': 'simbus' needs 'simulator: process' (the simulator process serves the bus)")
            }
            return .simulatedBus(path: try path())
        case "can":
            let name = try where_.string()
            guard !name.isEmpty, name.utf8.count <= 15, !name.contains("/"), !name.contains(" ") else {
                throw where_.error("device '\(device)': '\(name)' is not a network interface name (1 to 15 characters, no '/' or spaces, e.g. can0)")
            }
            return .socketCAN(interface: name)
        default:  // slcan
            var rate = 500_000
            if let r = m.optional("bitrate") {
                rate = try r.int()
                guard BoardTransport.slcanBitrates.contains(rate) else {
                    throw r.error("device '\(device)': an SLCAN adapter runs at \(BoardTransport.slcanBitrates.map(String.init).joined(separator: ", ")) bit/s, not \(rate)")
                }
            }
            return .slcan(path: try path(), bitrate: rate)
        }
    }

    static func groundLink(_ value: YAMLValue) throws(ConfigurationError) -> GroundLink {
        if let s = try? value.string(), s == "none" { return .none }
        let m = try value.mapping(allowed: ["tcp", "tcp-client", "serial", "baud"])
        func hostPort(_ v: YAMLValue) throws(ConfigurationError) -> (String, Int) {
            let text = try v.string()
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port), colon != text.startIndex
            else { throw v.error("ground: '\(text)' must be host:port with a port 1...65535, e.g. 127.0.0.1:50000") }
            return (String(text[..<colon]), port)
        }
        if let t = m.optional("tcp") { let (h, p) = try hostPort(t); return .tcpListen(host: h, port: p) }
        if let t = m.optional("tcp-client") { let (h, p) = try hostPort(t); return .tcpConnect(host: h, port: p) }
        if let s = m.optional("serial") {
            let path = try s.string()
            let baud = try m.optional("baud")?.int() ?? 115_200
            guard BoardTransport.baudRates.contains(baud) else { throw m["baud"]!.error("ground: baud \(baud) is not a rate the serial driver can set") }
            return .serial(path: path, baud: baud)
        }
        throw value.error("ground: expected none, {tcp: host:port}, {tcp-client: host:port} or {serial: path, baud: N}")
    }

    /// Two devices cannot share one serial port, terminal or byte socket (CAN buses are shared).
    static func sharedPathErrors(_ devices: [Device], file: String) -> [ConfigurationError] {
        var seen: [String: String] = [:]
        var errors: [ConfigurationError] = []
        for d in devices {
            let path: String?
            switch d.transport {
            case .serial(let p, _), .pty(let p, _), .unixSocket(let p), .slcan(let p, _): path = p
            default: path = nil
            }
            guard let path else { continue }
            if let other = seen[path] {
                errors.append(ConfigurationError(
                    file: file, line: d.line, column: d.column,
                    message: "device '\(d.name)' is on \(path), which '\(other)' already uses; a byte stream has one device"))
            } else {
                seen[path] = d.name
            }
        }
        return errors
    }
}
