import Foundation
import GRDB
import LedgerMigrations
import ClusterSlurmSupport
import ClusterSlurmDomain

#if canImport(Glibc)
import Glibc
#endif

/// The run ledger: one SQLite file, shared safely by many processes.
/// Callers never see `Database`; every write is one named transaction.
///
/// The file knows itself: `PRAGMA application_id` holds `applicationId`, and
/// a file that is not a ledger (another program's database, an empty file
/// this tool did not create) is refused rather than "migrated". On local
/// filesystems the ledger runs in WAL mode; on network filesystems (NFS,
/// Lustre, GPFS…), where WAL's shared memory is unsafe, in rollback-journal
/// mode. Read commands can open it read-only (an auditor's copy, a full disk).
public struct Ledger: Sendable {
    package let writer: any DatabaseWriter
    public let path: String
    /// How the file is opened: journal mode and why, read-only or not.
    public let mode: Mode

    /// "CSLG" as a big-endian integer: the value every ledger carries in its header.
    public static let applicationId: Int32 = 0x4353_4C47

    public struct Mode: Sendable, Codable, Equatable {
        /// `wal` or `delete` (rollback journal).
        public var journal: String
        /// The filesystem type of the ledger's directory, as statfs names it.
        public var filesystem: String
        public var readOnly: Bool
        /// Why: network filesystem, read-only file, full disk, `--read-only`.
        public var reason: String?

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(journal: String, filesystem: String, readOnly: Bool, reason: String? = nil) {
            self.journal = journal
            self.filesystem = filesystem
            self.readOnly = readOnly
            self.reason = reason
        }
    }

    public struct OpenOptions: Sendable {
        /// Open read-only, never writing (`--read-only`).
        public var readOnly = false
        /// For read commands: when the file cannot be opened for writing
        /// (read-only file or directory, full disk), open it read-only.
        public var readOnlyFallback = false
        /// For commands that only read (`runs list/show/diff/report`): a
        /// ledger already at this binary's schema is opened with one read-only
        /// connection, without the writer's set-up (GRDB's pool writes and
        /// syncs on every open), the lock or the migrator.
        public var readsOnly = false
        /// Tests inject a filesystem type to exercise the network-filesystem decision.
        public var filesystemOverride: FilesystemKind? = nil
        public init(readOnly: Bool = false, readOnlyFallback: Bool = false, readsOnly: Bool = false, filesystemOverride: FilesystemKind? = nil) {
            self.readOnly = readOnly
            self.readOnlyFallback = readOnlyFallback
            self.readsOnly = readsOnly
            self.filesystemOverride = filesystemOverride
        }
    }

