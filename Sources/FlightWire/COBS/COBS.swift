/// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): rewrites bytes so that 0x00
/// never appears, at a cost of at most one byte per 254, leaving 0x00 free as a frame delimiter.
///
/// Each block is a code byte `c` (1...255) followed by `c - 1` non-zero bytes; a block with
/// `c < 255` stands for its bytes followed by a zero, except the last block of a frame.
public enum COBS {
    /// The longest encoding of `count` bytes (no delimiter).
    public static func maxEncodedCount(_ count: Int) -> Int { count + count / 254 + 1 }

    /// Encodes `input` into `output`; returns the encoded length, or nil if `output` is shorter
    /// than ``maxEncodedCount(_:)`` of the input. Never writes a zero.
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard output.count >= maxEncodedCount(input.count) else { return nil }
        var e = COBSEncoder(output: output, at: 0)
        e.feed(input)
        return e.finish()
    }

    /// Decodes one whole encoded frame (no delimiter) into `output`; returns the decoded length,
    /// or nil when the input holds a zero, a block runs past the end, or `output` is too small.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        var i = 0
        var out = 0
        while i < input.count {
            let code = Int(input[i])
            guard code != 0, code - 1 <= input.count - i - 1 else { return nil }
            i += 1
            guard code - 1 <= output.count - out else { return nil }
            for _ in 1..<code {
                let b = input[i]
                guard b != 0 else { return nil }
                output[out] = b
                out += 1
                i += 1
            }
            if code != 0xFF, i < input.count {
                guard out < output.count else { return nil }
                output[out] = 0
                out += 1
            }
        }
        return out
    }
}

/// Incremental COBS encoder over a caller's buffer that is known to be large enough
/// (``COBS/maxEncodedCount(_:)`` of everything fed). Copies runs of non-zero bytes with
/// `memcpy`-like block moves rather than byte by byte.
struct COBSEncoder {
    let output: UnsafeMutableRawBufferPointer
    var codeAt: Int
    var out: Int
    var code = 1

    init(output: UnsafeMutableRawBufferPointer, at start: Int) {
        self.output = output
        codeAt = start
        out = start + 1
    }

    mutating func feed(_ src: UnsafeRawBufferPointer) {
        guard let base = src.baseAddress, let dst = output.baseAddress else { return }
        var i = 0
        let n = src.count
        while i < n {
            let limit = min(n, i + (0xFF - code))
            let j = firstZero(src, from: i, to: limit)
            let run = j - i
            if run > 0 {
                (dst + out).copyMemory(from: base + i, byteCount: run)
                out += run
                code += run
                i = j
            }
            if code == 0xFF {
                closeBlock()
            } else if i < n {
                // src[i] is a zero: it ends the block.
                closeBlock()
                i += 1
            }
        }
    }

    mutating func closeBlock() {
        output[codeAt] = UInt8(truncatingIfNeeded: code)
        codeAt = out
        out += 1
        code = 1
    }

    /// Writes the last code byte; returns the end offset.
    mutating func finish() -> Int {
        output[codeAt] = UInt8(truncatingIfNeeded: code)
        return out
    }
}
