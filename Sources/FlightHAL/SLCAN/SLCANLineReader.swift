/// Splits an SLCAN byte stream into lines, in pieces of any size: CR ends a line, BELL is an
/// adapter's "error" reply (and, as in the Linux driver, also ends whatever came before it).
/// A line longer than ``maxLineLength`` is dropped up to the next CR or BELL and reported once
/// (resynchronisation on CR). LF is ignored, so a peer that ends lines with CR LF still works.
/// Storage is reserved once; ingesting never allocates.
public struct SLCANLineReader: Sendable {
    public enum Event {
        /// A complete line without its CR (valid only during the callback).
        case line(UnsafeRawBufferPointer)
        /// A BELL byte.
        case bell
        /// Bytes dropped: a line longer than the limit, or a partial line cut short by a BELL.
        case discarded
    }

    public let maxLineLength: Int
    private var buffer: [UInt8]
    private var discarding = false

    public init(maxLineLength: Int = SLCAN.maxLineLength) {
        self.maxLineLength = maxLineLength
        buffer = []
        buffer.reserveCapacity(maxLineLength)
    }

    /// A reader holding no storage, to stand in while the real one is moved out (so that the
    /// real one stays uniquely referenced and never copies its buffer).
    static var placeholder: SLCANLineReader { SLCANLineReader(unreserved: ()) }

    private init(unreserved: Void) {
        maxLineLength = 0
        buffer = []
    }

    /// Bytes held of a line not yet ended.
    public var pendingCount: Int { buffer.count }

    public mutating func ingest(_ bytes: UnsafeRawBufferPointer, _ body: (Event) -> Void) {
        for b in bytes {
            switch b {
            case SLCAN.carriageReturn:
                if discarding {
                    discarding = false
                } else {
                    buffer.withUnsafeBytes { body(.line($0)) }
                }
                buffer.removeAll(keepingCapacity: true)
            case SLCAN.bell:
                if !buffer.isEmpty && !discarding { body(.discarded) }
                discarding = false
                buffer.removeAll(keepingCapacity: true)
                body(.bell)
            case 0x0A:
                continue
            default:
                if discarding { continue }
                if buffer.count == maxLineLength {
                    discarding = true
                    buffer.removeAll(keepingCapacity: true)
                    body(.discarded)
                } else {
                    buffer.append(b)
                }
            }
        }
    }

    /// Forgets a partial line (after the other end was reset).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        discarding = false
    }
}
