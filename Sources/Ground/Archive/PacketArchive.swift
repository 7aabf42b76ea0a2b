import Foundation
import GRDB

/// Every downlinked packet, kept in an SQLite file (through GRDB) in write-ahead-log mode.
///
/// Packets are appended in batches (``append(_:)`` buffers, ``commit()`` writes the batch in
/// one transaction); `regolith ground` commits every 100 ms and every 1,000 packets. With
/// `synchronous = FULL` a committed transaction is in the WAL file and fsynced before commit
/// returns, so killing the process (even SIGKILL) or losing power afterwards loses nothing
/// committed; what was appended but not committed yet is what a kill can lose.
///
/// The file is marked with an SQLite `application_id` ('RGLT'); opening anything else, or a
/// damaged archive, fails with an ``ArchiveError`` that says which.
public final class PacketArchive {
    public static let applicationID: Int32 = 0x5247_4C54  // "RGLT"
    public static let schemaVersion = 1

    public let path: String
    let queue: DatabaseQueue
    var batch: [(received: Double, packet: DecodedPacket)] = []
    public private(set) var committedCount = 0

    /// One stored packet.
    public struct Row: Sendable, Equatable {
        public var id: Int64
        /// Ground receive time, seconds since 1970.
        public var received: Double
        public var packet: DecodedPacket
    }

    /// Opens (`create`: creating if absent) an archive; checks that it is one.
    public init(path: String, create: Bool = true) throws(ArchiveError) {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        guard exists || create else { throw .notFound(path) }
        var config = Configuration()
        config.journalMode = .wal
        config.readonly = !create
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { db in try Self.prepare(db, path: path, fresh: !exists) }
        } catch let e as ArchiveError {
            throw e
        } catch {
            throw ArchiveError.from(error, path: path)
        }
        committedCount = (try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packet") ?? 0 }) ?? 0
    }

