import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `after`: a run starts only once other runs' jobs ended as asked. The
/// scheduler enforces it (`--dependency=afterok:…`); an upstream that has
/// already ended is settled here, because SLURM forgets ended jobs after
/// MinJobAge and would then refuse the dependency.
package enum RunDependencies {
    /// The upstream runs, checked against the ledger alone (before anything
    /// is created or sent): they exist, are on `cluster`, are not the run
    /// itself, and have been submitted.
    package static func check(_ after: [RunDependencyRequest], cluster: String, runId: String?, context: ActionContext) throws -> [(RunDependencyRequest, JobRecord)] {
        var out: [(RunDependencyRequest, JobRecord)] = []
        for (index, entry) in after.enumerated() {
            let path = "after[\(index)]"
            guard entry.runId != runId else {
                throw ClusterSlurmError.invalidInput("a run cannot wait for itself", path: path)
            }
            guard let upstream = try context.ledger.run(id: entry.runId) else {
                throw ClusterSlurmError(.notFound, "no run \"\(entry.runId)\" in the ledger to wait for; list runs with `cluster-slurm runs list`", path: path)
            }
            guard upstream.cluster == cluster else {
                throw ClusterSlurmError.invalidInput("run \(upstream.id) is on cluster \"\(upstream.cluster)\", this run on \"\(cluster)\": SLURM dependencies only work within one cluster", path: path)
            }
            guard let job = try context.ledger.jobs(runId: upstream.id).last else {
                throw ClusterSlurmError.invalidInput("run \(upstream.id) has no job yet (its status is \(upstream.status.rawValue)); submit it first", path: path)
            }
            out.append((entry, job))
        }
        return out
    }

    /// The sbatch `--dependency` value (nil when every upstream has already
    /// ended as required) and the edges to record. An upstream that ended
    /// so that this run could never start is refused: nothing is submitted.
    /// How a submission's `after` was settled: the `--dependency` option for
    /// sbatch (nil when nothing is left to wait for), and each upstream's record.
    package typealias Resolved = (option: String?, records: [RunDependencyRecord])

    package static func resolve(_ after: [RunDependencyRequest], run: RunRecord, context: ActionContext) async throws -> Resolved {
        guard !after.isEmpty else { return (nil, []) }
        let checked = try check(after, cluster: run.cluster, runId: run.id, context: context)
        // What the upstream jobs are now: one status query for those not known to have ended.
        let open = checked.map(\.1).filter { !(JobState(rawValue: $0.lastState ?? "")?.isTerminal ?? false) }.map(\.jobId)
        let statuses = open.isEmpty ? [:] : try await JobStatusAction.observe(jobIds: open, cluster: run.cluster, context: context)
        var byType: [String: [String]] = [:]
        var records: [RunDependencyRecord] = []
        let stamp = Timestamp.string(context.now())
        for (index, (entry, job)) in checked.enumerated() {
            let state = JobState(rawValue: job.lastState ?? "").flatMap { $0.isTerminal ? $0 : nil }
                ?? statuses[job.jobId].flatMap { $0.error == nil && $0.jobState.isTerminal ? $0.jobState : nil }
            var resolution = "slurm"
            if let state {
                guard entry.kind.isSatisfied(by: state) else {
                    throw ClusterSlurmError.invalidInput(
                        "run \(entry.runId) (job \(job.jobId)) ended \(state.rawValue), so a run after it (when \(entry.kind.rawValue)) could never start; nothing was submitted",
                        path: "after[\(index)]")
                }
                resolution = "satisfied"
            } else {
                byType[entry.kind.sbatchType, default: []].append(job.jobId)
            }
            records.append(RunDependencyRecord(runId: run.id, upstreamRunId: entry.runId, kind: entry.kind, upstreamJobId: job.jobId,
                                               resolution: resolution, createdAt: stamp))
        }
        return (option(byType), records)
    }

    /// sbatch's `--dependency` value: `afterany:7,afterok:5:6` (every clause must hold).
    package static func option(_ jobsByType: [String: [String]]) -> String? {
        let text = jobsByType.keys.sorted().map { type in ([type] + jobsByType[type]!).joined(separator: ":") }.joined(separator: ",")
        return text.isEmpty ? nil : text
    }

    /// Why a pending job can never start, when the scheduler says so.
    package static func neverSatisfied(_ status: JobStatus) -> Bool {
        status.jobState == .pending && (status.reason ?? "").hasPrefix("DependencyNeverSatisfied")
    }

    /// The upstream runs that ended so that `runId` cannot start, for the reason text.
    package static func blockers(runId: String, context: ActionContext) throws -> [String] {
        try context.ledger.dependencies(runId: runId).compactMap { edge in
            guard let job = try context.ledger.jobs(runId: edge.upstreamRunId).last,
                  let state = job.lastState.flatMap(JobState.init(rawValue:)), state.isTerminal, !edge.kind.isSatisfied(by: state) else { return nil }
            return "\(edge.upstreamRunId) ended \(state.rawValue)"
        }
    }

    /// A run's job ended for good (no retry): the runs waiting for it that
    /// now never can start are cancelled at once, with that reason, and so
    /// on down the chain. Best effort: a run not reached now is settled by
    /// its own next check (SLURM holds it as DependencyNeverSatisfied).
    package static func settleDependents(of runId: String, endedAs state: JobState, context: ActionContext) async {
        var queue: [(String, JobState)] = [(runId, state)]
        var seen: Set<String> = [runId]
        while !queue.isEmpty {
            let (upstream, ended) = queue.removeFirst()
            guard let edges = try? context.ledger.dependents(runId: upstream) else { continue }
            for edge in edges where edge.resolution == "slurm" && !edge.kind.isSatisfied(by: ended) && seen.insert(edge.runId).inserted {
                guard let job = try? context.ledger.jobs(runId: edge.runId).last,
                      !(job.lastState.flatMap(JobState.init(rawValue:))?.isTerminal ?? false) else { continue }
                let why = "DependencyNeverSatisfied: \(upstream) ended \(ended.rawValue); cancelled by cluster-slurm, it could never start"
                guard let outcome = try? await CancelJob.cancelActive([job], cluster: job.cluster, context: context, reason: why),
                      outcome.cancelled.contains(job.jobId) else { continue }
                queue.append((edge.runId, .cancelled))
            }
        }
    }

    /// A retry replaced `oldJob` of `runId` by `newJob`: the runs still
    /// waiting for it wait for the new job instead (`scontrol update`), so a
    /// chain follows its retries.
    package static func followRetry(runId: String, oldJob: String, newJob: String, context: ActionContext) async throws {
        let edges = try context.ledger.dependents(runId: runId).filter { $0.resolution == "slurm" && $0.upstreamJobId == oldJob }
        var moves: [(edge: RunDependencyRecord, jobId: String, dependency: String)] = []
        for edge in edges {
            guard let job = try context.ledger.jobs(runId: edge.runId).last,
                  !(job.lastState.flatMap(JobState.init(rawValue:))?.isTerminal ?? false) else { continue }
            var moved = edge
            moved.upstreamJobId = newJob
            let all = try context.ledger.dependencies(runId: edge.runId).filter { $0.resolution == "slurm" }
                .map { $0.upstreamRunId == edge.upstreamRunId && $0.kind == edge.kind ? moved : $0 }
            var byType: [String: [String]] = [:]
            for e in all { if let id = e.upstreamJobId { byType[e.kind.sbatchType, default: []].append(id) } }
            if let dependency = option(byType) { moves.append((moved, job.jobId, dependency)) }
        }
        guard !moves.isEmpty, let cluster = try context.ledger.run(id: runId)?.cluster else { return }
        let result = try await context.slurm(cluster).updateDependencies(moves.map { ($0.jobId, $0.dependency) })
        // What SLURM made of each: only a dependency it moved is recorded as moved.
        let answers = DependencyUpdates.parse(result.stdoutText)
        for move in moves {
            if answers.updated.contains(move.jobId) {
                try context.ledger.recordDependencies([move.edge])
            } else {
                let why = answers.failed[move.jobId] ?? (result.succeeded ? "no answer" : String(result.stderr.prefix(200)))
                try context.ledger.addNote(runId: move.edge.runId, text: "SLURM did not move job \(move.jobId)'s dependency from job \(oldJob) to its retry \(newJob) (\(why)); it still waits for \(oldJob)", now: context.now())
            }
        }
    }
}

/// The dependency-update program's answer: `@@UPDATED id` or `@@FAILED id message` per job.
package enum DependencyUpdates {
    package static func parse(_ text: String) -> (updated: Set<String>, failed: [String: String]) {
        var updated = Set<String>(), failed: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2 else { continue }
            if parts[0] == "@@UPDATED" { updated.insert(String(parts[1])) }
            if parts[0] == "@@FAILED" { failed[String(parts[1])] = parts.count > 2 ? String(parts[2]).trimmingCharacters(in: .whitespaces) : "failed" }
        }
        return (updated, failed)
    }
}
