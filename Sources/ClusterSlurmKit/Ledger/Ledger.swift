import Foundation
import GRDB
import LedgerMigrations
#if canImport(Glibc)
import Glibc
#endif

/// The run ledger: one SQLite file (WAL), shared safely by many processes.
/// Callers never see `Database`; every write is one named transaction.
public struct Ledger: Sendable {
    let writer: DatabasePool
    public let path: String

    /// Opens (creating with mode 0600 when missing) and migrates the ledger.
    /// A file lock is held around open + migrate so several processes opening a
    /// fresh ledger at once do not race in GRDB's migrator.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw ClusterSlurmError.ledger("cannot create the ledger directory \(directory): \(error.localizedDescription)")
        }
        let lock = try FileLock(path: path + ".lock")
        defer { lock.unlock() }
        try Self.createPrivateFile(path)

        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw ClusterSlurmError.ledger("cannot open the ledger \(path): \(error)")
        }
        let migrator = Self.migrator
        do {
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw ClusterSlurmError.ledger(
                    "the ledger \(path) was written by a newer cluster-slurm (its schema has migrations this binary does not know); upgrade cluster-slurm, or use another ledger with --ledger")
            }
            try migrator.migrate(writer)
        } catch let error as ClusterSlurmError {
            throw error
        } catch {
            throw ClusterSlurmError.ledger("cannot migrate the ledger \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in LedgerMigrations.all {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    public static var knownMigrations: [String] { LedgerMigrations.all.map(\.name) }

    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Self.migrator.appliedMigrations(db) }
    }

    private static func createPrivateFile(_ path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ClusterSlurmError.ledger("cannot create the ledger file \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    // MARK: - Generic access for the ledger's own extensions

    func write<T: Sendable>(_ name: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch let error as ClusterSlurmError { throw error } catch {
            throw ClusterSlurmError.ledger("ledger write '\(name)' failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as ClusterSlurmError { throw error } catch {
            throw ClusterSlurmError.ledger("ledger read failed: \(error)")
        }
    }

    /// Runs `PRAGMA integrity_check`; "ok" when healthy.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

/// An exclusive advisory lock on a file, held until `unlock()`.
struct FileLock {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ClusterSlurmError.ledger("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                close(fd)
                throw ClusterSlurmError.ledger("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func unlock() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
