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
        var codeAt = 0
        var out = 1
        var code: UInt8 = 1
        for b in input {
            if b == 0 {
                output[codeAt] = code
                codeAt = out
                out += 1
                code = 1
            } else {
                output[out] = b
                out += 1
                code += 1
                if code == 0xFF {
                    output[codeAt] = code
                    codeAt = out
                    out += 1
                    code = 1
                }
            }
        }
        output[codeAt] = code
        return out
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
