import Foundation
import GRDB
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The ledger file knows itself, and picks its journal by filesystem.
@Suite struct LedgerFileTests {
    @Test func newLedgerCarriesTheApplicationId() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let ledger = try Ledger(path: scratch.path + "/l.sqlite")
        #expect(try ledger.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") } == Ledger.applicationId)
        #expect(ledger.mode.journal == "wal" && !ledger.mode.readOnly)
        // and opens again
        _ = try Ledger(path: scratch.path + "/l.sqlite")
    }

    @Test func foreignDatabaseIsRefusedUntouched() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path + "/foreign.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: path) }
        #expect(error.message.contains("not a cluster-slurm ledger") && error.message.contains("notes"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // read-only fallback does not open it either
        #expect(throws: ClusterSlurmError.self) { _ = try Ledger(path: path, options: .init(readOnlyFallback: true)) }
    }

    @Test func otherApplicationIdIsRefused() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path + "/app.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "PRAGMA application_id = 77; CREATE TABLE run (id TEXT)") }
        try queue.close()
        let error = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: path) }
        #expect(error.message.contains("application_id is 0x0000004d"))
    }

    @Test func emptyFileAndNonSQLiteAreRefused() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let empty = scratch.path + "/empty.sqlite"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let emptyError = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: empty) }
        #expect(emptyError.message.contains("empty file"))
        #expect((try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int) == 0)
        let text = scratch.path + "/notes.txt"
        try "hello, this is not SQLite at all, but it is long enough to have a header of a hundred bytes or so....".write(toFile: text, atomically: true, encoding: .utf8)
        let textError = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: text) }
        #expect(textError.message.contains("not a SQLite database"))
    }

    /// A ledger written before application ids (id 0, ledger tables only) is adopted and stamped.
    @Test func legacyLedgerIsAdopted() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path + "/legacy.sqlite"
        let queue = try DatabaseQueue(path: path)
        try Ledger.migrator.migrate(queue)
        try queue.close()
        let ledger = try Ledger(path: path)
        #expect(try ledger.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") } == Ledger.applicationId)
    }

    /// The filesystem decision with an injected type, and the rollback
    /// journal for real: concurrent writers through separate connections.
    @Test func networkFilesystemUsesTheRollbackJournal() async throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path + "/nfs-ledger.sqlite"
        let nfs = FilesystemKind(name: "nfs4")
        #expect(nfs.isNetwork)
        let ledger = try Ledger(path: path, options: .init(filesystemOverride: nfs))
        #expect(ledger.mode.journal == "delete")
        #expect(ledger.mode.reason?.contains("nfs4") == true)
        #expect(try ledger.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let own = try Ledger(path: path, options: .init(filesystemOverride: nfs))
                    for round in 0..<25 {
                        own.logAction(ActionLogRecord(id: nil, action: "t\(writer)-\(round)", runId: nil, cluster: nil, parametersJson: "{}",
                                                      resultJson: nil, error: nil, startedAt: "2026-11-29T00:00:00.000Z", durationMs: 0))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM actionLog") } == 100)
        #expect(try ledger.integrityCheck() == "ok")
        // A local filesystem keeps WAL.
        let local = try Ledger(path: scratch.path + "/local.sqlite", options: .init(filesystemOverride: FilesystemKind(name: "ext4")))
        #expect(local.mode.journal == "wal")
    }

    @Test func readOnlyOpenNeverWrites() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path + "/ro.sqlite"
        _ = try Ledger(path: path)
        let ledger = try Ledger(path: path, options: .init(readOnly: true))
        #expect(ledger.mode.readOnly)
        let error = try #require(throws: ClusterSlurmError.self) {
            try ledger.write("test") { db in try db.execute(sql: "DELETE FROM run") }
        }
        #expect(error.message.contains("read-only"))
        #expect(throws: ClusterSlurmError.self) { _ = try Ledger(path: scratch.path + "/missing.sqlite", options: .init(readOnly: true)) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/missing.sqlite"))
    }

    @Test(arguments: [
        ("/home/u/ws", "nfs4"), ("/home/u", "nfs4"), ("/homework", "ext4"), ("/scratch/x/y", "lustre"), ("/", "ext4"),
        ("/mnt/my disk/ws", "fuse.sshfs"), ("/gpfs/proj", "gpfs"),
    ])
    func mountTableDecidesTheFilesystem(path: String, expected: String) {
        let table = """
        22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
        40 22 0:50 / /home rw,relatime shared:20 - nfs4 server:/home rw,vers=4.2
        41 22 0:51 / /scratch rw shared:21 - lustre 10.0.0.1@o2ib:/scratch rw
        42 22 0:52 / /mnt/my\\040disk rw - fuse.sshfs host: rw
        43 22 0:53 / /gpfs rw - gpfs gpfs0 rw
        """
        #expect(FilesystemKind.mountType(of: path, mountinfo: table) == expected)
    }

    @Test func networkTypes() {
        for name in ["nfs", "nfs4", "lustre", "gpfs", "fuse.sshfs", "cifs", "ceph", "beegfs", "9p"] { #expect(FilesystemKind(name: name).isNetwork, "\(name)") }
        for name in ["ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "nfsd-not-really"] { #expect(!FilesystemKind(name: name).isNetwork, "\(name)") }
    }
}
