/// The parameter database (F Prime's PrmDb plus each component's parameter copy): one slot
/// per parameter with its default, its active value and the value staged for the file.
///
/// - `<PARAM>_PRM_SET` (generated per parameter) checks type and range, sets the active
///   value and tells the owning component.
/// - `<PARAM>_PRM_SAVE` stages the active value. `PRM_SAVE_FILE` stages every parameter not
///   yet staged at its active value, then writes all of them to the parameter file
///   atomically; `PRM_LOAD_FILE` reads it back. Both run their file I/O on a worker thread
///   and complete when it finishes, so the executive thread never blocks on a disk.
/// - A file that is wrong in any way is refused whole with a reason (an event and a counter),
///   and the values in force are kept (at start-up: the defaults).
public final class ParameterDatabase: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    /// Where PRM_SAVE_FILE writes and PRM_LOAD_FILE read.
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

    /// The file image buffer, sized for every parameter at build; lent to the worker for I/O.
    private var image = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var seen: [Bool] = []
    private var worker: FileWorker?
    private var inFlight: (pending: PendingCommand?, isSave: Bool, records: Int)?

    public enum Command: UInt32 { case saveFile = 0, loadFile = 1 }
    public enum Channel: UInt32 { case updates = 0, fileSaves = 1, fileLoadFailures = 2, fileSaveFailures = 3 }
    public enum Event: UInt32 { case updated = 0, staged, fileSaved, fileLoaded, fileLoadFailed, fileSaveFailed, setRefused }

    private var updates: UInt32 = 0
    private var fileSaves: UInt32 = 0
    private var fileLoadFailures: UInt32 = 0
    private var fileSaveFailures: UInt32 = 0

    public init(name: String = "prmDb", filePath: String? = nil) {
        self.name = name
        self.filePath = filePath
    }

    deinit {
        worker?.shutdown()
        image.deallocate()
    }

    public var definition: ComponentDefinition {
        let reason = FlightType.enumeration(ParameterFileError.Kind.enumType)
        return ComponentDefinition(
            kind: "ParameterDatabase",
            summary: "Holds every parameter's value, sets them by command, and saves them to and loads them from a CRC-protected file.",
            commands: [
                CommandDefinition(Command.saveFile.rawValue, "PRM_SAVE_FILE", summary: "Write every parameter to the parameter file (staged values, and active values of those never staged)"),
                CommandDefinition(Command.loadFile.rawValue, "PRM_LOAD_FILE", summary: "Load the parameter file; a file wrong in any way is refused whole"),
            ],
            channels: [
                ChannelDefinition(Channel.updates.rawValue, "ParameterUpdates", .u32, update: .onChange, summary: "Parameter values changed by command or file"),
                ChannelDefinition(Channel.fileSaves.rawValue, "FileSaves", .u32, update: .onChange, summary: "Parameter files written"),
                ChannelDefinition(Channel.fileLoadFailures.rawValue, "FileLoadFailures", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Parameter files refused"),
                ChannelDefinition(Channel.fileSaveFailures.rawValue, "FileSaveFailures", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Parameter files that could not be written"),
            ],
            events: [
                EventDefinition(Event.updated.rawValue, "PrmIdUpdated", .activityHigh, arguments: [.init("id", .u32), .init("value", .f64)], format: "Parameter {} set to {}"),
                EventDefinition(Event.staged.rawValue, "PrmIdStaged", .activityLow, arguments: [.init("id", .u32)], format: "Parameter {} staged for the file"),
                EventDefinition(Event.fileSaved.rawValue, "PrmFileSaved", .activityHigh, arguments: [.init("records", .u32)], format: "Parameter file saved with {} records"),
                EventDefinition(Event.fileLoaded.rawValue, "PrmFileLoaded", .activityHigh, arguments: [.init("records", .u32)], format: "Parameter file loaded: {} records"),
                EventDefinition(Event.fileLoadFailed.rawValue, "PrmFileLoadFailed", .warningHigh, arguments: [.init("reason", reason), .init("detail", .i64)], format: "Parameter file refused ({}, detail {}); values in force kept"),
                EventDefinition(Event.fileSaveFailed.rawValue, "PrmFileSaveFailed", .warningHigh, arguments: [.init("reason", reason), .init("detail", .i64)], format: "Parameter file not written ({}, detail {})"),
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

    /// Sizes the file buffers once every parameter is registered and starts the file worker.
    func finishRegistration() {
        image.deallocate()
        image = .allocate(byteCount: max(ParameterFile.maxImageSize(records: slots.count), ParameterFile.maxSize), alignment: 8)
        seen = [Bool](repeating: false, count: slots.count)
        if worker == nil { worker = FileWorker() }
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

    /// Sets a parameter from flight code (the same checks and reports as `_PRM_SET`).
    @discardableResult
    public func set(_ id: ParameterID, to v: FlightValue) -> CommandResponse {
        guard let i = indexByID[id] else { return .validationError }
        return set(slot: i, to: v)
    }

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

    /// Stages every parameter's active value.
    public func stageAll() {
        for i in slots.indices { slots[i].staged = slots[i].active }
    }

    private func stageAllUnstaged() {
        for i in slots.indices where slots[i].staged == nil { slots[i].staged = slots[i].active }
    }

    public func tick(_ context: TickContext) {
        if let outcome = worker?.poll(), let job = inFlight {
            inFlight = nil
            finishFileJob(outcome, job)
        }
        ports.write(Channel.updates, .u32(updates))
        ports.write(Channel.fileSaves, .u32(fileSaves))
        ports.write(Channel.fileLoadFailures, .u32(fileLoadFailures))
        ports.write(Channel.fileSaveFailures, .u32(fileSaveFailures))
    }

    // MARK: File image

    /// Writes the staged values into the image buffer; returns (length, records).
    private func fillImage() -> (Int, Int)? {
        var records = 0
        let n = ParameterFile.encode(into: image) { emit in
            for s in slots {
                if let v = s.staged {
                    emit(s.id, s.type, v)
                    records += 1
                }
            }
        }
        return n.map { ($0, records) }
    }

    /// The parameter file's bytes for the staged values (for tools and tests; allocates its
    /// own buffer, so it is safe while a file job has the shared one).
    public func fileImage() -> [UInt8] {
        ParameterFile.encode(slots.compactMap { s in s.staged.map { (s.id, s.type, $0) } })
    }

    /// Checks an image and applies it whole, or refuses it whole. No allocation.
    private func apply(_ bytes: UnsafeRawBufferPointer) -> Result<Int, ParameterFileError> {
        var records = 0
        let error = ParameterFile.visit(
            bytes, slot: { id in self.indexByID[id].map { ($0, self.slots[$0].type) } }, seen: &seen,
            accepts: { self.accepts($1, slot: $0) }
        ) { i, v in
            slots[i].active = v
            slots[i].staged = v
            records += 1
            slots[i].owner.parameterUpdated(slots[i].localID, to: v)
        }
        if let error { return refuseLoad(error) }
        lastFileError = nil
        updates &+= UInt32(truncatingIfNeeded: records)
        ports.log(Event.fileLoaded, .u32(UInt32(records)))
        return .success(records)
    }

    private func refuseLoad(_ e: ParameterFileError) -> Result<Int, ParameterFileError> {
        lastFileError = e
        fileLoadFailures &+= 1
        ports.log(Event.fileLoadFailed, .enumeration(Int32(e.kind.rawValue)), .i64(e.detail))
        return .failure(e)
    }

    private func refuseSave(_ e: ParameterFileError) -> Result<Int, ParameterFileError> {
        lastFileError = e
        fileSaveFailures &+= 1
        ports.log(Event.fileSaveFailed, .enumeration(Int32(e.kind.rawValue)), .i64(e.detail))
        return .failure(e)
    }

    // MARK: Blocking file operations (start-up and tools, not the executive thread)

    /// Writes every staged value to ``filePath`` now, blocking. For start-up and tools.
    @discardableResult
    public func saveFile() -> Result<Int, ParameterFileError> {
        guard let path = filePath else { return refuseSave(.init(.noFile, detail: 0)) }
        guard inFlight == nil else { return refuseSave(.init(.busy, detail: 0)) }
        guard let (n, records) = fillImage() else { return refuseSave(.init(.tooLarge, detail: 0)) }
        if let code = PosixFile.writeAtomically(path: path, bytes: UnsafeRawBufferPointer(rebasing: image[0..<n])) {
            return refuseSave(.init(.ioError, detail: Int64(code)))
        }
        fileSaves &+= 1
        ports.log(Event.fileSaved, .u32(UInt32(records)))
        return .success(records)
    }

    /// Loads ``filePath`` now, blocking; all or nothing. For start-up and tools.
    @discardableResult
    public func loadFile() -> Result<Int, ParameterFileError> {
        guard let path = filePath else { return refuseLoad(.init(.noFile, detail: 0)) }
        guard inFlight == nil else { return refuseLoad(.init(.busy, detail: 0)) }
        switch PosixFile.read(path: path, into: image) {
        case .failure(let e):
            return refuseLoad(e == .tooLarge ? .init(.tooLarge, detail: Int64(ParameterFile.maxSize)) : .init(.ioError, detail: Int64(e.code)))
        case .success(let n):
            return apply(UnsafeRawBufferPointer(rebasing: image[0..<n]))
        }
    }

    /// Loads a parameter file image given as bytes; all or nothing.
    @discardableResult
    public func load(_ bytes: [UInt8]) -> Result<Int, ParameterFileError> {
        guard inFlight == nil else { return refuseLoad(.init(.busy, detail: 0)) }
        return bytes.withUnsafeBytes { apply($0) }
    }

    // MARK: Commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        guard let kind = Command(rawValue: command.localOpcode) else { return .invalidOpcode }
        let isSave = kind == .saveFile
        let fail = { (e: ParameterFileError) -> CommandResponse in
            _ = isSave ? self.refuseSave(e) : self.refuseLoad(e)
            return e.kind == .busy ? .busy : .executionError
        }
        guard let path = filePath else { return fail(.init(.noFile, detail: 0)) }
        guard let worker, inFlight == nil else { return fail(.init(.busy, detail: 0)) }
        let job: FileWorker.Job
        var records = 0
        if isSave {
            stageAllUnstaged()
            guard let (n, r) = fillImage() else { return fail(.init(.tooLarge, detail: 0)) }
            records = r
            job = .write(path: path, .init(buffer: image, count: n))
        } else {
            job = .read(path: path, .init(buffer: image, count: image.count))
        }
        guard worker.submit(job) else { return fail(.init(.busy, detail: 0)) }
        inFlight = (command.deferCompletion(), isSave, records)
        return .ok
    }

    private func finishFileJob(_ outcome: FileWorker.Outcome, _ job: (pending: PendingCommand?, isSave: Bool, records: Int)) {
        let response: CommandResponse
        switch outcome {
        case .written(let errno):
            if let errno {
                _ = refuseSave(.init(.ioError, detail: Int64(errno)))
                response = .executionError
            } else {
                fileSaves &+= 1
                ports.log(Event.fileSaved, .u32(UInt32(job.records)))
                response = .ok
            }
        case .read(.failure(let e)):
            _ = refuseLoad(e == .tooLarge ? .init(.tooLarge, detail: Int64(ParameterFile.maxSize)) : .init(.ioError, detail: Int64(e.code)))
            response = .executionError
        case .read(.success(let n)):
            switch apply(UnsafeRawBufferPointer(rebasing: image[0..<n])) {
            case .success: response = .ok
            case .failure: response = .executionError
            }
        }
        if let p = job.pending { ports.complete(p, with: response) }
    }

    /// Whether a file command is waiting for the worker.
    public var fileOperationInProgress: Bool { inFlight != nil }
}
