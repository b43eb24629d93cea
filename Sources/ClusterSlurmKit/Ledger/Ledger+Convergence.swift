import Foundation
import GRDB

/// What the ledger recorded converges to the truth (issue 28): an end
/// captured while accounting was incomplete is completed later, and the
/// cluster's clock is kept beside this machine's.
extension Ledger {
    /// How often an incomplete end is asked about again before the ledger
    /// accepts that accounting will never say more.
    public static let maxEndCompletionTries = 50

    /// The jobs among `jobIds` whose captured end lacks what accounting
    /// gives (exit code, elapsed) and may still be completed.
    public func incompleteJobEnds(cluster: String, jobIds: [String]) throws -> Set<String> {
        guard !jobIds.isEmpty else { return [] }
        return try read { db in
            var out = Set<String>()
            for id in jobIds where try Bool.fetchOne(db, sql: """
                SELECT 1 FROM jobEnd WHERE cluster = ? AND jobId = ? AND (exitCode IS NULL OR elapsedSeconds IS NULL) AND completionTries < ?
                """, arguments: [cluster, id, Self.maxEndCompletionTries]) == true {
                out.insert(id)
            }
            return out
        }
    }

    /// Fills what the captured end lacked from a later answer of
    /// accounting (never overwriting what it had); counts the try.
    /// Returns whether the end is now complete.
    @discardableResult
    public func completeJobEnd(cluster: String, jobId: String, from status: JobStatus, now: Date) throws -> Bool {
        try write("completeJobEnd") { db in
            let signal = JobEndCapture.signal(of: status.exitCode)
            try db.execute(sql: """
                UPDATE jobEnd SET
                    exitCode = coalesce(exitCode, ?), signal = coalesce(signal, ?), elapsedSeconds = coalesce(elapsedSeconds, ?),
                    maxRss = coalesce(maxRss, ?), maxRssBytes = coalesce(maxRssBytes, ?), allocTres = coalesce(allocTres, ?),
                    nodeList = coalesce(nodeList, ?), submitTime = coalesce(submitTime, ?), startTime = coalesce(startTime, ?),
                    endTime = coalesce(endTime, ?), reason = coalesce(reason, ?), completionTries = completionTries + 1
                WHERE cluster = ? AND jobId = ?
                """, arguments: [status.exitCode, signal, status.elapsedSeconds, status.maxRss, status.maxRssBytes, status.allocTres,
                                 status.nodeList, status.submitTime, status.startTime, status.endTime, status.reason, cluster, jobId])
            try db.execute(sql: """
                UPDATE jobEnd SET completedAt = ? WHERE cluster = ? AND jobId = ? AND completedAt IS NULL AND exitCode IS NOT NULL AND elapsedSeconds IS NOT NULL
                """, arguments: [Timestamp.string(now), cluster, jobId])
            return try Bool.fetchOne(db, sql: "SELECT exitCode IS NOT NULL AND elapsedSeconds IS NOT NULL FROM jobEnd WHERE cluster = ? AND jobId = ?",
                                     arguments: [cluster, jobId]) ?? false
        }
    }

    /// One more try that accounting did not answer.
    public func countEndCompletionTry(cluster: String, jobId: String) throws {
        try write("countEndCompletionTry") { db in
            try db.execute(sql: "UPDATE jobEnd SET completionTries = completionTries + 1 WHERE cluster = ? AND jobId = ?", arguments: [cluster, jobId])
        }
    }

    /// Keeps the cluster's clock as it answered, against this machine's.
    public func recordClusterClock(cluster: String, clusterEpoch: Int, now: Date) throws {
        let offset = clusterEpoch - Int(now.timeIntervalSince1970.rounded())
        try write("recordClusterClock") { db in
            try db.execute(sql: """
                INSERT INTO clusterClock (cluster, observedAt, clusterEpoch, offsetSeconds) VALUES (?, ?, ?, ?)
                ON CONFLICT (cluster) DO UPDATE SET observedAt = excluded.observedAt, clusterEpoch = excluded.clusterEpoch, offsetSeconds = excluded.offsetSeconds
                """, arguments: [cluster, Timestamp.string(now), clusterEpoch, offset])
        }
    }

    /// The cluster's clock minus this machine's at the latest status query,
    /// in seconds, when that query was made within `fresh` seconds of `now`
    /// by this machine's clock as it is now (a clock since set right sees
    /// the old observation in the future, and an old one says nothing of today).
    public func clusterClockOffset(cluster: String, now: Date, fresh: TimeInterval = 600) throws -> Int? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT observedAt, offsetSeconds FROM clusterClock WHERE cluster = ?", arguments: [cluster]),
                  let observed = Timestamp.parse(row["observedAt"]) else { return nil }
            let age = now.timeIntervalSince(observed)
            return age >= -5 && age <= fresh ? row["offsetSeconds"] : nil
        }
    }
}
