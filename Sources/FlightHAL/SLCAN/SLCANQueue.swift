/// A fixed-capacity FIFO (no allocation after init), for use under a lock.
struct SLCANQueue<Element>: Sendable where Element: Sendable {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { storage = [Element?](repeating: nil, count: max(1, capacity)) }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == storage.count }
    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func push(_ e: Element) -> Bool {
        guard count < storage.count else { return false }
        storage[(head + count) % storage.count] = e
        count += 1
        return true
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return e
    }

    mutating func removeAll() { while pop() != nil {} }
}
