import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A run's metrics, tags and notes (read back with `archive(runId:)`).
extension Ledger {
    public func recordMetrics(runId: String, values: [String: Double], sourcePath: String, sourceSha256: String, now: Date) throws {
        try write("recordMetrics") { db in
            for (name, value) in values {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO runMetric (runId, name, value, sourcePath, sourceSha256, recordedAt) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [runId, name, value, sourcePath, sourceSha256, Timestamp.string(now)])
            }
        }
    }

    /// Adds (or with `remove`, removes) tags; returns the run's tags after.
    public func tag(runId: String, tags: [String], remove: Bool = false, now: Date) throws -> [String] {
        try write("tag") { db in
            guard try RunRecord.exists(db, key: runId) else {
                throw ClusterSlurmError(.notFound, "no run \"\(runId)\" in the ledger; `cluster-slurm runs list` shows the runs", path: "runId")
            }
            for tag in tags {
                if remove {
                    try db.execute(sql: "DELETE FROM runTag WHERE runId = ? AND tag = ?", arguments: [runId, tag])
                } else {
                    try db.execute(sql: "INSERT OR IGNORE INTO runTag (runId, tag, createdAt) VALUES (?, ?, ?)", arguments: [runId, tag, Timestamp.string(now)])
                }
            }
            return try String.fetchAll(db, sql: "SELECT tag FROM runTag WHERE runId = ? ORDER BY tag", arguments: [runId])
        }
    }

    public func addNote(runId: String, text: String, now: Date) throws {
        try write("addNote") { db in
            guard try RunRecord.exists(db, key: runId) else {
                throw ClusterSlurmError(.notFound, "no run \"\(runId)\" in the ledger; `cluster-slurm runs list` shows the runs", path: "runId")
            }
            try db.execute(sql: "INSERT INTO runNote (runId, text, createdAt) VALUES (?, ?, ?)", arguments: [runId, text, Timestamp.string(now)])
        }
    }

    /// The environment a run's job recorded (its latest job's replaces an earlier one's).
    public func recordEnvironment(runId: String, jobId: String, text: String, now: Date) throws {
        try write("recordEnvironment") { db in try Ledger.storeEnvironment(db, runId: runId, jobId: jobId, text: text, at: Timestamp.string(now)) }
    }

    /// The environment text stored once by its sha256, and the run's link to it.
    package static func storeEnvironment(_ db: Database, runId: String, jobId: String?, text: String, at stamp: String) throws {
        let data = Data(text.utf8)
        let sha = Hashing.sha256Hex(data)
        try storeBlob(db, sha256: sha, data: data, at: stamp)
        try db.execute(sql: "INSERT OR REPLACE INTO runEnvironment (runId, jobId, sha256, capturedAt) VALUES (?, ?, ?, ?)",
                       arguments: [runId, jobId, sha, stamp])
    }
}
