/// SHA-256 (FIPS 180-4), written here because the flight side imports no package.
///
/// Streaming: ``update(_:)`` any number of times, then ``finalize()``. The state is a fixed
/// set of stored words and an inline 64-byte block: hashing never allocates, so it may run on
/// the tick path (command authentication does). Checked against the FIPS 180-4 examples and,
/// on random inputs, against Python's `hashlib` (Tests/peers/test_ground_security.py).
public struct SHA256: Sendable {
    public static let digestSize = 32
    public static let blockSize = 64

    var h: InlineArray<8, UInt32> = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    var block: InlineArray<64, UInt8> = .init(repeating: 0)
    var blockFill = 0
    /// Bytes hashed so far.
    var length: UInt64 = 0

    public init() {}

    /// Hashes more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        let n = bytes.count
        length &+= UInt64(n)
        while offset < n {
            if blockFill == 0 && n - offset >= Self.blockSize {
                compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Self.blockSize)]))
                offset += Self.blockSize
                continue
            }
            let take = min(Self.blockSize - blockFill, n - offset)
            for k in 0..<take { block[blockFill + k] = bytes[offset + k] }
            blockFill += take
            offset += take
            if blockFill == Self.blockSize {
                let b = block
                withUnsafeBytes(of: b) { compress($0) }
                blockFill = 0
            }
        }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Pads, finishes and returns the digest. The hasher is spent afterwards.
    public mutating func finalize() -> SHA256Digest {
        let bits = length &* 8
        block[blockFill] = 0x80
        blockFill += 1
        if blockFill > 56 {
            for k in blockFill..<64 { block[k] = 0 }
            let b = block
            withUnsafeBytes(of: b) { compress($0) }
            blockFill = 0
        }
        for k in blockFill..<56 { block[k] = 0 }
        for k in 0..<8 { block[56 + k] = UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64(k))) }
        let b = block
        withUnsafeBytes(of: b) { compress($0) }
        blockFill = 0
        return SHA256Digest(words: h)
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var s = SHA256()
        s.update(bytes)
        return s.finalize()
    }

    public static func hash(_ bytes: [UInt8]) -> SHA256Digest { bytes.withUnsafeBytes { hash($0) } }

    static let k: InlineArray<64, UInt32> = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always) static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block.
    mutating func compress(_ p: UnsafeRawBufferPointer) {
        var w = InlineArray<64, UInt32>(repeating: 0)
        for t in 0..<16 {
            w[t] = UInt32(p[4 * t]) << 24 | UInt32(p[4 * t + 1]) << 16 | UInt32(p[4 * t + 2]) << 8 | UInt32(p[4 * t + 3])
        }
        for t in 16..<64 {
            let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for t in 0..<64 {
            let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ Self.k[t] &+ w[t]
            let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ t2
        }
        h[0] &+= a
        h[1] &+= b
        h[2] &+= c
        h[3] &+= d
        h[4] &+= e
        h[5] &+= f
        h[6] &+= g
        h[7] &+= hh
    }
}

/// A SHA-256 digest: 32 bytes, kept as eight big-endian words (no allocation).
public struct SHA256Digest: Sendable, Equatable, CustomStringConvertible {
    let words: InlineArray<8, UInt32>

    public static func == (a: SHA256Digest, b: SHA256Digest) -> Bool {
        for i in 0..<8 where a.words[i] != b.words[i] { return false }
        return true
    }

    /// Byte `i` (0..<32) of the digest.
    public subscript(i: Int) -> UInt8 { UInt8(truncatingIfNeeded: words[i / 4] >> (24 - 8 * UInt32(i % 4))) }

    /// Writes the 32 bytes into `output` (which must hold them).
    public func write(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= SHA256.digestSize, "a SHA-256 digest needs 32 bytes")
        for i in 0..<SHA256.digestSize { output[i] = self[i] }
    }

    /// The bytes (allocates: for tools and tests).
    public var bytes: [UInt8] { (0..<SHA256.digestSize).map { self[$0] } }

    /// Lowercase hex, as `hashlib`'s `hexdigest()`.
    public var description: String {
        let digits: [Character] = Array("0123456789abcdef")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xF)])
        }
        return s
    }
}
