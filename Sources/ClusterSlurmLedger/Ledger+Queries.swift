import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

extension Ledger {
    public func run(id: String) throws -> RunRecord? {
        try read { db in try RunRecord.fetchOne(db, key: id) }
    }

    public func requireRun(id: String) throws -> RunRecord {
        guard let run = try run(id: id) else {
            throw ClusterSlurmError(.notFound, "no run \"\(id)\" in the ledger \(path); list runs with `cluster-slurm runs list` or create one with init_run", path: "runId")
        }
        return run
    }

    public func latestScript(runId: String) throws -> ScriptRecord? {
        try read { db in
            try ScriptRecord.fetchOne(db, sql: "SELECT * FROM renderedScript WHERE runId = ? ORDER BY id DESC LIMIT 1", arguments: [runId])
        }
    }

    /// Whether any run's rendered script has these bytes.
    public func isRenderedScript(sha256: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM renderedScript WHERE scriptSha256 = ? LIMIT 1", arguments: [sha256]) ?? false }
    }

    public func blob(sha256: String) throws -> Data? {
        try read { db in try Data.fetchOne(db, sql: "SELECT content FROM blob WHERE sha256 = ?", arguments: [sha256]) }
    }

    public func jobs(runId: String) throws -> [JobRecord] {
        try read { db in
            try JobRecord.fetchAll(db, sql: "SELECT * FROM job WHERE runId = ? ORDER BY submittedAt, jobId", arguments: [runId])
        }
    }

    public func job(cluster: String, jobId: String) throws -> JobRecord? {
        try read { db in try JobRecord.fetchOne(db, key: ["cluster": cluster, "jobId": jobId]) }
    }

    public func job(jobId: String) throws -> [JobRecord] {
        try read { db in try JobRecord.fetchAll(db, sql: "SELECT * FROM job WHERE jobId = ?", arguments: [jobId]) }
    }

    public func latestObservation(cluster: String, jobId: String) throws -> JobObservationRecord? {
        try read { db in
            try JobObservationRecord.fetchOne(db, sql: "SELECT * FROM jobObservation WHERE cluster = ? AND jobId = ? ORDER BY id DESC LIMIT 1",
                                              arguments: [cluster, jobId])
        }
    }

    public func observations(cluster: String, jobId: String) throws -> [JobObservationRecord] {
        try read { db in
            try JobObservationRecord.fetchAll(db, sql: "SELECT * FROM jobObservation WHERE cluster = ? AND jobId = ? ORDER BY id",
                                              arguments: [cluster, jobId])
        }
    }

    public func submitAttempts(runId: String) throws -> [SubmitAttemptRecord] {
        try read { db in
            try SubmitAttemptRecord.fetchAll(db, sql: "SELECT * FROM submitAttempt WHERE runId = ? ORDER BY attempt", arguments: [runId])
        }
    }

    public func uploadEntries(runId: String) throws -> [UploadEntryRecord] {
        try read { db in
            try UploadEntryRecord.fetchAll(db, sql: """
                SELECT e.* FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId
                WHERE m.runId = ? ORDER BY e.id
                """, arguments: [runId])
        }
    }

