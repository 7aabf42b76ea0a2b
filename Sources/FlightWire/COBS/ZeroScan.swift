/// The index of the first zero byte in `bytes[from..<to]`, or `to` if there is none.
/// Eight bytes at a time (the classic "has a zero byte" bit trick), then byte by byte.
@inline(__always)
func firstZero(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
    var i = from
    while to - i >= 8 {
        let v = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
    }
    while i < to, bytes[i] != 0 { i += 1 }
    return i
}
