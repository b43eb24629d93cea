import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

extension Ledger {
    public func policyUsage(cluster: String, now: Date) throws -> PolicyUsage {
        try policyUsage(clusters: [cluster], now: now)
    }

    /// Usage over every profile in `clusters` (those that reach one SLURM
    /// cluster): array tasks count one each, and jobs workloads submitted
    /// that were reported, not cancelled, count as submissions.
    public func policyUsage(clusters: [String], now: Date) throws -> PolicyUsage {
        let hourAgo = Timestamp.string(now.addingTimeInterval(-3600))
        var day = tm()
        var t = time_t(now.timeIntervalSince1970)
        gmtime_r(&t, &day)
        let today = String(format: "%04d-%02d-%02dT00:00:00.000Z", Int(day.tm_year) + 1900, Int(day.tm_mon) + 1, Int(day.tm_mday))
        let terminal = JobState.terminal.map { "'\($0.rawValue)'" }.joined(separator: ",")
        let marks = databaseQuestionMarks(count: clusters.count)
        return try read { db in
            var active: [String] = []
            var activeTasks = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT jobId, arrayTaskCount FROM job WHERE cluster IN (\(marks)) AND (lastState IS NULL OR lastState NOT IN (\(terminal), 'NOT_FOUND'))
                """, arguments: StatementArguments(clusters)) {
                let id: String = row["jobId"]
                let tasks = (row["arrayTaskCount"] as Int?) ?? 1
                active.append(id)
                activeTasks += max(tasks, 1)
            }
            let submissions = try Int.fetchOne(db, sql: """
                SELECT coalesce(sum(coalesce(j.arrayTaskCount, 1)), 0) FROM submitAttempt a LEFT JOIN job j ON j.cluster = a.cluster AND j.jobId = a.jobId
                WHERE a.cluster IN (\(marks)) AND a.outcome IN ('submitted', 'adopted') AND a.submittedAt >= ?
                """, arguments: StatementArguments(clusters + [hourAgo])) ?? 0
            let spawned = try Int.fetchOne(db, sql: """
                SELECT coalesce(sum(tasks), 0) FROM guardrailEvent WHERE cluster IN (\(marks)) AND ((rule = 'spawned_job' AND action != 'cancelled') OR rule = 'requeued') AND observedAt >= ?
                """, arguments: StatementArguments(clusters + [hourAgo])) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.elapsedSeconds AS elapsed, o.allocTres AS tres FROM job j
                JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = j.cluster AND jobId = j.jobId)
                WHERE j.cluster IN (\(marks)) AND j.submittedAt >= ?
                """, arguments: StatementArguments(clusters + [today]))
            var gpuHours = 0.0, cpuHours = 0.0
            for row in rows {
                let elapsed = Double((row["elapsed"] as Int?) ?? 0) / 3600
                let tres = (row["tres"] as String?) ?? ""
                gpuHours += elapsed * Double(Self.tresCount(tres, key: "gres/gpu"))
                cpuHours += elapsed * Double(Self.tresCount(tres, key: "cpu"))
            }
            return PolicyUsage(activeJobs: active, submissionsLastHour: submissions + spawned, gpuHoursToday: gpuHours, cpuHoursToday: cpuHours,
                               activeTaskCount: activeTasks)
        }
    }

    package static func tresCount(_ tres: String, key: String) -> Int {
        for item in tres.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == key { return Int(parts[1]) ?? 0 }
        }
        return 0
    }

    /// The latest submissions of a workload (or of every workload on a
    /// cluster) within the window, newest first, with whether each failed
    /// (submit error, or a failed job).
    public func recentOutcomes(fingerprint: String, since: Date) throws -> [(failed: Bool?, detail: RecentFailure)] {
        try recentOutcomes(filter: "s.fingerprint = ?", value: fingerprint, since: since)
    }

    public func recentOutcomes(cluster: String, since: Date) throws -> [(failed: Bool?, detail: RecentFailure)] {
        try recentOutcomes(filter: "s.cluster = ?", value: cluster, since: since)
    }

    /// The jobs among the recent submissions (of a workload, or on a
    /// cluster) whose end the ledger has not seen: what to ask SLURM about
    /// before a breaker decides.
    public static func unobserved(_ outcomes: [(failed: Bool?, detail: RecentFailure)], within count: Int) -> [String] {
        outcomes.prefix(count).filter { $0.failed == nil }.compactMap(\.detail.jobId)
    }

    private func recentOutcomes(filter: String, value: String, since: Date) throws -> [(failed: Bool?, detail: RecentFailure)] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.runId, s.jobId, s.submittedAt, s.outcome, s.stderr, j.lastState, o.exitCode, o.reason,
                       EXISTS (SELECT 1 FROM jobObservation c WHERE c.cluster = j.cluster AND c.jobId = j.jobId AND c.source = 'scancel')
                       AND NOT EXISTS (SELECT 1 FROM guardrailEvent g WHERE g.cluster = j.cluster AND g.jobId = j.jobId AND g.action = 'cancelled') AS cancelledByTool,
                       (SELECT g.detail FROM guardrailEvent g WHERE g.cluster = j.cluster AND g.jobId = j.jobId AND g.action = 'violation' LIMIT 1) AS violation
                FROM submitAttempt s
                LEFT JOIN job j ON j.cluster = s.cluster AND j.jobId = s.jobId
                LEFT JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = j.cluster AND jobId = j.jobId)
                WHERE \(filter) AND s.submittedAt >= ? ORDER BY s.submittedAt DESC, s.id DESC LIMIT 200
                """, arguments: [value, Timestamp.string(since)])
            let failures: Set<String> = ["FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE"]
            return rows.map { row in
                let outcome: String = row["outcome"]
                let state: String? = row["lastState"]
                let failed: Bool?
                let what: String
                if let violation = row["violation"] as String? {
                    failed = true
                    what = "\(state ?? "ended"), with a guardrail violation: \(violation.prefix(200))"
                } else if outcome == "failed" {
                    failed = true
                    what = "sbatch failed: " + ((row["stderr"] as String?) ?? "").split(whereSeparator: \.isNewline).suffix(2).joined(separator: " / ")
                } else if let state, failures.contains(state) {
                    failed = true
                    what = "\(state) exit \((row["exitCode"] as String?) ?? "?")" + ((row["reason"] as String?).map { " (\($0))" } ?? "")
                } else if state == "CANCELLED", !((row["cancelledByTool"] as Bool?) ?? false) {
                    // cancelled by the job itself (`scancel $SLURM_JOB_ID`), a workload of the user's or the guardrails: a failure
                    failed = true
                    what = "CANCELLED, not by cluster-slurm's cancel" + ((row["reason"] as String?).map { " (\($0))" } ?? "")
                } else if let state, JobState(rawValue: state)?.isTerminal == true {
                    failed = false
                    what = state
                } else {
                    failed = nil
                    what = state ?? "not observed"
                }
                return (failed, RecentFailure(runId: row["runId"], jobId: row["jobId"], submittedAt: row["submittedAt"], what: what))
            }
        }
    }
}
