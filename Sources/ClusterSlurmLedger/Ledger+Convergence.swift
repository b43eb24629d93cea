import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

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
            let signal = SlurmExitCode.signal(of: status.exitCode)
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

/// A cluster's facts as last recorded, with what changed.
public struct RecordedClusterFacts: Codable, Sendable, Equatable {
    public var facts: ClusterFacts
    public var observedAt: String
    /// The reading before the latest change, and when the change was seen.
    public var previous: ClusterFacts?
    public var changedAt: String?
    public var note: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(facts: ClusterFacts, observedAt: String, previous: ClusterFacts? = nil, changedAt: String? = nil, note: String) {
        self.facts = facts
        self.observedAt = observedAt
        self.previous = previous
        self.changedAt = changedAt
        self.note = note
    }
}

extension Ledger {
    /// Records what the cluster reported; a reading that differs from the
    /// last one keeps that one as `previous`, with when the change was seen.
    public func recordClusterFacts(cluster: String, facts: ClusterFacts, now: Date) throws {
        let json = try CanonicalJSON.encode(facts)
        let stamp = Timestamp.string(now)
        try write("recordClusterFacts") { db in
            if let old = try String.fetchOne(db, sql: "SELECT factsJson FROM clusterFacts WHERE cluster = ?", arguments: [cluster]) {
                if old == json {
                    try db.execute(sql: "UPDATE clusterFacts SET observedAt = ? WHERE cluster = ?", arguments: [stamp, cluster])
                } else {
                    try db.execute(sql: "UPDATE clusterFacts SET observedAt = ?, factsJson = ?, previousJson = ?, changedAt = ? WHERE cluster = ?",
                                   arguments: [stamp, json, old, stamp, cluster])
                }
            } else {
                try db.execute(sql: "INSERT INTO clusterFacts (cluster, observedAt, factsJson) VALUES (?, ?, ?)", arguments: [cluster, stamp, json])
            }
        }
    }

    /// When the cluster's facts were last read (the status query asks again after a day).
    public func clusterFactsObservedAt(cluster: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT observedAt FROM clusterFacts WHERE cluster = ?", arguments: [cluster]) }
    }

    public func clusterFacts(cluster: String) throws -> RecordedClusterFacts? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clusterFacts WHERE cluster = ?", arguments: [cluster]),
                  let facts = try? JSONDecoder().decode(ClusterFacts.self, from: Data((row["factsJson"] as String).utf8)) else { return nil }
            let previous = (row["previousJson"] as String?).flatMap { try? JSONDecoder().decode(ClusterFacts.self, from: Data($0.utf8)) }
            var note = facts.note
            if let previous, previous.commands != facts.commands {
                let changed = facts.commands.keys.sorted().filter { previous.commands[$0] != facts.commands[$0] }
                    .map { "\($0): \(previous.commands[$0] ?? "none") → \(facts.commands[$0] ?? "none")" }
                note += "; SLURM's commands changed since the last reading (\(changed.joined(separator: ", ")))"
            }
            return RecordedClusterFacts(facts: facts, observedAt: row["observedAt"], previous: previous, changedAt: row["changedAt"], note: note)
        }
    }
}
