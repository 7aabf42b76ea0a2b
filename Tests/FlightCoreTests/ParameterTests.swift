#if canImport(Glibc)
    import Glibc
#endif
import FlightCore
import Testing

/// Parameter ids of the `Tunable` probe at base 0x3000.
enum TunableID {
    static let gain = ParameterID(0x3000), count = ParameterID(0x3001), enabled = ParameterID(0x3002), mode = ParameterID(0x3003)
    static let armWindow = ParameterID(0x0100), completionTimeout = ParameterID(0x0101)
}

/// CRC-32C appended big-endian to `body`: a file image that passes the CRC check.
func sealed(_ body: [UInt8]) -> [UInt8] { body + be(CRC32C.checksum(body)) }
/// A file image without its CRC.
func unsealed(_ image: [UInt8]) -> [UInt8] { Array(image.dropLast(4)) }

/// A parameter file that must be refused whole, and why.
struct CorruptFile: Sendable, CustomTestStringConvertible {
    let label: String
    /// nil: no file at the path.
    let content: [UInt8]?
    let expected: ParameterFileError
    var testDescription: String { label }

    static let good: [(ParameterID, FlightType, FlightValue)] = [(TunableID.gain, .f64, .f64(5)), (TunableID.count, .u16, .u16(9))]
    static var goodImage: [UInt8] { ParameterFile.encode(good) }

    static let all: [CorruptFile] = {
        let image = goodImage
        var flipped = image
        flipped[12] ^= 0x10
        var badMagic = image
        badMagic[0] = UInt8(ascii: "X")
        var version2 = image
        version2[4] = 2
        var flagged = unsealed(image)
        flagged[5] = 0x7F
        var moreRecordsClaimed = unsealed(image)
        moreRecordsClaimed[7] = 3
        var badBool = unsealed(ParameterFile.encode(good + [(TunableID.enabled, .bool, .bool(true))]))
        badBool[badBool.count - 1] = 0x01
        let mode = FlightType.enumeration(Fixture.mode)
        return [
            CorruptFile(label: "empty", content: [], expected: .init(.truncated, detail: 0)),
            CorruptFile(label: "truncated header", content: Array(image[0..<10]), expected: .init(.truncated, detail: 10)),
            CorruptFile(label: "truncated: fewer records than counted", content: sealed(moreRecordsClaimed), expected: .init(.truncated, detail: 30)),
            CorruptFile(label: "bad magic", content: badMagic, expected: .init(.badMagic, detail: 0)),
            CorruptFile(label: "wrong version", content: version2, expected: .init(.unsupportedVersion, detail: 2)),
            CorruptFile(label: "non-zero flags", content: sealed(flagged), expected: .init(.badFlags, detail: 0x7F)),
            CorruptFile(label: "flipped bit", content: flipped, expected: .init(.crcMismatch, detail: Int64(CRC32C.checksum(unsealed(image))))),
            CorruptFile(label: "unknown id", content: ParameterFile.encode(good + [(ParameterID(0x3999), .u8, .u8(1))]), expected: .init(.unknownParameter, detail: 0x3999)),
            CorruptFile(label: "type mismatch", content: ParameterFile.encode([good[0], (TunableID.count, .u32, .u32(9))]), expected: .init(.typeMismatch, detail: 0x3001)),
            CorruptFile(label: "duplicate id", content: ParameterFile.encode(good + [(TunableID.gain, .f64, .f64(6))]), expected: .init(.duplicate, detail: 0x3000)),
            CorruptFile(label: "value out of range", content: ParameterFile.encode([good[0], (TunableID.count, .u16, .u16(5000))]), expected: .init(.outOfRange, detail: 0x3001)),
            CorruptFile(label: "NaN value", content: ParameterFile.encode([good[1], (TunableID.gain, .f64, .f64(.nan))]), expected: .init(.outOfRange, detail: 0x3000)),
            CorruptFile(label: "invalid bool byte", content: sealed(badBool), expected: .init(.outOfRange, detail: 0x3002)),
            CorruptFile(label: "unknown enum constant", content: ParameterFile.encode(good + [(TunableID.mode, mode, .enumeration(2))]), expected: .init(.outOfRange, detail: 0x3003)),
            CorruptFile(label: "trailing bytes", content: sealed(unsealed(image) + [1, 2, 3]), expected: .init(.trailingBytes, detail: 3)),
            CorruptFile(label: "too large", content: [UInt8](repeating: 0x55, count: 70_000), expected: .init(.tooLarge, detail: Int64(ParameterFile.maxSize))),
            CorruptFile(label: "missing file", content: nil, expected: .init(.ioError, detail: Int64(ENOENT))),
        ]
    }()
}