    static func prepare(_ db: Database, path: String, fresh: Bool) throws {
        let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
        if appID == 0 && tables == 0 {
            guard !db.configuration.readonly else { throw ArchiveError.notAnArchive(path, reason: "it is an empty database") }
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
                PRAGMA user_version = \(schemaVersion);
                CREATE TABLE packet (
                    id INTEGER PRIMARY KEY,
                    received REAL NOT NULL,
                    kind INTEGER NOT NULL,
                    apid INTEGER NOT NULL,
                    item INTEGER,
                    name TEXT,
                    flight_time REAL,
                    value REAL,
                    text TEXT,
                    bytes BLOB NOT NULL
                );
                CREATE INDEX packet_by_name ON packet(name, flight_time);
                """)
            return
        }
        guard appID == applicationID else {
            throw ArchiveError.notAnArchive(path, reason: "it is an SQLite database of another application (application_id \(appID))")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version == schemaVersion else { throw ArchiveError.notAnArchive(path, reason: "archive schema version \(version), this tool reads \(schemaVersion)") }
        let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
        guard check == ["ok"] else { throw ArchiveError.corrupted(path, detail: check.prefix(3).joined(separator: "; ")) }
    }

    /// Buffers a packet for the next commit; `received` (seconds since 1970) defaults to now.
    public func append(_ packet: DecodedPacket, received: Double? = nil) {
        batch.append((received ?? Date().timeIntervalSince1970, packet))
    }

    public var uncommittedCount: Int { batch.count }

    /// Writes the buffered packets in one transaction; returns how many are now committed in
    /// all. When it throws, the batch stays buffered.
    @discardableResult
    public func commit() throws(ArchiveError) -> Int {
        guard !batch.isEmpty else { return committedCount }
        do {
            try queue.inTransaction { db in
                let stmt = try db.cachedStatement(sql: "INSERT INTO packet (received, kind, apid, item, name, flight_time, value, text, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for (received, p) in batch {
                    try stmt.execute(arguments: [received, p.kind.rawValue, Int(p.apid), p.item.map { Int64($0) }, p.name, p.flightTime, p.value, p.text, Data(p.bytes)])
                }
                return .commit
            }
        } catch {
            throw ArchiveError.from(error, path: path)
        }
        committedCount += batch.count
        batch.removeAll(keepingCapacity: true)
        return committedCount
    }

    /// A query over the archive: every filter optional.
    public struct Query: Sendable {
        public var names: [String] = []
        public var kind: DecodedPacket.Kind?
        public var fromFlightTime: Double?
        public var toFlightTime: Double?
        public var limit: Int?
        public init(names: [String] = [], kind: DecodedPacket.Kind? = nil, fromFlightTime: Double? = nil, toFlightTime: Double? = nil, limit: Int? = nil) {
            self.names = names
            self.kind = kind
            self.fromFlightTime = fromFlightTime
            self.toFlightTime = toFlightTime
            self.limit = limit
        }
    }

    /// The rows matching `query`, in arrival order.
    public func rows(_ query: Query = Query()) throws(ArchiveError) -> [Row] {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if !query.names.isEmpty {
            clauses.append("name IN (\(query.names.map { _ in "?" }.joined(separator: ",")))")
            args += query.names.map { $0 as (any DatabaseValueConvertible)? }
        }
        if let k = query.kind {
            clauses.append("kind = ?")
            args.append(k.rawValue)
        }
        if let f = query.fromFlightTime {
            clauses.append("flight_time >= ?")
            args.append(f)
        }
        if let t = query.toFlightTime {
            clauses.append("flight_time <= ?")
            args.append(t)
        }
        var sql = "SELECT id, received, kind, apid, item, name, flight_time, value, text, bytes FROM packet"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY id"
        if let l = query.limit { sql += " LIMIT \(max(l, 0))" }
        do {
            return try queue.read { db in
                // Columns by position (a name lookup per column per row is most of a read).
                try GRDB.Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                    let item: Int64? = r[4]
                    let blob: Data = r[9]
                    let kind: Int = r[2]
                    let apid: Int64 = r[3]
                    return Row(
                        id: r[0], received: r[1],
                        packet: DecodedPacket(
                            kind: DecodedPacket.Kind(rawValue: kind) ?? .other, apid: UInt16(truncatingIfNeeded: apid),
                            item: item.map { UInt32(truncatingIfNeeded: $0) }, name: r[5], flightTime: r[6],
                            value: r[7], text: r[8], bytes: [UInt8](blob)))
                }
            }
        } catch {
            throw ArchiveError.from(error, path: path)
        }
    }

    /// Names of the channels archived, with their sample counts.
    public func channelNames() throws(ArchiveError) -> [(name: String, samples: Int)] {
        do {
            return try queue.read { db in
                try GRDB.Row.fetchAll(db, sql: "SELECT name, COUNT(*) AS n FROM packet WHERE kind = 1 AND name IS NOT NULL GROUP BY name ORDER BY name")
                    .map { ($0["name"], $0["n"]) }
            }
        } catch {
            throw ArchiveError.from(error, path: path)
        }
    }
}

/// Why an archive could not be opened, read or written.
public enum ArchiveError: Error, CustomStringConvertible {
    case notFound(String)
    case notAnArchive(String, reason: String)
    case corrupted(String, detail: String)
    case sqlite(String, detail: String)

    public var description: String {
        switch self {
        case .notFound(let p): "archive \(p): no such file"
        case .notAnArchive(let p, let r): "\(p) is not a Regolith archive: \(r)"
        case .corrupted(let p, let d): "archive \(p) is damaged (SQLite integrity check: \(d)); copy what is readable with `sqlite3 \(p) .recover`"
        case .sqlite(let p, let d): "archive \(p): \(d)"
        }
    }

    static func from(_ error: any Error, path: String) -> ArchiveError {
        if let e = error as? ArchiveError { return e }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB: return .notAnArchive(path, reason: "the file is not an SQLite database")
            case .SQLITE_CORRUPT: return .corrupted(path, detail: db.message ?? "database disk image is malformed")
            case .SQLITE_CANTOPEN: return .sqlite(path, detail: "cannot open (\(db.message ?? "permission or directory missing"))")
            default: return .sqlite(path, detail: db.message ?? "\(db)")
            }
        }
        return .sqlite(path, detail: "\(error)")
    }
}
