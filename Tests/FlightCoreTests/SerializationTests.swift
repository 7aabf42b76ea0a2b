import FlightCore
import Testing

@Suite struct ByteReaderTests {
    @Test func readsBigEndianAndNeverPastTheEnd() {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.read(UInt16.self) == 0x0102)
            #expect(r.read(UInt16.self) == 0x0304)
            #expect(!r.truncated)
            #expect(r.read(UInt16.self) == nil)
            #expect(r.truncated)
            #expect(r.offset == 4)  // a short read consumes nothing
            #expect(r.remaining == 1)
            #expect(r.read(UInt8.self) == 5)
            #expect(r.isAtEnd)
            #expect(r.read(UInt8.self) == nil)
            #expect(r.offset == 5)
        }
    }

    @Test func readsEveryWidthAndSign() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x80, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.read(Int16.self) == -2)
            #expect(r.read(Int32.self) == Int32(bitPattern: 0x8000_0001))
            #expect(r.read(UInt64.self) == 0x0102_0304_0506_0708)
            #expect(r.isAtEnd && !r.truncated)
        }
        [UInt8]([0x80]).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.read(Int8.self) == -128)
        }
    }

    @Test func floatsAreIEEEBigEndian() {
        let bytes: [UInt8] = [0x3F, 0x80, 0x00, 0x00, 0xC0, 0x04, 0, 0, 0, 0, 0, 0, 0x7F, 0xC0, 0, 0]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.readFloat() == 1.0)
            #expect(r.readDouble() == -2.5)
            #expect(r.readFloat()?.isNaN == true)
            #expect(r.readDouble() == nil)
            #expect(r.truncated)
        }
    }

    @Test func boolIsFPrimeEncoded() {
        [UInt8]([0xFF, 0x00, 0x01, 0x7F]).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.readBool() == .some(.some(true)))
            #expect(r.readBool() == .some(.some(false)))
            #expect(r.readBool() == .some(nil))  // malformed, not truncated
            #expect(r.readBool() == .some(nil))
            #expect(!r.truncated)
            #expect(r.readBool() == nil)
            #expect(r.truncated)
        }
    }

    @Test func readBytesAndSkipStayInside() {
        [UInt8]([1, 2, 3, 4]).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.readBytes(-1) == nil)
            #expect(r.offset == 0)
            #expect(r.readBytes(5) == nil)
            #expect(r.offset == 0)
            #expect(r.truncated)
            #expect(r.readBytes(2).map(Array.init) == [1, 2])
            let skipped1 = r.skip(1), skipped2 = r.skip(2)
            #expect(skipped1)
            #expect(!skipped2)
            #expect(r.readBytes(1).map(Array.init) == [4])
            #expect(r.readBytes(0).map(Array.init) == [])
        }
        [UInt8]().withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(r.isAtEnd)
            #expect(r.read(UInt8.self) == nil)
        }
    }
}

@Suite struct ByteWriterTests {
    @Test func writesBigEndianAndRefusesWhatDoesNotFit() {
        var buffer = [UInt8](repeating: 0xAA, count: 6)
        buffer.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            #expect(w.capacity == 6)
            w.write(UInt32(0x0102_0304))
            #expect(w.count == 4 && w.remaining == 2 && !w.overflowed)
            w.write(UInt32(0x0506_0708))
            let overflowed = w.overflowed
            #expect(overflowed)
            #expect(w.count == 4)  // the refused write left nothing behind
            w.write(UInt8(9))
            #expect(w.count == 4)  // and everything after an overflow is refused too
            #expect(Array(w.written) == [1, 2, 3, 4])
        }
        #expect(buffer == [1, 2, 3, 4, 0xAA, 0xAA])
    }

    @Test func encodesEveryKind() {
        let bytes = encode { w in
            w.write(Int16(-2))
            w.write(true)
            w.write(false)
            w.write(Float(1))
            w.write(-2.5)
            w.write(bytes: [9, 8])
            w.write(string: "hé")
        }
        #expect(bytes == [0xFF, 0xFE, 0xFF, 0x00, 0x3F, 0x80, 0, 0, 0xC0, 0x04, 0, 0, 0, 0, 0, 0, 9, 8, 0, 3, 0x68, 0xC3, 0xA9])
    }

    @Test func byteRunsThatDoNotFitAreRefusedWhole() {
        var buffer = [UInt8](repeating: 0, count: 3)
        buffer.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            w.write(bytes: [1, 2, 3, 4])
            #expect(w.overflowed && w.count == 0)
        }
        #expect(buffer == [0, 0, 0])
        let source: [UInt8] = [7, 7, 7, 7]
        buffer.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            source.withUnsafeBytes { w.write(bytes: $0) }
            #expect(w.overflowed && w.count == 0)
            [UInt8]().withUnsafeBytes { w.write(bytes: $0) }
            #expect(w.count == 0)
        }
        #expect(buffer == [0, 0, 0])
    }

    @Test func patchFillsAnEarlierField() {
        let bytes = encode { w in
            w.write(UInt16(0))
            w.write(UInt8(0xAB))
            w.patch(UInt16(0x1234), at: 0)
        }
        #expect(bytes == [0x12, 0x34, 0xAB])
    }
}