@Suite struct ParameterTests {
    func tunable(file: String? = nil) throws -> (Topology, Probe) {
        let p = Probe("tunable", Fixture.tunable)
        return (try makeTopology([(p, 0x3000)], parameterFile: file), p)
    }

    @Test func generatedCommandsFollowTheHighestOpcode() throws {
        let (t, _) = try tunable()
        #expect(try t.op("tunable.PING") == Opcode(0x3000))
        #expect(try t.op("tunable.GAIN_PRM_SET") == Opcode(0x3001))
        #expect(try t.op("tunable.GAIN_PRM_SAVE") == Opcode(0x3002))
        #expect(try t.op("tunable.MODE_PRM_SET") == Opcode(0x3007))
        #expect(try t.op("tunable.MODE_PRM_SAVE") == Opcode(0x3008))
        #expect(Fixture.tunable.parameterCommandOpcodes.map { [$0.set, $0.save] } == [[1, 2], [3, 4], [5, 6], [7, 8]])
    }

    @Test func defaultsAreInForceAtStart() throws {
        let (t, p) = try tunable()
        #expect(t.parameters.value(of: TunableID.gain) == .f64(1))
        #expect(t.parameters.value(of: TunableID.count) == .u16(7))
        #expect(t.parameters.value(of: TunableID.enabled) == .bool(false))
        #expect(t.parameters.value(of: TunableID.mode) == .enumeration(1))
        #expect(t.parameters.value(of: ParameterID(0x3999)) == nil)
        #expect(p.ports.parameter(1) == .u16(7))
        #expect(p.parameterChanges.isEmpty)
    }

    @Test func prmSetByCommandUpdatesAndTellsTheOwner() throws {
        let (t, p) = try tunable()
        var cursor = t.eventCursor
        #expect(try t.send("tunable.GAIN_PRM_SET", be(50.0)) == .ok)
        #expect(t.parameters.value(of: TunableID.gain) == .f64(50))
        #expect(p.ports.parameter(0) == .f64(50))
        #expect(p.parameterChanges == [.init(localID: 0, value: .f64(50))])
        let records = t.newEvents(since: &cursor)
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.OpCodeDispatched", "prmDb.PrmIdUpdated", "cmdDisp.OpCodeCompleted"])
        #expect(records[1].arguments.values == [.u32(0x3000), .f64(50)])
        #expect(p.handled.isEmpty)  // _PRM_SET goes to the database, not the component's handler

        #expect(try t.send("tunable.ENABLED_PRM_SET", [0xFF]) == .ok)
        #expect(try t.send("tunable.MODE_PRM_SET", [5]) == .ok)
        #expect(try t.send("tunable.COUNT_PRM_SET", be(UInt16(1000))) == .ok)
        #expect(p.parameterChanges.map(\.localID) == [0, 2, 3, 1])
        #expect(t.parameters.value(of: TunableID.enabled) == .bool(true))
        #expect(t.parameters.value(of: TunableID.mode) == .enumeration(5))
        #expect(t.parameters.value(of: TunableID.count) == .u16(1000))
        t.lockstep().step(10)
        #expect(try t.latest("prmDb.ParameterUpdates") == .u32(4))
    }

    struct BadSet: Sendable, CustomTestStringConvertible {
        let mnemonic: String
        let bytes: [UInt8]
        let response: CommandResponse
        var testDescription: String { "\(mnemonic) \(bytes)" }
    }

