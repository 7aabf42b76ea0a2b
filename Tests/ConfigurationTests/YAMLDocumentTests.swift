import Configuration
import Testing

@Suite("YAML documents with located errors")
struct YAMLDocumentTests {
    @Test func syntaxErrorsNameTheLineAndColumn() {
        let text = "devices:\n  imu: {serial: /dev/ttyUSB0\n  alt: sim\n"
        #expect(throws: ConfigurationError.self) { try YAMLDocument(text: text, file: "b.yaml") }
        do {
            _ = try YAMLDocument(text: text, file: "b.yaml")
        } catch {
            #expect(error.file == "b.yaml")
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("b.yaml:3:"))
            #expect(error.description.contains("error: YAML syntax"))
        }
    }

    @Test func emptyAndMissingFilesAreRefusedWithAReason() {
        #expect(throws: ConfigurationError(file: "e.yaml", line: 0, column: 0, message: "the file is empty")) {
            try YAMLDocument(text: "", file: "e.yaml")
        }
        #expect(throws: ConfigurationError(file: "/nonexistent/x.yaml", line: 0, column: 0, message: "no such file")) {
            try YAMLDocument(contentsOf: "/nonexistent/x.yaml")
        }
    }

    @Test func typedAccessorsReportWhatWasExpectedAndFound() throws {
        let doc = try YAMLDocument(text: "rate: fast\nbaud: 115200\nlist: [1, 2]\nflag: maybe\nid: 0x120\n", file: "t.yaml")
        let m = try doc.root.mapping()
        #expect(throws: ConfigurationError(file: "t.yaml", line: 1, column: 7, message: "'rate' must be a number, found 'fast'")) {
            try m.required("rate").double()
        }
        #expect(try m.required("baud").int(in: 50...4_000_000) == 115_200)
        #expect(throws: ConfigurationError(file: "t.yaml", line: 2, column: 7, message: "'baud' is 115200, outside 1...100")) {
            try m.required("baud").int(in: 1...100)
        }
        #expect(throws: ConfigurationError(file: "t.yaml", line: 3, column: 7, message: "'list' must be a mapping, found a list")) {
            try m.required("list").mapping()
        }
        #expect(try m.required("list").list().map { try $0.int() } == [1, 2])
        #expect(throws: ConfigurationError(file: "t.yaml", line: 4, column: 7, message: "'flag' must be true or false, found 'maybe'")) {
            try m.required("flag").bool()
        }
        #expect(try m.required("id").int() == 0x120)
        #expect(throws: ConfigurationError(file: "t.yaml", line: 1, column: 1, message: "the document needs 'missing'")) {
            try m.required("missing")
        }
    }

    @Test func unknownAndDuplicateKeysAreRefusedWithASuggestion() throws {
        let doc = try YAMLDocument(text: "devices:\n  imu: sim\n  altimetr: sim\n", file: "b.yaml")
        let devices = try doc.root.mapping(allowed: ["devices"]).required("devices")
        #expect(throws: ConfigurationError(
            file: "b.yaml", line: 3, column: 3,
            message: "unknown key 'altimetr' in 'devices'; did you mean 'altimeter'? (allowed: imu, altimeter)")) {
            try devices.mapping(allowed: ["imu", "altimeter"])
        }
        #expect(throws: ConfigurationError(file: "d.yaml", line: 1, column: 1, message: "key 'a' appears more than once in the mapping that starts here")) {
            try YAMLDocument(text: "a: 1\nb: 2\na: 3\n", file: "d.yaml")
        }
    }

    @Test func choicesSuggestTheClosestName() throws {
        let doc = try YAMLDocument(text: "transport: serail\n", file: "c.yaml")
        #expect(throws: ConfigurationError(
            file: "c.yaml", line: 1, column: 12,
            message: "'transport' is 'serail', expected one of serial, can, slcan, sim; did you mean 'serial'?")) {
            try doc.root.mapping().required("transport").choice(["serial", "can", "slcan", "sim"])
        }
    }

    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("same", "same", 0), ("flaw", "lawn", 2),
    ])
    func editDistance(a: String, b: String, d: Int) {
        #expect(Suggestion.distance(a, b) == d)
    }

    @Test func suggestionsStayWithinATypoOfTheName() {
        #expect(Suggestion.closest(to: "SET_THROTLE", in: ["SET_THROTTLE", "SHUTDOWN"]) == "SET_THROTTLE")
        #expect(Suggestion.closest(to: "xyz", in: ["SET_THROTTLE", "SHUTDOWN"]) == nil)
    }

    @Test func errorsListInFileOrder() {
        let e = ConfigurationErrors([
            .init(file: "f", line: 9, column: 1, message: "b"), .init(file: "f", line: 2, column: 5, message: "a"),
        ])
        #expect(e.description == "f:2:5: error: a\nf:9:1: error: b")
    }
}

@Suite("Quantities with units")
struct QuantityTests {
    @Test(arguments: [("5 s", 5.0), ("250 ms", 0.25), ("2 min", 120), ("1.5h", 5400), ("7", 7), ("1e3 ms", 1)])
    func durations(text: String, seconds: Double) throws {
        let doc = try YAMLDocument(text: "t: \(text)\n", file: "q.yaml")
        #expect(try doc.root.mapping().required("t").quantity(.seconds) == seconds)
    }

    @Test func badQuantitiesSayWhatIsWrong() throws {
        let doc = try YAMLDocument(text: "a: 5 sec\nb: fast s\nc: -3 m\n", file: "q.yaml")
        let m = try doc.root.mapping()
        #expect(throws: ConfigurationError(file: "q.yaml", line: 1, column: 4, message: "'a': unknown unit 'sec'; expected ms, s, min, h")) {
            try m.required("a").quantity(.seconds)
        }
        #expect(throws: ConfigurationError(file: "q.yaml", line: 2, column: 4, message: "'b' must be a number with a unit (ms, s, min, h), found 'fast s'")) {
            try m.required("b").quantity(.seconds)
        }
        #expect(throws: ConfigurationError(file: "q.yaml", line: 3, column: 4, message: "'c' is -3 m, outside 0...100000 m")) {
            try m.required("c").quantity(.metres, in: 0...100_000)
        }
    }
}