    /// For each remote path of the run, the newest entry's hash, the stat
    /// signature recorded with it and whether it was verified yet (the
    /// upload's quick check).
    public func remoteSignatures(runId: String) throws -> [String: (sha256: String, signature: String, verified: Bool)] {
        try read { db in
            var out: [String: (sha256: String, signature: String, verified: Bool)] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT e.remotePath, e.sha256, e.remoteStat, e.verified FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId
                WHERE m.runId = ? ORDER BY e.id
                """, arguments: [runId])
            for row in rows {
                let path: String = row["remotePath"]
                // A newer unsigned entry for the path replaces any older trust.
                if let signature: String = row["remoteStat"] {
                    out[path] = (row["sha256"], signature, row["verified"])
                } else {
                    out[path] = nil
                }
            }
            return out
        }
    }

    /// The run's current inputs: the newest upload entry per path inside the run dir.
    public func currentInputs(runId: String) throws -> [UploadEntryRecord] {
        var latest: [String: UploadEntryRecord] = [:]
        for entry in try uploadEntries(runId: runId) { latest[entry.relativePath] = entry }
        return latest.values.sorted { $0.relativePath < $1.relativePath }
    }

    /// The distinct input contents already archived for a run (sha256 → size).
    public func archivedInputBlobs(runId: String) throws -> [String: Int64] {
        try read { db in
            var out: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT e.blobSha256 AS sha, e.size FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId
                WHERE m.runId = ? AND e.blobSha256 IS NOT NULL
                """, arguments: [runId]) { out[row["sha"]] = row["size"] }
            return out
        }
    }

    /// Which of these contents the archive already holds.
    public func existingBlobs(_ shas: [String]) throws -> Set<String> {
        try read { db in
            Set(try Self.rows(db, sql: "SELECT sha256 FROM blob WHERE sha256 IN", matching: shas).map { $0["sha256"] as String })
        }
    }

    /// Rows of `sql` (ending in `… IN`) for any number of values: SQLite caps the
    /// bound parameters of one statement, so they go 500 at a time.
    package static func rows(_ db: Database, sql: String, matching values: [String]) throws -> [Row] {
        var rows: [Row] = []
        for start in stride(from: 0, to: values.count, by: 500) {
            let chunk = Array(values[start..<min(start + 500, values.count)])
            rows += try Row.fetchAll(db, sql: sql + " (" + chunk.map { _ in "?" }.joined(separator: ",") + ")",
                                     arguments: StatementArguments(chunk))
        }
        return rows
    }


    public func artifacts(runId: String) throws -> [ArtifactRecord] {
        try read { db in try ArtifactRecord.fetchAll(db, sql: "SELECT * FROM artifact WHERE runId = ? ORDER BY id", arguments: [runId]) }
    }

    public func actionLog(runId: String? = nil, limit: Int = 1000) throws -> [ActionLogRecord] {
        try read { db in
            if let runId {
                return try ActionLogRecord.fetchAll(db, sql: "SELECT * FROM actionLog WHERE runId = ? ORDER BY id LIMIT ?", arguments: [runId, limit])
            }
            return try ActionLogRecord.fetchAll(db, sql: "SELECT * FROM actionLog ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }

    /// The run whose remote dir holds `remotePath` (a path below it).
    public func runId(containingRemotePath remotePath: String) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT id FROM run WHERE substr(?, 1, length(remoteRunDir) + 1) = remoteRunDir || '/' ORDER BY createdAt DESC LIMIT 1
                """, arguments: [remotePath])
        }
    }

    public func runs(limit: Int = 50) throws -> [RunRecord] {
        try read { db in try RunRecord.fetchAll(db, sql: "SELECT * FROM run ORDER BY createdAt DESC, id DESC LIMIT ?", arguments: [limit]) }
    }

    public func counts() throws -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for table in ["run", "blob", "configSnapshot", "renderedScript", "uploadManifest", "uploadEntry", "submitAttempt",
                          "job", "jobObservation", "artifact", "actionLog"] {
                out[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return out
        }
    }

    /// How a job ended, when the ledger captured it.
    public func jobEnd(cluster: String, jobId: String) throws -> JobEndRecord? {
        try read { db in try JobEndRecord.fetchOne(db, key: ["cluster": cluster, "jobId": jobId]) }
    }

    public func jobEnds(runId: String) throws -> [JobEndRecord] {
        try read { db in try JobEndRecord.fetchAll(db, sql: "SELECT * FROM jobEnd WHERE runId = ? ORDER BY capturedAt", arguments: [runId]) }
    }

    /// How many runs did real work (a submission other than `command`, or an
    /// upload): what the synthetic ledger exercise must not mix with.
    package func runsWithRealWork(exceptSubmitCommand command: String) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM run r
                WHERE EXISTS (SELECT 1 FROM submitAttempt a WHERE a.runId = r.id AND a.command != ?)
                   OR EXISTS (SELECT 1 FROM uploadManifest m WHERE m.runId = r.id)
                """, arguments: [command]) ?? 0
        }
    }
}
