import FlightCore
import Testing

@testable import FlightWire

/// SHA-256 against FIPS 180-4's examples, HMAC-SHA-256 against RFC 4231's test cases, and the
/// signed-command check. (Random inputs against Python's hashlib/hmac: Tests/peers.)
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsExamples(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).description == digest)
    }

    @Test func oneMillionAs() {
        var s = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { s.update(chunk) }
        #expect(s.finalize().description == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInAnyPiecesEqualsOneShot() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let message = rng.bytes(Int(rng.next() % 700))
            var s = SHA256()
            var i = 0
            while i < message.count {
                let n = min(Int(rng.next() % 130), message.count - i)
                s.update(Array(message[i..<(i + n)]))
                i += n
            }
            #expect(s.finalize() == SHA256.hash(message))
        }
    }
}

@Suite struct HMACSHA256Tests {
    /// RFC 4231 test cases 1-4, 6 and 7 (5 truncates the output).
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", String(repeating: "dd", count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (String(repeating: "aa", count: 131), "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131), "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231(key: String, data: String, mac: String) {
        #expect(HMACSHA256(key: hex(key)).authenticate(hex(data)).description == mac)
    }

    @Test func constantTimeCompareFindsADifferenceAnywhere() {
        let d = HMACSHA256(key: [1, 2, 3]).authenticate([4, 5, 6])
        let good = d.bytes
        #expect(good.withUnsafeBytes { HMACSHA256.constantTimeEqual(d, $0) })
        for i in [0, 13, 31] {
            var bad = good
            bad[i] ^= 0x80
            #expect(!bad.withUnsafeBytes { HMACSHA256.constantTimeEqual(d, $0) })
        }
        #expect(!Array(good.dropLast()).withUnsafeBytes { HMACSHA256.constantTimeEqual(d, $0) })
    }
}

@Suite struct CommandAuthenticatorTests {
    let key: [UInt8] = Array(0..<32)
    let command: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0xAB]

    func check(_ auth: inout CommandAuthenticator, field: [UInt8], signed: Bool) -> Result<[UInt8], CommandAuthentication.Refusal> {
        let header = try! SpacePacketHeader(type: .telecommand, hasSecondaryHeader: signed, apid: 0, sequenceCount: 0, dataLength: field.count)
        return field.withUnsafeBytes { f in auth.check(SpacePacket(header: header, dataField: f)).map { Array($0) } }
    }

    @Test func acceptsFreshSignedCommandsAndReturnsTheCommand() {
        var auth = CommandAuthenticator(key: key)
        #expect(check(&auth, field: CommandAuthentication.seal(command: command, counter: 5, key: key), signed: true) == .success(command))
        #expect(check(&auth, field: CommandAuthentication.seal(command: command, counter: 6, key: key), signed: true) == .success(command))
        #expect(auth.lastCounter == 6)
    }

    @Test func refusesEachWayWithItsReason() {
        var auth = CommandAuthenticator(key: key)
        let sealed = CommandAuthentication.seal(command: command, counter: 10, key: key)
        #expect(check(&auth, field: command, signed: false) == .failure(.unauthenticated))
        #expect(check(&auth, field: Array(sealed.prefix(CommandAuthentication.minimumSize - 1)), signed: true) == .failure(.truncated))
        for i in [0, 3, 9, sealed.count - 1] where i != 0 {
            var tampered = sealed
            tampered[i] ^= 1
            #expect(check(&auth, field: tampered, signed: true) == .failure(.badMAC))
        }
        var version = sealed
        version[0] = 2
        #expect(check(&auth, field: version, signed: true) == .failure(.unknownVersion))
        #expect(check(&auth, field: CommandAuthentication.seal(command: command, counter: 11, key: Array(key.reversed())), signed: true) == .failure(.badMAC))
        #expect(check(&auth, field: sealed, signed: true) == .success(command))
        #expect(check(&auth, field: sealed, signed: true) == .failure(.replayed))
        #expect(check(&auth, field: CommandAuthentication.seal(command: command, counter: 9, key: key), signed: true) == .failure(.replayed))
        #expect(auth.lastCounter == 10)
        auth.resetCounter()
        #expect(check(&auth, field: sealed, signed: true) == .success(command))
    }

    @Test func withoutAKeyPlainCommandsPassAndSignedOnesAreRefused() {
        var auth = CommandAuthenticator(key: nil)
        #expect(check(&auth, field: command, signed: false) == .success(command))
        #expect(check(&auth, field: CommandAuthentication.seal(command: command, counter: 1, key: key), signed: true) == .failure(.noKey))
    }
}

@Suite struct KeepAliveTests {
    func frame(_ payload: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        let n = payload.withUnsafeBytes { p in
            out.withUnsafeMutableBytes { try! TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: p).encode(into: $0) }
        }
        return Array(out[0..<n])
    }

    @Test func keepAlivesBetweenFramesAreSkippedAndCountedApart() {
        var acc = TCFrameAccumulator(spacecraftID: 0x44, virtualChannelID: 1)
        let ka = TCFrameAccumulator.keepAlive
        let stream = ka + frame([1, 2, 3]) + ka + ka + frame([4]) + Array(ka.prefix(5))
        var got: [[UInt8]] = []
        // Byte by byte: a keep-alive split across reads is still recognised.
        for b in stream { [b].withUnsafeBytes { acc.ingest($0) { got.append(Array($0.dataField)) } } }
        #expect(got == [[1, 2, 3], [4]])
        #expect(acc.counts.keepAlives == 3)
        #expect(acc.counts.bytesSkipped == 0)
        #expect(acc.bytesPending == 5)
        ka.suffix(7).withUnsafeBytes { acc.ingest($0) { _ in } }
        #expect(acc.counts.keepAlives == 4)
    }

    @Test func aStalledGarbageHeaderGivesWayToTheFrameBehindIt() {
        var acc = TCFrameAccumulator(spacecraftID: 0x44, virtualChannelID: 1)
        // A plausible header claiming 1000 bytes, then a real frame.
        let garbage: [UInt8] = [0x20, 0x44, 0x07, 0xE7, 0x00]
        var got = 0
        (garbage + frame([9, 9])).withUnsafeBytes { acc.ingest($0) { _ in got += 1 } }
        #expect(got == 0)
        for _ in 0..<5 { acc.resynchronize { _ in got += 1 } }
        #expect(got == 1)
        #expect(acc.counts.bytesSkipped == 5)
        acc.reset()
        #expect(acc.bytesPending == 0)
    }
}