    /// Opens (creating with mode 0600 when missing) and migrates the ledger.
    /// A file lock is held around open + migrate so several processes opening a
    /// fresh ledger at once do not race in GRDB's migrator.
    public init(path: String, options: OpenOptions = OpenOptions()) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        let filesystem = options.filesystemOverride ?? FilesystemKind.of(directory.isEmpty ? "." : directory)
        if options.readOnly {
            (writer, mode) = try Self.openReadOnly(path, filesystem: filesystem, reason: "--read-only")
            return
        }
        if options.readsOnly, let current = Self.openCurrentForReading(path, filesystem: filesystem) {
            (writer, mode) = current
            return
        }
        do {
            (writer, mode) = try Self.openReadWrite(path, directory: directory, filesystem: filesystem)
        } catch let error as ClusterSlurmError where options.readOnlyFallback && FileManager.default.fileExists(atPath: path)
                    && error.ledgerProblem != .notALedger && error.ledgerProblem != .newerSchema {
            (writer, mode) = try Self.openReadOnly(path, filesystem: filesystem, reason: "cannot open for writing: \(error.message)")
        }
    }

    private static func openReadWrite(_ path: String, directory: String, filesystem: FilesystemKind) throws -> (any DatabaseWriter, Mode) {
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw ClusterSlurmError.ledger("cannot create the ledger directory \(directory): \(error.localizedDescription)")
        }
        let lock = try FileLock(path: path + ".lock")
        defer { lock.unlock() }
        let createdNow = try createPrivateFileIfMissing(path)
        if !createdNow { try LedgerIdentity.check(path) }

        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            if filesystem.isNetwork {
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        let writer: any DatabaseWriter
        do {
            if filesystem.isNetwork {
                // No WAL: its shared-memory index does not work across hosts.
                // One connection; SQLite's own file locks serialise writers.
                writer = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                writer = try DatabasePool(path: path, configuration: configuration)
            }
        } catch {
            throw ClusterSlurmError.ledger("cannot open the ledger \(path): \(LedgerIdentity.explain(error))", problem: LedgerIdentity.problem(of: error))
        }
        let migrator = Self.migrator
        do {
            // The common case, a ledger already at this binary's schema, costs
            // one read: the migrator and the identity stamp each commit a
            // write transaction (two fsyncs) even when they change nothing.
            let current = try writer.read { db in
                try migrator.appliedIdentifiers(db) == Set(knownMigrations) && Int32.fetchOne(db, sql: "PRAGMA application_id") == Self.applicationId
            }
            if current { return (writer, writeMode(filesystem)) }
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw ClusterSlurmError.ledger(
                    "the ledger \(path) was written by a newer cluster-slurm (its schema has migrations this binary does not know); upgrade cluster-slurm, or use another ledger with --ledger",
                    problem: .newerSchema)
            }
            try migrator.migrate(writer)
            try writer.write { db in
                if try Int32.fetchOne(db, sql: "PRAGMA application_id") != Self.applicationId {
                    try db.execute(sql: "PRAGMA application_id = \(Self.applicationId)")
                }
            }
        } catch let error as ClusterSlurmError {
            throw error
        } catch {
            throw ClusterSlurmError.ledger("cannot migrate the ledger \(path): \(LedgerIdentity.explain(error))", problem: LedgerIdentity.problem(of: error))
        }
        return (writer, writeMode(filesystem))
    }

    private static func writeMode(_ filesystem: FilesystemKind) -> Mode {
        Mode(journal: filesystem.isNetwork ? "delete" : "wal", filesystem: filesystem.name, readOnly: false,
             reason: filesystem.isNetwork ? "\(filesystem.name) is a network filesystem: WAL's shared memory is unsafe there, so the rollback journal is used" : nil)
    }

    /// A read-only connection to a ledger that needs nothing done to it: it
    /// exists, is ours and has exactly this binary's migrations. Nil sends
    /// the caller down the normal path (which creates, migrates or explains).
    private static func openCurrentForReading(_ path: String, filesystem: FilesystemKind) -> (any DatabaseWriter, Mode)? {
        guard !filesystem.isNetwork, FileManager.default.fileExists(atPath: path), (try? LedgerIdentity.check(path)) != nil else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration),
              let applied = try? queue.read({ db in try Self.migrator.appliedIdentifiers(db) }),
              applied == Set(knownMigrations) else { return nil }
        return (queue, Mode(journal: "wal", filesystem: filesystem.name, readOnly: true, reason: nil))
    }

    /// Read-only: never creates, migrates or writes. A WAL ledger in a
    /// directory this process cannot write is opened as immutable (SQLite
    /// then needs no shared-memory file).
    private static func openReadOnly(_ path: String, filesystem: FilesystemKind, reason: String) throws -> (any DatabaseWriter, Mode) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClusterSlurmError.ledger("no ledger at \(path) to open read-only; check --ledger or ledgerPath")
        }
        try LedgerIdentity.check(path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return (queue, Mode(journal: "read-only", filesystem: filesystem.name, readOnly: true, reason: reason))
        } catch {
            do {
                let queue = try DatabaseQueue(path: LedgerIdentity.immutableURI(path), configuration: configuration)
                _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                return (queue, Mode(journal: "immutable", filesystem: filesystem.name, readOnly: true, reason: reason))
            } catch {
                throw ClusterSlurmError.ledger("cannot open the ledger \(path) even read-only: \(LedgerIdentity.explain(error))")
            }
        }
    }

    package static var migrator: DatabaseMigrator {
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

    /// Creates the file (0600) when missing; true when this call created it.
    private static func createPrivateFileIfMissing(_ path: String) throws -> Bool {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd); return true }
        if errno == EEXIST { return false }
        throw ClusterSlurmError.ledger("cannot create the ledger file \(path): \(String(cString: strerror(errno)))")
    }

    // MARK: - Generic access for the ledger's own extensions

    package func write<T: Sendable>(_ name: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        if mode.readOnly {
            throw ClusterSlurmError.ledger("the ledger \(path) is open read-only (\(mode.reason ?? "read-only")); '\(name)' needs to write")
        }
        do { return try writer.write(body) } catch let error as ClusterSlurmError { throw error } catch {
            throw ClusterSlurmError.ledger("ledger write '\(name)' to \(path) failed: \(LedgerIdentity.explain(error))")
        }
    }

    package func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as ClusterSlurmError { throw error } catch {
            throw ClusterSlurmError.ledger("ledger read from \(path) failed: \(LedgerIdentity.explain(error))")
        }
    }

    /// Runs `PRAGMA integrity_check`; "ok" when healthy.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

/// An exclusive advisory lock on a file, held until `unlock()`.
package struct FileLock {
    private let fd: Int32

    package init(path: String) throws {
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

    package func unlock() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