@Suite struct FlightValueSerializationTests {
    static let values: [(FlightType, FlightValue, [UInt8])] = [
        (.u8, .u8(0xAB), [0xAB]),
        (.u16, .u16(0x1234), [0x12, 0x34]),
        (.u32, .u32(0xDEAD_BEEF), [0xDE, 0xAD, 0xBE, 0xEF]),
        (.u64, .u64(1), [0, 0, 0, 0, 0, 0, 0, 1]),
        (.i8, .i8(-1), [0xFF]),
        (.i16, .i16(-256), [0xFF, 0x00]),
        (.i32, .i32(-2), [0xFF, 0xFF, 0xFF, 0xFE]),
        (.i64, .i64(.min), [0x80, 0, 0, 0, 0, 0, 0, 0]),
        (.f32, .f32(-0.0), [0x80, 0, 0, 0]),
        (.f64, .f64(1), [0x3F, 0xF0, 0, 0, 0, 0, 0, 0]),
        (.bool, .bool(true), [0xFF]),
        (.bool, .bool(false), [0x00]),
        (.enumeration(Fixture.mode), .enumeration(5), [5]),
        (.enumeration(CommandResponse.enumType), .enumeration(3), [3]),  // Fw.CmdResponse is U8
    ]

    @Test(arguments: values)
    func roundTripsWithFPrimeLayout(_ type: FlightType, _ value: FlightValue, _ wire: [UInt8]) {
        #expect(encode { value.serialize(as: type, into: &$0) } == wire)
        #expect(value.isOf(type))
        wire.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(FlightValue.deserialize(type, from: &r) == .success(value))
            #expect(r.isAtEnd)
        }
        Array(wire.dropLast()).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(FlightValue.deserialize(type, from: &r) == .failure(.truncated(type: type.fprimeName, needed: wire.count, remaining: wire.count - 1)))
        }
    }

    @Test func decodingRefusesBadBoolsAndUnknownEnumConstants() {
        [UInt8]([0x01]).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(FlightValue.deserialize(.bool, from: &r) == .failure(.invalidBool(0x01)))
        }
        [UInt8]([0x02]).withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(FlightValue.deserialize(.enumeration(Fixture.mode), from: &r) == .failure(.unknownEnumValue(type: "Probe.Mode", value: 2)))
        }
    }

    @Test func stringsAreLengthPrefixedAndChecked() {
        func read(_ bytes: [UInt8], max: Int = 8) -> Result<String, ValueDecodingError> {
            bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return FlightValue.readString(maxLength: max, from: &r)
            }
        }
        #expect(read(fprimeString(Array("abc".utf8))) == .success("abc"))
        #expect(read(fprimeString([])) == .success(""))
        #expect(read([0]) == .failure(.truncated(type: "string length", needed: 2, remaining: 1)))
        #expect(read(fprimeString(Array("123456789".utf8))) == .failure(.stringTooLong(length: 9, maxLength: 8)))
        #expect(read([0, 4, 0x61]) == .failure(.truncated(type: "string", needed: 4, remaining: 1)))
        #expect(read(fprimeString([0xC3])) == .failure(.invalidUTF8))
    }

    @Test func commandArgumentsEncodeAndDecode() throws {
        let defs = Fixture.commanded.commands[7].arguments  // MULTI: u32, bool, f64
        let bytes = try #require(CommandArguments.encode([.value(.u32(7)), .value(.bool(true)), .value(.f64(2.5))], as: defs))
        #expect(bytes == be(UInt32(7)) + [0xFF] + be(2.5))
        let args = try CommandArguments.decode(bytes, as: defs).get()
        #expect(args[0] == .u32(7) && args[1] == .bool(true) && args[2] == .f64(2.5))
        #expect(CommandArguments.encode([.value(.u32(7))], as: defs) == nil)  // wrong count
        #expect(CommandArguments.encode([.value(.u8(7)), .value(.bool(true)), .value(.f64(2.5))], as: defs) == nil)  // wrong type
        let say = Fixture.commanded.commands[6].arguments
        #expect(CommandArguments.encode([.string("hi")], as: say) == fprimeString(Array("hi".utf8)))
        #expect(CommandArguments.encode([.string(String(repeating: "x", count: 5000))], as: say) == nil)  // past the buffer
        #expect(CommandArguments.decode(bytes + [0], as: defs).failureValue == .extraBytes(count: 1))
        #expect(CommandArguments.decode(be(UInt32(7)) + [0xFF] + be(Double.nan), as: defs).failureValue?.response == .validationError)
        #expect(CommandArguments.decode(be(UInt32(7)), as: defs).failureValue == .malformed(argument: "b", .truncated(type: "bool", needed: 1, remaining: 0)))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
