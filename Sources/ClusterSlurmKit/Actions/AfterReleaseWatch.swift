import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// After release, SLURM's view decides (issue 27). A job runs as the user,
/// with sbatch, scontrol and scancel on its PATH: it can submit jobs of its
/// own from its run dir, or `scontrol update` a job of ours that has not
/// started. Every status query lists the user's active jobs and the records
/// of the waiting jobs it asked about (one round trip, see `jobStatus`);
/// this holds them against the ledger:
///
/// - a job the ledger did not submit whose work dir lies inside a run dir
///   the held check released a job into is *spawned by that run*: recorded
///   against the run, counted in its budgets, and cancelled under a policy
///   that sets limits (`policy.spawnedJobs`);
/// - a released job whose record no longer shows what was released is
///   *changed after release*: recorded with before → after, and cancelled
///   the same way.
///
/// Jobs outside every run dir are never touched: a person's own jobs stay
/// theirs. A submission still in flight (its comment carries an open
/// intent's token) is ours, not spawned.
package enum AfterReleaseWatch {
    package struct Finding: Sendable, Equatable {
        package var jobId: String
        package var runId: String?
        package var rule: String
        package var detail: String
        package var tasks: Int
    }

    /// What the report shows against the ledger; pure but for ledger reads.
    package static func findings(_ report: SlurmClient.StatusReport, cluster: String, context: ActionContext) throws -> [Finding] {
        let clusters = context.config.profilesSharingCluster(with: cluster)
        var found: [Finding] = []
        let released = try context.ledger.releasedRecords(cluster: cluster, jobIds: Array(report.records.keys))
        for (id, job) in report.records.sorted(by: { $0.key < $1.key }) {
            guard let before = released[id] else { continue }
            let changes = before.changes(to: ReleasedFacts(job))
            guard !changes.isEmpty || !job.problems.isEmpty else { continue }
            let owner = try context.ledger.job(cluster: cluster, jobId: id)?.runId
            found.append(Finding(jobId: id, runId: owner, rule: "changed_after_release",
                                 detail: (changes + job.problems).joined(separator: "; "), tasks: job.tasks))
        }
        guard let userJobs = report.userJobs, !userJobs.isEmpty else { return found }
        let directories = try context.ledger.releasedRunDirectories(clusters: clusters)
        guard !directories.isEmpty else { return found }
        let known = try context.ledger.knownJobIds(clusters: clusters, among: userJobs.map(\.baseId))
        let inFlight = try context.ledger.openSubmitTokens(clusters: clusters)
        var seen = Set<String>()
        for job in userJobs where !known.contains(job.baseId) {
            if let token = job.comment.split(separator: ":").last, job.comment.hasPrefix("cluster-slurm:"), inFlight.contains(String(token)) { continue }
            let dir = RemotePath.lexicallyResolved(job.workDir)
            guard let owner = directories.first(where: { dir == $0.directory || dir.hasPrefix($0.directory + "/") }) else { continue }
            if let index = found.firstIndex(where: { $0.jobId == job.baseId && $0.rule == "spawned_job" }) {
                found[index].tasks += job.tasks
                continue
            }
            guard seen.insert(job.baseId).inserted else { continue }
            found.append(Finding(jobId: job.baseId, runId: owner.runId, rule: "spawned_job",
                                 detail: "\(job.state) job \(job.id) in \(job.workDir), not submitted by this ledger", tasks: job.tasks))
        }
        return found
    }

    /// Records what is new and, under a policy that cancels, cancels it in
    /// one round trip. Never fails the status query it rides on: a cancel
    /// that could not be made is recorded as `cancel_failed`.
    package static func enforce(_ report: SlurmClient.StatusReport, cluster: String, context: ActionContext) async {
        guard let all = try? findings(report, cluster: cluster, context: context) else { return }
        let new = all.filter { (try? context.ledger.hasGuardrailEvent(cluster: cluster, jobId: $0.jobId, rule: $0.rule)) == false }
        guard !new.isEmpty else { return }
        let policy = context.config.policy(for: cluster)
        var outcome: [String: String] = [:]
        if policy.cancelsUnreleasedJobs {
            let ids = Array(Set(new.map(\.jobId))).sorted()
            let settled = SlurmClient.settledByCancel((try? await context.slurm(cluster).cancel(jobIds: ids))?.stdoutText ?? "")
            for id in ids { outcome[id] = settled.contains(id) ? "cancelled" : "cancel_failed" }
        }
        let stamp = Timestamp.string(context.now())
        for finding in new {
            _ = try? context.ledger.recordGuardrailEvent(GuardrailEvent(
                cluster: cluster, jobId: finding.jobId, runId: finding.runId, rule: finding.rule, detail: finding.detail,
                tasks: finding.tasks, action: outcome[finding.jobId] ?? "reported", observedAt: stamp))
        }
    }
}
