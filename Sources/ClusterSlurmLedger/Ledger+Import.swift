import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Restores a run exported as an RO-Crate into this ledger, in one
/// transaction: the run, its script, inputs, submissions, jobs, states,
/// end, outputs, environment, metrics, tags and notes, with every byte the
/// crate holds stored by its sha256.
extension Ledger {
    /// The file of a run's exported record (in an RO-Crate): metrics read from it name it as their source.
    public static let runRecordFile = "cluster-slurm-run.json"

    /// `recordSha256`: the crate's record of the run, the source of metrics
    /// whose metrics file the crate does not hold.
    public func importArchive(_ a: RunArchive, blobs: [String: Data], recordSha256: String, now: Date) throws {
        try write("importArchive") { db in
            guard try !RunRecord.exists(db, key: a.run.id) else {
                throw ClusterSlurmError.invalidInput("run \(a.run.id) is already in the ledger \(self.path); nothing was imported", path: "crate")
            }
            let stamp = Timestamp.string(now)
            for (sha, data) in blobs { try Ledger.storeBlob(db, sha256: sha, data: data, at: stamp) }
            var run = a.run
            if let parent = run.parentRunId, try !RunRecord.exists(db, key: parent) { run.parentRunId = nil }
            if let sha = run.configSha256 {
                if let json = a.configJSON {
                    try db.execute(sql: "INSERT OR IGNORE INTO configSnapshot (sha256, json, createdAt) VALUES (?, ?, ?)", arguments: [sha, json, stamp])
                } else if try !Bool(Int.fetchOne(db, sql: "SELECT count(*) FROM configSnapshot WHERE sha256 = ?", arguments: [sha]) ?? 0 > 0) {
                    run.configSha256 = nil
                }
            }
            try run.insert(db)
            if var script = a.script, a.scriptText != nil {
                script.id = nil
                try script.insert(db)
            }
            var manifests: [Int64: Int64] = [:]
            for entry in a.inputs {
                if manifests[entry.manifestId] == nil {
                    var manifest = UploadManifestRecord(id: nil, runId: run.id, remoteDir: run.remoteRunDir, totalBytes: 0, sentBytes: 0, createdAt: run.createdAt)
                    try manifest.insert(db)
                    manifests[entry.manifestId] = manifest.id
                }
                var copy = entry
                copy.id = nil
                copy.manifestId = manifests[entry.manifestId]!
                if let sha = copy.blobSha256, blobs[sha] == nil { copy.blobSha256 = nil }
                try copy.insert(db)
            }
            for submission in a.submissions { var copy = submission; copy.id = nil; try copy.insert(db) }
            for job in a.jobs { try job.insert(db, onConflict: .ignore) }
            for observation in a.observations { var copy = observation; copy.id = nil; try copy.insert(db) }
            for end in a.ends { try end.insert(db, onConflict: .ignore) }
            for artifact in a.artifacts {
                var copy = artifact
                copy.id = nil
                if let sha = copy.blobSha256, blobs[sha] == nil { copy.blobSha256 = nil }
                try copy.insert(db)
            }
            if let info = a.runInfoJSON {
                try db.execute(sql: "INSERT INTO runInfo (runId, json, ingestedAt) VALUES (?, ?, ?)", arguments: [run.id, info, stamp])
            }
            for task in a.tasks { try task.insert(db, onConflict: .ignore) }
            for edge in a.after where try RunRecord.exists(db, key: edge.upstreamRunId) { try edge.insert(db, onConflict: .ignore) }
            let metricsSource = run.metricsFile.flatMap { file in a.artifacts.last { $0.remotePath.hasSuffix("/" + file) } }
            for (name, value) in a.metrics {
                try db.execute(sql: "INSERT INTO runMetric (runId, name, value, sourcePath, sourceSha256, recordedAt) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [run.id, name, value, metricsSource == nil ? Ledger.runRecordFile : run.metricsFile!,
                                           metricsSource?.sha256 ?? recordSha256, stamp])
            }
            for tag in a.tags {
                try db.execute(sql: "INSERT INTO runTag (runId, tag, createdAt) VALUES (?, ?, ?)", arguments: [run.id, tag, stamp])
            }
            for note in a.notes {
                try db.execute(sql: "INSERT INTO runNote (runId, text, createdAt) VALUES (?, ?, ?)", arguments: [run.id, note.text, note.createdAt])
            }
            if let environment = a.environment {
                try Ledger.storeEnvironment(db, runId: run.id, jobId: a.jobs.last?.jobId, text: environment, at: stamp)
            }
        }
    }
}
