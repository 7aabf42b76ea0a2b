/// HMAC-SHA-256 (RFC 2104, FIPS 198-1), the command authenticator's MAC.
///
/// The keyed inner and outer hash states are computed once, at init; each ``authenticate(_:)``
/// then costs two SHA-256 passes and never allocates. Checked against RFC 4231's test cases
/// and, on random keys and messages, against Python's `hmac`.
public struct HMACSHA256: Sendable {
    public static let macSize = SHA256.digestSize
    let inner: SHA256
    let outer: SHA256

    /// Keys longer than a block (64 bytes) are hashed first, as RFC 2104 says.
    public init(key: UnsafeRawBufferPointer) {
        var k = InlineArray<64, UInt8>(repeating: 0)
        if key.count > SHA256.blockSize {
            let d = SHA256.hash(key)
            for i in 0..<SHA256.digestSize { k[i] = d[i] }
        } else {
            for i in 0..<key.count { k[i] = key[i] }
        }
        var ipad = InlineArray<64, UInt8>(repeating: 0)
        var opad = InlineArray<64, UInt8>(repeating: 0)
        for i in 0..<64 {
            ipad[i] = k[i] ^ 0x36
            opad[i] = k[i] ^ 0x5c
        }
        var i = SHA256(), o = SHA256()
        withUnsafeBytes(of: ipad) { i.update($0) }
        withUnsafeBytes(of: opad) { o.update($0) }
        inner = i
        outer = o
    }

    public init(key: [UInt8]) { self = key.withUnsafeBytes { HMACSHA256(key: $0) } }

    /// The MAC of the concatenation of `parts` (so a header and a body need not be copied
    /// together first).
    public func authenticate(_ parts: UnsafeRawBufferPointer...) -> SHA256Digest {
        var i = inner
        for p in parts { i.update(p) }
        return finish(i)
    }

    public func authenticate(_ message: [UInt8]) -> SHA256Digest { message.withUnsafeBytes { authenticate($0) } }

    func finish(_ innerState: SHA256) -> SHA256Digest {
        var i = innerState
        let d = i.finalize()
        var o = outer
        var bytes = InlineArray<32, UInt8>(repeating: 0)
        for k in 0..<SHA256.digestSize { bytes[k] = d[k] }
        withUnsafeBytes(of: bytes) { o.update($0) }
        return o.finalize()
    }

    /// Compares a received MAC with the expected one in time that does not depend on where
    /// they differ (no early exit), so a forger learns nothing from timing.
    public static func constantTimeEqual(_ expected: SHA256Digest, _ received: UnsafeRawBufferPointer) -> Bool {
        guard received.count == macSize else { return false }
        var diff: UInt8 = 0
        for k in 0..<macSize { diff |= expected[k] ^ received[k] }
        return diff == 0
    }
}
