import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// One thing SLURM's view showed after release (table `guardrailEvent`).
public struct GuardrailEvent: Codable, Sendable, Equatable, FetchableRecord {
    public var cluster: String
    public var jobId: String
    public var runId: String?
    /// `spawned_job` or `changed_after_release`.
    public var rule: String
    public var detail: String
    public var tasks: Int
    /// `cancelled`, `reported` or `cancel_failed`.
    public var action: String
    public var observedAt: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(cluster: String, jobId: String, runId: String? = nil, rule: String, detail: String, tasks: Int, action: String,
                 observedAt: String) {
        self.cluster = cluster
        self.jobId = jobId
        self.runId = runId
        self.rule = rule
        self.detail = detail
        self.tasks = tasks
        self.action = action
        self.observedAt = observedAt
    }
}

/// What the held check released, and what SLURM showed afterwards.
extension Ledger {
    public func setReleasedRecord(cluster: String, jobId: String, facts: ReleasedFacts) throws {
        let json = try CanonicalJSON.encode(facts)
        try write("setReleasedRecord") { db in
            try db.execute(sql: "UPDATE job SET releasedRecord = ? WHERE cluster = ? AND jobId = ?", arguments: [json, cluster, jobId])
        }
    }

    /// The released record of each of these jobs that has one.
    public func releasedRecords(cluster: String, jobIds: [String]) throws -> [String: ReleasedFacts] {
        guard !jobIds.isEmpty else { return [:] }
        return try read { db in
            var out: [String: ReleasedFacts] = [:]
            for id in jobIds {
                guard let json = try String.fetchOne(db, sql: "SELECT releasedRecord FROM job WHERE cluster = ? AND jobId = ?", arguments: [cluster, id]),
                      let facts = try? JSONDecoder().decode(ReleasedFacts.self, from: Data(json.utf8)) else { continue }
                out[id] = facts
            }
            return out
        }
    }

    /// Each physical run dir the held check released a job into on these
    /// clusters, with its run: where a spawned job is recognised.
    public func releasedRunDirectories(clusters: [String]) throws -> [(runId: String, directory: String)] {
        try read { db in
            let marks = databaseQuestionMarks(count: clusters.count)
            return try Row.fetchAll(db, sql: """
                SELECT DISTINCT runId, json_extract(releasedRecord, '$.workDir') AS dir FROM job
                WHERE cluster IN (\(marks)) AND releasedRecord IS NOT NULL AND json_extract(releasedRecord, '$.workDir') IS NOT NULL
                """, arguments: StatementArguments(clusters)).map { (runId: $0["runId"], directory: $0["dir"]) }
        }
    }

    /// The ids among `jobIds` that this ledger submitted to one of `clusters`.
    public func knownJobIds(clusters: [String], among jobIds: [String]) throws -> Set<String> {
        guard !jobIds.isEmpty else { return [] }
        return try read { db in
            var known = Set<String>()
            let marks = databaseQuestionMarks(count: clusters.count)
            for id in Set(jobIds) where try Bool.fetchOne(db, sql: "SELECT 1 FROM job WHERE cluster IN (\(marks)) AND jobId = ?",
                                                          arguments: StatementArguments(clusters + [id])) == true {
                known.insert(id)
            }
            return known
        }
    }

    /// Records an event once per job and rule; returns false when it was already recorded.
    @discardableResult
    public func recordGuardrailEvent(_ event: GuardrailEvent) throws -> Bool {
        try write("recordGuardrailEvent") { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO guardrailEvent (cluster, jobId, runId, rule, detail, tasks, action, observedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.cluster, event.jobId, event.runId, event.rule, event.detail, event.tasks, event.action, event.observedAt])
            return db.changesCount > 0
        }
    }

    public func guardrailEvents(runId: String? = nil, clusters: [String]? = nil) throws -> [GuardrailEvent] {
        try read { db in
            var sql = "SELECT cluster, jobId, runId, rule, detail, tasks, action, observedAt FROM guardrailEvent WHERE 1"
            var arguments: [DatabaseValueConvertible] = []
            if let runId { sql += " AND runId = ?"; arguments.append(runId) }
            if let clusters { sql += " AND cluster IN (\(databaseQuestionMarks(count: clusters.count)))"; arguments += clusters }
            return try GuardrailEvent.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(arguments))
        }
    }

    /// The tokens of submissions still in flight on these clusters: their
    /// held jobs are ours although the ledger has no job row for them yet.
    public func openSubmitTokens(clusters: [String]) throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT token FROM submitIntent WHERE cluster IN (\(databaseQuestionMarks(count: clusters.count))) AND resolvedAt IS NULL",
                                    arguments: StatementArguments(clusters)))
        }
    }

    /// Whether this job already has an event under `rule`.
    public func hasGuardrailEvent(cluster: String, jobId: String, rule: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM guardrailEvent WHERE cluster = ? AND jobId = ? AND rule = ?", arguments: [cluster, jobId, rule]) == true
        }
    }
}
