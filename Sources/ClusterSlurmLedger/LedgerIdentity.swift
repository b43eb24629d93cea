import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Tells a cluster-slurm ledger from any other file before anything is
/// written to it, and explains SQLite's failures in words a user can act on.
package enum LedgerIdentity {
    /// Refuses a file that is not a ledger: empty (this tool did not create
    /// it: it creates and initialises under a lock), not SQLite, another
    /// program's `application_id`, or holding tables a ledger does not have.
    /// A ledger from before application ids (id 0, only ledger tables) passes.
    package static func check(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ClusterSlurmError.ledger("cannot read the ledger file \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ClusterSlurmError.ledger("\(path) is not a regular file, so not a cluster-slurm ledger; give another --ledger or ledgerPath", problem: .notALedger)
        }
        guard info.st_size > 0 else {
            throw ClusterSlurmError.ledger("\(path) is an empty file that cluster-slurm did not create, so not a cluster-slurm ledger; delete it to start a new ledger there, or give another --ledger or ledgerPath", problem: .notALedger)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ClusterSlurmError.ledger("cannot read the ledger file \(path): \(String(cString: strerror(errno)))")
        }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        guard header.count >= 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw ClusterSlurmError.ledger("\(path) is not a SQLite database, so not a cluster-slurm ledger; give another --ledger or ledgerPath", problem: .notALedger)
        }
        let id = header[68..<72].reduce(Int32(0)) { ($0 << 8) | Int32($1) }
        if id == Ledger.applicationId { return }
        if id != 0 {
            throw ClusterSlurmError.ledger(String(format: "%@ is not a cluster-slurm ledger: its SQLite application_id is 0x%08x (a ledger's is 0x%08x), so it belongs to another program; give another --ledger or ledgerPath", path, id, Ledger.applicationId), problem: .notALedger)
        }
        var configuration = Configuration()
        configuration.readonly = true
        // Another process may be writing (a fresh ledger's application_id can
        // still sit in the WAL, so this path runs): wait as every connection does.
        configuration.busyMode = .timeout(30)
        let tables: [String]
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            tables = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
            }
        } catch {
            throw ClusterSlurmError.ledger("cannot read \(path) to tell whether it is a cluster-slurm ledger: \(explain(error))", problem: problem(of: error))
        }
        let foreign = Set(tables).subtracting(try ledgerObjectNames()).sorted()
        guard foreign.isEmpty else {
            throw ClusterSlurmError.ledger("\(path) is not a cluster-slurm ledger: it holds tables a ledger does not have (\(foreign.prefix(8).joined(separator: ", "))\(foreign.count > 8 ? ", …" : "")); nothing was changed. Give another --ledger or ledgerPath", problem: .notALedger)
        }
    }

    /// Every table and view the migrations create (from a migrated in-memory database).
    package static func ledgerObjectNames() throws -> Set<String> {
        let queue = try DatabaseQueue()
        try Ledger.migrator.migrate(queue)
        return Set(try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        })
    }

    /// A URI opening `path` immutable and read-only: no journal, no shared
    /// memory, no lock (for an archive in a directory nobody writes).
    package static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:\(encoded)?mode=ro&immutable=1"
    }

    /// Whether SQLite's failure says the file is no ledger at all.
    package static func problem(of error: any Error) -> ClusterSlurmError.LedgerProblem {
        (error as? DatabaseError)?.resultCode == .SQLITE_NOTADB ? .notALedger : .other
    }

    /// SQLite's failures in words: what happened and what to do.
    package static func explain(_ error: any Error) -> String {
        guard let db = error as? DatabaseError else { return "\(error)" }
        let detail = db.message ?? "\(db)"
        switch db.resultCode {
        case .SQLITE_FULL:
            return "no space left on device (\(detail)); free space on the ledger's filesystem and try again. Read commands (runs list/show/diff, ledger check) still work: they fall back to read-only"
        case .SQLITE_IOERR:
            return "disk I/O error (\(detail)): the ledger's filesystem may be full or failing; check `df -h` there. Read commands fall back to read-only; --read-only forces it"
        case .SQLITE_READONLY:
            return "the file or its directory is read-only (\(detail)); read commands work with --read-only"
        case .SQLITE_CANTOPEN:
            return "cannot open the file (\(detail)): check that its directory exists and is writable"
        case .SQLITE_NOTADB:
            return "the file is not a SQLite database (\(detail)), so not a cluster-slurm ledger"
        case .SQLITE_CORRUPT:
            return "the database file is damaged (\(detail)); run `cluster-slurm ledger check` and restore from a copy"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "another process held the ledger locked for more than 30 s (\(detail)); try again"
        default:
            return "\(detail) (SQLite error \(db.resultCode.rawValue))"
        }
    }
}