    @Test(arguments: [
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(100.5), response: .validationError),
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(-0.1), response: .validationError),
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(Double.nan), response: .validationError),
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(-Double.infinity), response: .validationError),
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(5.0) + [0], response: .formatError),
        BadSet(mnemonic: "GAIN_PRM_SET", bytes: be(Float(5)), response: .formatError),
        BadSet(mnemonic: "COUNT_PRM_SET", bytes: be(UInt16(0)), response: .validationError),
        BadSet(mnemonic: "COUNT_PRM_SET", bytes: [3], response: .formatError),
        BadSet(mnemonic: "ENABLED_PRM_SET", bytes: [0x01], response: .formatError),
        BadSet(mnemonic: "MODE_PRM_SET", bytes: [2], response: .validationError),
        BadSet(mnemonic: "GAIN_PRM_SAVE", bytes: [0], response: .formatError),
    ])
    func prmSetRefusesBadValuesAndKeepsTheOldOne(_ c: BadSet) throws {
        let (t, p) = try tunable()
        var cursor = t.eventCursor
        #expect(try t.send("tunable.\(c.mnemonic)", c.bytes) == c.response)
        #expect(t.parameters.value(of: TunableID.gain) == .f64(1))
        #expect(t.parameters.value(of: TunableID.count) == .u16(7))
        #expect(t.parameters.value(of: TunableID.enabled) == .bool(false))
        #expect(t.parameters.value(of: TunableID.mode) == .enumeration(1))
        #expect(p.parameterChanges.isEmpty)
        let names = t.newEventNames(since: &cursor)
        #expect(!names.contains("prmDb.PrmIdUpdated"))
        #expect(names.last == "cmdDisp.OpCodeError")
        #expect(t.dispatcher.count(of: c.response) == 1)
    }

    @Test func saveToFileAndReloadRestoresValues() throws {
        let path = temporaryPath("save")
        defer { removeFile(path) }
        let (t, p) = try tunable(file: path)
        #expect(try t.send("tunable.GAIN_PRM_SET", be(50.0)) == .ok)
        var cursor = t.eventCursor
        #expect(try t.send("tunable.GAIN_PRM_SAVE") == .ok)
        #expect(t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "prmDb.PrmIdStaged" }.map { $0.arguments.values } == [[.u32(0x3000)]])
        // Changed after staging: the staged 50 is what the file gets.
        #expect(try t.send("tunable.GAIN_PRM_SET", be(60.0)) == .ok)
        #expect(try t.send("tunable.COUNT_PRM_SET", be(UInt16(123))) == .ok)
        #expect(try t.send("tunable.MODE_PRM_SET", [5]) == .ok)
        #expect(try t.send("prmDb.PRM_SAVE_FILE") == .ok)
        #expect(t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "prmDb.PrmFileSaved" }.map { $0.arguments.values } == [[.u32(6)]])
        #expect(access(path + ".tmp", F_OK) != 0)  // the temporary file was renamed over

        let bytes = try readFile(path)
        let types: [ParameterID: FlightType] = [TunableID.armWindow: .f64, TunableID.completionTimeout: .f64, TunableID.gain: .f64, TunableID.count: .u16, TunableID.enabled: .bool, TunableID.mode: .enumeration(Fixture.mode)]
        let decoded = try ParameterFile.decode(bytes, types: { types[$0] }).get()
        #expect(decoded.map(\.0) == [TunableID.armWindow, TunableID.completionTimeout, TunableID.gain, TunableID.count, TunableID.enabled, TunableID.mode])
        #expect(decoded.map(\.1) == [.f64(10), .f64(30), .f64(50), .u16(123), .bool(false), .enumeration(5)])

        // Reload in the same topology.
        #expect(try t.send("tunable.GAIN_PRM_SET", be(70.0)) == .ok)
        let changesBefore = p.parameterChanges.count
        #expect(try t.send("prmDb.PRM_LOAD_FILE") == .ok)
        #expect(t.parameters.value(of: TunableID.gain) == .f64(50))
        #expect(p.parameterChanges.dropFirst(changesBefore).map(\.localID) == [0, 1, 2, 3])
        #expect(p.parameterChanges.last == .init(localID: 3, value: .enumeration(5)))
        #expect(try t.records("prmDb.PrmFileLoaded").map { $0.arguments.values } == [[.u32(6)]])
        t.lockstep().step(10)
        #expect(try t.latest("prmDb.FileSaves") == .u32(1))
        #expect(try t.latest("prmDb.FileLoadFailures") == .u32(0))

        // And in a fresh topology, which loads the file at build.
        let (fresh, freshProbe) = try tunable(file: path)
        #expect(try fresh.parameterLoad?.get() == 6)
        #expect(fresh.parameters.value(of: TunableID.gain) == .f64(50))
        #expect(try fresh.send("prmDb.PRM_LOAD_FILE") == .ok)
        #expect(fresh.parameters.value(of: TunableID.gain) == .f64(50))
        #expect(fresh.parameters.value(of: TunableID.count) == .u16(123))
        #expect(fresh.parameters.value(of: TunableID.mode) == .enumeration(5))
        #expect(freshProbe.ports.parameter(3) == .enumeration(5))
        #expect(fresh.parameters.lastFileError == nil)
    }

    @Test(arguments: CorruptFile.all)
    func corruptFileIsRefusedWholeAndValuesKept(_ c: CorruptFile) throws {
        let path = temporaryPath("corrupt")
        defer { removeFile(path) }
        if let content = c.content { try writeFile(path, content) }
        let (t, p) = try tunable(file: path)
        // build() loads an existing parameter file at start-up: a bad one is refused there too.
        let refusedAtBuild: UInt32 = c.content == nil ? 0 : 1
        if c.content == nil {
            #expect(t.parameterLoad == nil)
        } else {
            #expect(throws: c.expected) { try t.parameterLoad?.get() }
        }
        #expect(try t.send("tunable.GAIN_PRM_SET", be(42.0)) == .ok)
        var cursor = t.eventCursor

        #expect(try t.send("prmDb.PRM_LOAD_FILE") == .executionError)

        #expect(t.parameters.lastFileError == c.expected)
        #expect(t.parameters.value(of: TunableID.gain) == .f64(42))
        #expect(t.parameters.value(of: TunableID.count) == .u16(7))
        #expect(t.parameters.value(of: TunableID.enabled) == .bool(false))
        #expect(t.parameters.value(of: TunableID.mode) == .enumeration(1))
        #expect(t.parameters.value(of: TunableID.armWindow) == .f64(10))
        #expect(p.parameterChanges == [.init(localID: 0, value: .f64(42))])
        // (The failure counter crossing its yellow limit adds tlmChan limit events; not the subject here.)
        let records = t.newEvents(since: &cursor).filter { !t.qualifiedName(of: $0).hasPrefix("tlmChan.") }
        #expect(records.map(t.qualifiedName(of:)) == ["cmdDisp.OpCodeDispatched", "prmDb.PrmFileLoadFailed", "cmdDisp.OpCodeError"])
        #expect(records[1].arguments.values == [.enumeration(Int32(c.expected.kind.rawValue)), .i64(c.expected.detail)])
        #expect(records[1].severity == .warningHigh)
        t.lockstep().step(10)
        #expect(try t.latest("prmDb.FileLoadFailures") == .u32(refusedAtBuild + 1))
    }

    @Test(arguments: CorruptFile.all.filter { $0.content != nil && $0.expected.kind != .tooLarge })
    func loadOfACorruptImageFails(_ c: CorruptFile) throws {
        let (t, _) = try tunable()
        #expect(throws: c.expected) { try t.parameters.load(c.content!).get() }
        #expect(t.parameters.value(of: TunableID.gain) == .f64(1))
    }

    @Test func oversizedImageIsRefusedWithItsSize() throws {
        let (t, _) = try tunable()
        let big = [UInt8](repeating: 0, count: ParameterFile.maxSize + 1)
        #expect(throws: ParameterFileError(.tooLarge, detail: Int64(big.count))) { try t.parameters.load(big).get() }
    }

    @Test func goodImageLoadsEveryRecord() throws {
        let (t, p) = try tunable()
        #expect(try t.parameters.load(CorruptFile.goodImage).get() == 2)
        #expect(t.parameters.value(of: TunableID.gain) == .f64(5))
        #expect(t.parameters.value(of: TunableID.count) == .u16(9))
        #expect(p.parameterChanges == [.init(localID: 0, value: .f64(5)), .init(localID: 1, value: .u16(9))])
    }

    @Test func withoutAFilePathFileCommandsFail() throws {
        let (t, _) = try tunable()
        #expect(try t.send("prmDb.PRM_LOAD_FILE") == .executionError)
        #expect(try t.send("prmDb.PRM_SAVE_FILE") == .executionError)
        #expect(throws: ParameterFileError(.noFile, detail: 0)) { try t.parameters.loadFile().get() }
    }

    @Test func directoryAsTheFileIsRefusedWithItsErrno() throws {
        let (t, _) = try tunable(file: "/tmp")
        #expect(try t.send("prmDb.PRM_LOAD_FILE") == .executionError)
        #expect(t.parameters.lastFileError == ParameterFileError(.ioError, detail: Int64(EISDIR)))
        #expect(t.parameters.value(of: TunableID.gain) == .f64(1))
    }

    @Test func saveIntoAMissingDirectoryFailsWithErrno() throws {
        let (t, _) = try tunable(file: temporaryPath("nodir") + "/params.prm")
        var cursor = t.eventCursor
        #expect(try t.send("prmDb.PRM_SAVE_FILE") == .executionError)
        let failed = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "prmDb.PrmFileSaveFailed" }
        #expect(failed.map { $0.arguments.values } == [[.enumeration(Int32(ParameterFileError.Kind.ioError.rawValue)), .i64(Int64(ENOENT))]])
        #expect(throws: ParameterFileError(.ioError, detail: Int64(ENOENT))) { try t.parameters.saveFile().get() }
    }

    @Test func fileImageHoldsOnlyStagedValues() throws {
        let (t, _) = try tunable()
        let empty = t.parameters.fileImage()
        #expect(empty == sealed(Array("RGPF".utf8) + [1, 0, 0, 0]))
        #expect(try t.parameters.load(empty).get() == 0)
        #expect(try t.send("tunable.COUNT_PRM_SET", be(UInt16(99))) == .ok)
        #expect(try t.send("tunable.COUNT_PRM_SAVE") == .ok)
        #expect(t.parameters.fileImage() == ParameterFile.encode([(TunableID.count, .u16, .u16(99))]))
        t.parameters.stageAll()
        let all = try ParameterFile.decode(t.parameters.fileImage(), types: { id in t.parameters.slotIndex(of: id).map { t.parameters.slots[$0].type } }).get()
        #expect(all.map(\.0) == [TunableID.armWindow, TunableID.completionTimeout, TunableID.gain, TunableID.count, TunableID.enabled, TunableID.mode])
    }

    @Test func fileLayoutIsBigEndianWithATrailingCRC() {
        let image = ParameterFile.encode([(ParameterID(0x0102_0304), .u16, .u16(0xBEEF)), (ParameterID(9), .bool, .bool(true))])
        let body: [UInt8] = Array("RGPF".utf8) + [1, 0, 0, 2] + [1, 2, 3, 4, 2, 2, 0xBE, 0xEF] + [0, 0, 0, 9, 11, 1, 0xFF]
        #expect(image == body + be(CRC32C.checksum(body)))
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(ParameterFileError(.badMagic, detail: 0).description == "the file does not start with 'RGPF': not a Regolith parameter file")
        #expect(ParameterFileError(.duplicate, detail: 0x3000).description == "parameter id 0x3000 appears twice")
        #expect(ParameterFileError(.trailingBytes, detail: 3).description == "3 bytes follow the last record")
    }
}
