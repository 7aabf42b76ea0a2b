/// The parameter database (F Prime's PrmDb plus each component's parameter copy): one slot
/// per parameter with its default, its active value and the value staged for the file.
///
/// - `<PARAM>_PRM_SET` (generated per parameter) checks type and range, sets the active
///   value and tells the owning component.
/// - `<PARAM>_PRM_SAVE` stages the active value; `PRM_SAVE_FILE` writes every staged value
///   to the parameter file atomically; `PRM_LOAD_FILE` reads it back.
/// - A file that is corrupt in any way is refused whole with a reason, and the values in
///   force are kept (at start-up: the defaults).
public final class ParameterDatabase: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    /// Where PRM_SAVE_FILE writes and PRM_LOAD_FILE reads; nil: commands fail EXECUTION_ERROR.
    public var filePath: String?

    public struct Slot {
        public let id: ParameterID
        public let qualifiedName: String
        public let localID: UInt32
        public let type: FlightType
        public let range: ClosedRange<Double>?
        public let defaultValue: FlightValue
        public internal(set) var active: FlightValue
        public internal(set) var staged: FlightValue?
        unowned let owner: any Component
    }

    public private(set) var slots: ContiguousArray<Slot> = []
    var indexByID: [ParameterID: Int] = [:]
    public private(set) var lastFileError: ParameterFileError?

    public enum Command: UInt32 { case saveFile = 0, loadFile = 1 }
    public enum Channel: UInt32 { case updates = 0, fileSaves = 1, fileLoadFailures = 2 }
    public enum Event: UInt32 { case updated = 0, staged, fileSaved, fileLoaded, fileLoadFailed, fileSaveFailed, setRefused }

    private var updates: UInt32 = 0
    private var fileSaves: UInt32 = 0
    private var fileLoadFailures: UInt32 = 0

    public init(name: String = "prmDb", filePath: String? = nil) {
        self.name = name
        self.filePath = filePath
    }

    public var definition: ComponentDefinition {
        let reason = FlightType.enumeration(ParameterFileError.Kind.enumType)
        return ComponentDefinition(
            kind: "ParameterDatabase",
            summary: "Holds every parameter's value, sets them by command, and saves them to and loads them from a CRC-protected file.",
            commands: [
                CommandDefinition(Command.saveFile.rawValue, "PRM_SAVE_FILE", summary: "Write every staged parameter to the parameter file"),
                CommandDefinition(Command.loadFile.rawValue, "PRM_LOAD_FILE", summary: "Load the parameter file; a corrupt file is refused whole"),
            ],
            channels: [
                ChannelDefinition(Channel.updates.rawValue, "ParameterUpdates", .u32, update: .onChange),
                ChannelDefinition(Channel.fileSaves.rawValue, "FileSaves", .u32, update: .onChange),
                ChannelDefinition(Channel.fileLoadFailures.rawValue, "FileLoadFailures", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1)),
            ],
            events: [
                EventDefinition(Event.updated.rawValue, "PrmIdUpdated", .activityHigh, arguments: [.init("id", .u32), .init("value", .f64)], format: "Parameter {} set to {}"),
                EventDefinition(Event.staged.rawValue, "PrmIdStaged", .activityLow, arguments: [.init("id", .u32)], format: "Parameter {} staged for the file"),
                EventDefinition(Event.fileSaved.rawValue, "PrmFileSaved", .activityHigh, arguments: [.init("records", .u32)], format: "Parameter file saved with {} records"),
                EventDefinition(Event.fileLoaded.rawValue, "PrmFileLoaded", .activityHigh, arguments: [.init("records", .u32)], format: "Parameter file loaded: {} records"),
                EventDefinition(Event.fileLoadFailed.rawValue, "PrmFileLoadFailed", .warningHigh, arguments: [.init("reason", reason), .init("detail", .i64)], format: "Parameter file refused ({}, detail {}); values in force kept"),
                EventDefinition(Event.fileSaveFailed.rawValue, "PrmFileSaveFailed", .warningHigh, arguments: [.init("errno", .i32)], format: "Parameter file could not be written: errno {}"),
                EventDefinition(Event.setRefused.rawValue, "PrmSetRefused", .warningLow, arguments: [.init("id", .u32), .init("value", .f64)], format: "Parameter {} cannot take value {}"),
            ])
    }

    func register(_ params: [ParameterDefinition], owner: any Component, component: String, baseID: UInt32) -> [Int32] {
        var table = [Int32](repeating: -1, count: Int(params.map(\.localID).max().map { $0 + 1 } ?? 0))
        for p in params {
            let id = ParameterID(baseID + p.localID)
            table[Int(p.localID)] = Int32(slots.count)
            indexByID[id] = slots.count
            slots.append(Slot(id: id, qualifiedName: component + "." + p.name, localID: p.localID, type: p.type, range: p.range, defaultValue: p.defaultValue, active: p.defaultValue, staged: nil, owner: owner))
        }
        return table
    }

    func value(slot i: Int) -> FlightValue { slots[i].active }

    public func value(of id: ParameterID) -> FlightValue? { indexByID[id].map { slots[$0].active } }

    public func slotIndex(of id: ParameterID) -> Int? { indexByID[id] }

    /// Whether `v` is acceptable for slot `i`: the right type, finite, in range.
    func accepts(_ v: FlightValue, slot i: Int) -> Bool {
        guard v.isOf(slots[i].type), v.doubleValue.isFinite else { return false }
        if let r = slots[i].range { return r.contains(v.doubleValue) }
        return true
    }

    /// Sets the active value (the dispatcher has already range-checked it against the
    /// generated command's argument; checked again here for callers from code).
    func set(slot i: Int, to v: FlightValue) -> CommandResponse {
        guard accepts(v, slot: i) else {
            ports.log(Event.setRefused, .u32(slots[i].id.rawValue), .f64(v.doubleValue))
            return .validationError
        }
        slots[i].active = v
        updates &+= 1
        ports.log(Event.updated, .u32(slots[i].id.rawValue), .f64(v.doubleValue))
        slots[i].owner.parameterUpdated(slots[i].localID, to: v)
        return .ok
    }

    func stage(slot i: Int) -> CommandResponse {
        slots[i].staged = slots[i].active
        ports.log(Event.staged, .u32(slots[i].id.rawValue))
        return .ok
    }

    /// Stages every parameter's active value (used before a full save from code).
    public func stageAll() {
        for i in slots.indices { slots[i].staged = slots[i].active }
    }

    public func tick(_ context: TickContext) {
        ports.write(Channel.updates, .u32(updates))
        ports.write(Channel.fileSaves, .u32(fileSaves))
        ports.write(Channel.fileLoadFailures, .u32(fileLoadFailures))
    }

    // MARK: File

    /// The parameter file's bytes for the staged values.
    public func fileImage() -> [UInt8] {
        let records = slots.compactMap { s in s.staged.map { (s.id, s.type, $0) } }
        return ParameterFile.encode(records)
    }

    /// Writes the staged values to `filePath` atomically (temporary file, fsync, rename).
    @discardableResult
    public func saveFile() -> Result<Int, ParameterFileError> {
        guard let path = filePath else { return .failure(ParameterFileError(.noFile, detail: 0)) }
        let image = fileImage()
        let count = slots.reduce(0) { $0 + ($1.staged == nil ? 0 : 1) }
        if let code = PosixFile.writeAtomically(path: path, bytes: image) {
            ports.log(Event.fileSaveFailed, .i32(code))
            return .failure(ParameterFileError(.ioError, detail: Int64(code)))
        }
        fileSaves &+= 1
        ports.log(Event.fileSaved, .u32(UInt32(count)))
        return .success(count)
    }

    /// Loads `filePath`. On any error nothing changes and the reason is returned and reported.
    @discardableResult
    public func loadFile() -> Result<Int, ParameterFileError> {
        guard let path = filePath else { return .failure(ParameterFileError(.noFile, detail: 0)) }
        switch PosixFile.read(path: path, limit: ParameterFile.maxSize) {
        case .failure(let e):
            return refuse(e == .tooLarge ? ParameterFileError(.tooLarge, detail: Int64(ParameterFile.maxSize)) : ParameterFileError(.ioError, detail: Int64(e.code)))
        case .success(let bytes):
            return load(bytes)
        }
    }

    /// Loads a parameter file image. All or nothing.
    @discardableResult
    public func load(_ bytes: [UInt8]) -> Result<Int, ParameterFileError> {
        let records: [(ParameterID, FlightValue)]
        switch ParameterFile.decode(bytes, types: { id in self.indexByID[id].map { self.slots[$0].type } }) {
        case .failure(let e): return refuse(e)
        case .success(let r): records = r
        }
        for (id, v) in records where !accepts(v, slot: indexByID[id]!) {
            return refuse(ParameterFileError(.outOfRange, detail: Int64(id.rawValue)))
        }
        for (id, v) in records {
            let i = indexByID[id]!
            slots[i].active = v
            slots[i].staged = v
            slots[i].owner.parameterUpdated(slots[i].localID, to: v)
        }
        lastFileError = nil
        ports.log(Event.fileLoaded, .u32(UInt32(records.count)))
        return .success(records.count)
    }

    private func refuse(_ e: ParameterFileError) -> Result<Int, ParameterFileError> {
        lastFileError = e
        fileLoadFailures &+= 1
        ports.log(Event.fileLoadFailed, .enumeration(Int32(e.kind.rawValue)), .i64(e.detail))
        return .failure(e)
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .saveFile:
            stageAllUnstaged()
            if case .success = saveFile() { return .ok }
            return .executionError
        case .loadFile:
            if case .success = loadFile() { return .ok }
            return .executionError
        case nil: return .invalidOpcode
        }
    }

    /// A parameter never staged is saved at its active value, so a saved file is complete.
    private func stageAllUnstaged() {
        for i in slots.indices where slots[i].staged == nil { slots[i].staged = slots[i].active }
    }
}
