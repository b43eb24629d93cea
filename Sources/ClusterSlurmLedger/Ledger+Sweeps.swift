import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Job arrays' tasks, dependencies between runs, and retries.
extension Ledger {
    /// Records a run's params, the array its script was rendered with and its metrics file.
    public func recordRunShape(runId: String, params: JSONValue?, array: JobArray?, metricsFile: String?) throws {
        let paramsJson = try params.map { try CanonicalJSON.encode($0) }
        let arrayJson = try array.map { try CanonicalJSON.encode($0) }
        try write("recordRunShape") { db in
            try db.execute(sql: "UPDATE run SET paramsJson = ?, arrayJson = ?, metricsFile = ? WHERE id = ?",
                           arguments: [paramsJson, arrayJson, metricsFile, runId])
        }
    }

    /// One row per task of a submitted array, each with its parameters when
    /// the run's array was a list.
    package static func insertArrayTasks(_ db: Database, job: JobRecord) throws {
        guard let specText = job.arraySpec, case .success(let spec) = ArraySpec.parse(specText) else { return }
        let run = try RunRecord.fetchOne(db, key: job.runId)
        let rendered = try run?.arrayJson.flatMap { try JSONDecoder().decode(JobArray.self, from: Data($0.utf8)) }
        let params = rendered?.spec.text == spec.text ? try rendered?.paramsJSON() ?? [:] : [:]
        for index in spec.indexes {
            try ArrayTaskRecord(cluster: job.cluster, arrayJobId: job.jobId, taskIndex: index, runId: job.runId,
                                paramsJson: params[index], lastState: nil, reason: nil, exitCode: nil, elapsedSeconds: nil,
                                maxRssBytes: nil, nodeList: nil, startTime: nil, endTime: nil, lastObservedAt: nil)
                .insert(db, onConflict: .ignore)
        }
    }

    /// Stores what squeue and sacct said about an array's tasks: each task's
    /// last state and accounting, and an arrayTaskTransition row for each
    /// change of state. An ended task stays ended.
    public func recordTaskObservations(cluster: String, arrayJobId: String, tasks: [Int: JobStatus], observedAt: String) throws {
        try write("recordTaskObservations") { db in
            guard let job = try JobRecord.fetchOne(db, key: ["cluster": cluster, "jobId": arrayJobId]) else { return }
            var known: [Int: ArrayTaskRecord] = [:]
            for row in try ArrayTaskRecord.fetchAll(db, sql: "SELECT * FROM arrayTask WHERE cluster = ? AND arrayJobId = ?",
                                                    arguments: [cluster, arrayJobId]) { known[row.taskIndex] = row }
            for (index, status) in tasks.sorted(by: { $0.key < $1.key }) {
                var row = known[index] ?? ArrayTaskRecord(
                    cluster: cluster, arrayJobId: arrayJobId, taskIndex: index, runId: job.runId, paramsJson: nil, lastState: nil,
                    reason: nil, exitCode: nil, elapsedSeconds: nil, maxRssBytes: nil, nodeList: nil, startTime: nil, endTime: nil,
                    lastObservedAt: nil)
                if let last = row.lastState.flatMap(JobState.init(rawValue:)), last.isTerminal, !status.jobState.isTerminal { continue }
                let before = row
                let changed = row.lastState != status.state
                row.lastState = status.state
                row.reason = status.reason
                row.exitCode = status.exitCode ?? row.exitCode
                row.elapsedSeconds = status.elapsedSeconds ?? row.elapsedSeconds
                row.maxRssBytes = status.maxRssBytes ?? row.maxRssBytes
                row.nodeList = status.nodeList ?? row.nodeList
                row.startTime = status.startTime.flatMap { $0.first?.isNumber == true ? $0 : nil } ?? row.startTime
                row.endTime = status.endTime.flatMap { $0.first?.isNumber == true ? $0 : nil } ?? row.endTime
                // Unchanged tasks are not written again: a check of a large array costs what changed.
                guard row != before || known[index] == nil else { continue }
                row.lastObservedAt = observedAt
                try row.save(db)
                if changed {
                    try db.execute(sql: """
                        INSERT INTO arrayTaskTransition (cluster, arrayJobId, taskIndex, state, reason, exitCode, observedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [cluster, arrayJobId, index, status.state, status.reason, status.exitCode, observedAt])
                }
            }
        }
    }

    public func arrayTasks(cluster: String, arrayJobId: String) throws -> [ArrayTaskRecord] {
        try read { db in
            try ArrayTaskRecord.fetchAll(db, sql: "SELECT * FROM arrayTask WHERE cluster = ? AND arrayJobId = ? ORDER BY taskIndex",
                                         arguments: [cluster, arrayJobId])
        }
    }

    public func recordDependencies(_ records: [RunDependencyRecord]) throws {
        try write("recordDependencies") { db in
            for record in records { try record.save(db) }
        }
    }

    /// The runs `runId` waits for.
    public func dependencies(runId: String) throws -> [RunDependencyRecord] {
        try read { db in try RunDependencyRecord.fetchAll(db, sql: "SELECT * FROM runDependency WHERE runId = ? ORDER BY createdAt, upstreamRunId", arguments: [runId]) }
    }

    /// The runs waiting for `runId`.
    public func dependents(runId: String) throws -> [RunDependencyRecord] {
        try read { db in try RunDependencyRecord.fetchAll(db, sql: "SELECT * FROM runDependency WHERE upstreamRunId = ? ORDER BY createdAt, runId", arguments: [runId]) }
    }

    /// Marks an ended job as being retried; true for exactly one caller,
    /// whichever process asks first.
    public func claimRetry(cluster: String, jobId: String, now: Date) throws -> Bool {
        try write("claimRetry") { db in
            try db.execute(sql: "UPDATE job SET retryClaimedAt = ? WHERE cluster = ? AND jobId = ? AND retryClaimedAt IS NULL",
                           arguments: [Timestamp.string(now), cluster, jobId])
            return db.changesCount == 1
        }
    }

    /// Gives a claimed retry back (the resubmission did not happen).
    public func releaseRetry(cluster: String, jobId: String) throws {
        try write("releaseRetry") { db in
            try db.execute(sql: "UPDATE job SET retryClaimedAt = NULL WHERE cluster = ? AND jobId = ?", arguments: [cluster, jobId])
        }
    }

    /// Notes on a retry job what it retries and why.
    public func markRetry(cluster: String, jobId: String, retryOf: String, reason: String) throws {
        try write("markRetry") { db in
            try db.execute(sql: "UPDATE job SET retryOfJobId = ?, retryReason = ? WHERE cluster = ? AND jobId = ?",
                           arguments: [retryOf, reason, cluster, jobId])
        }
    }
}

extension ArrayTaskRecord {
    /// An array's tasks as the ledger last saw them, summed up.
    public static func summary(_ tasks: [ArrayTaskRecord]) -> ArrayStatus.Summary {
        var statuses: [Int: JobStatus] = [:]
        for t in tasks { statuses[t.taskIndex] = JobStatus(jobId: t.jobId, source: .ledger, rawState: t.lastState ?? JobState.pending.rawValue) }
        return ArrayStatus.aggregate(tasks.first?.arrayJobId ?? "", tasks: statuses, expected: tasks.map(\.taskIndex)).summary
    }
}
