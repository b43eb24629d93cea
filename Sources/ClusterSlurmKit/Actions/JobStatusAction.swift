import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `job_status`: the state of a job (squeue, then sacct in the same round
/// trip), each change stored as a transition.
public enum JobStatusAction {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var jobId: String
        public var runId: String?
        public var includeAccounting: Bool
        /// Ask the cluster even about a job the ledger has seen end (CLI `--refresh`).
        public var refresh: Bool = false
        /// Ask now, whatever `polling.minIntervalSeconds` says (the job said it ended and SLURM showed it).
        public var force: Bool = false
        public init(cluster: String? = nil, jobId: String, runId: String? = nil, includeAccounting: Bool = false, refresh: Bool = false,
                    force: Bool = false) {
            self.refresh = refresh
            self.force = force
            self.cluster = cluster
            self.jobId = jobId
            self.runId = runId
            self.includeAccounting = includeAccounting
        }
    }

    public struct Result: Codable, Sendable {
        public var cluster: String
        public var jobId: String
        public var status: JobStatus
        public var accounting: Accounting?
    }

    public struct Accounting: Codable, Sendable, Equatable {
        public var exitCode: String?
        public var elapsed: String?
        public var elapsedSeconds: Int?
        public var maxRss: String?
        public var totalCpu: String?
        public var allocTres: String?
        public var nodeList: String?
        public var submitTime: String?
        public var startTime: String?
        public var endTime: String?
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let jobId = try JobId.validate(request.jobId)
        let cluster = try resolveCluster(explicit: request.cluster, jobId: jobId, runId: request.runId, context: context)
        let statuses = try await observe(jobIds: [jobId], cluster: cluster, context: context, refresh: request.refresh, force: request.force)
        let status = statuses[jobId] ?? JobStatus.notFound(jobId)
        if let why = status.error {
            let owner = try context.ledger.job(cluster: cluster, jobId: jobId)?.runId
            throw ClusterSlurmError(.remote, "could not determine the state of job \(jobId) on \(cluster): \(why); nothing was recorded, try again later",
                                    path: "jobId", runId: owner ?? request.runId)
        }
        let accounting = request.includeAccounting ? Accounting(
            exitCode: status.exitCode, elapsed: status.elapsed, elapsedSeconds: status.elapsedSeconds, maxRss: status.maxRss,
            totalCpu: status.totalCpu, allocTres: status.allocTres, nodeList: status.nodeList, submitTime: status.submitTime,
            startTime: status.startTime, endTime: status.endTime) : nil
        return Result(cluster: cluster, jobId: jobId, status: status, accounting: accounting)
    }

    /// The cluster of a job: as given, else the one the ledger submitted it
    /// to, else the run's, else the default.
    public static func resolveCluster(explicit: String?, jobId: String?, runId: String?, context: ActionContext) throws -> String {
        if let explicit {
            _ = try context.profile(explicit)
            return explicit
        }
        if let runId, let run = try context.ledger.run(id: runId) { return run.cluster }
        if let jobId {
            let known = try context.ledger.job(jobId: jobId)
            if known.count == 1 { return known[0].cluster }
            if known.count > 1 {
                throw ClusterSlurmError.invalidInput("job \(jobId) exists on several clusters in the ledger (\(known.map(\.cluster).joined(separator: ", "))); pass cluster", path: "cluster")
            }
        }
        return try Router.route(RoutingRequest(), config: context.config).clusterId
    }

    /// Queries the scheduler for `jobIds` (one round trip) and records what
    /// it said for the jobs the ledger knows. A job the ledger has seen end is
    /// final: it is answered from the ledger and not queried again unless
    /// `refresh`. An answer about a job id that now names another job (other
    /// job name: the controller's id counter restarted) is not taken. The
    /// first time a job is seen ended, how it ended is captured (see `JobEndCapture`).
    public static func observe(jobIds: [String], cluster: String, context: ActionContext, refresh: Bool = false,
                               force: Bool = false) async throws -> [String: JobStatus] {
        var answers: [String: JobStatus] = [:]
        var toQuery: [String] = []
        // Each job's ledger row, read once for everything below.
        var known: [String: JobRecord] = [:]
        for id in jobIds { known[id] = try context.ledger.job(cluster: cluster, jobId: id) }
        // Ended jobs whose end was captured while accounting was incomplete:
        // asked again (in the same round trip) until it says more.
        var completing: [String] = []
        let incomplete = try context.ledger.incompleteJobEnds(cluster: cluster, jobIds: jobIds)
        for id in jobIds {
            if !refresh, let job = known[id],
               let last = job.lastState.flatMap(JobState.init(rawValue:)), last.isTerminal,
               let final = try finalStatus(cluster: cluster, jobId: id, context: context) {
                answers[id] = final
                if incomplete.contains(id), job.arraySpec == nil { completing.append(id) }
            } else {
                toQuery.append(id)
            }
        }
        guard !toQuery.isEmpty || !completing.isEmpty else { return answers }
        // sacct's window starts at the earliest submit among the jobs the
        // ledger knows; for jobs it does not know, 30 days back.
        let submitted = toQuery.compactMap { known[$0] }.compactMap { Timestamp.parse($0.submittedAt) }
        let earliest = submitted.isEmpty || submitted.count < toQuery.count
            ? context.now().addingTimeInterval(-30 * 86_400) : min(submitted.min()!, context.now())
        let claim = try context.ledger.claimPoll(cluster: cluster, minInterval: force ? 0 : context.config.polling.minIntervalSeconds, now: context.now())
        if !claim.allowed {
            return answers.merging(try cachedStatuses(jobIds: toQuery, cluster: cluster, lastQuery: claim.lastQueryAt, context: context)) { a, _ in a }
        }
        var arrays: [String: [Int]] = [:]
        for id in toQuery {
            if let spec = known[id]?.arraySpec, case .success(let parsed) = ArraySpec.parse(spec) {
                arrays[id] = parsed.indexes
            }
        }
        let asked = toQuery + completing
        let report: SlurmClient.StatusReport
        do {
            // What the cluster is, asked at most once a day (or when never asked).
            let factsAge = (try? context.ledger.clusterFactsObservedAt(cluster: cluster))?.flatMap(Timestamp.parse)
                .map { context.now().timeIntervalSince($0) }
            let withFacts = factsAge.map { $0 < 0 || $0 > 86_400 } ?? true
            report = try await context.slurm(cluster).status(jobIds: asked, since: earliest, now: context.now(), arrays: arrays, withFacts: withFacts)
        } catch where toQuery.isEmpty {
            // only completing ended jobs: the ledger's answer stands
            return answers
        }
        if let epoch = report.clusterEpoch { try? context.ledger.recordClusterClock(cluster: cluster, clusterEpoch: epoch, now: context.now()) }
        if let facts = report.facts { try? context.ledger.recordClusterFacts(cluster: cluster, facts: facts, now: context.now()) }
        // For an ended job asked again, only a later answer of accounting
        // with the same end completes what was captured; nothing else of it is taken.
        for id in completing {
            if let later = report.statuses[id], later.error == nil, later.jobState.isTerminal,
               later.jobState.rawValue == known[id]?.lastState, later.exitCode != nil || later.elapsedSeconds != nil {
                _ = try? context.ledger.completeJobEnd(cluster: cluster, jobId: id, from: later, now: context.now())
                _ = try? context.ledger.recordObservations([JobObservationRecord(status: later, cluster: cluster, observedAt: Timestamp.string(context.now()))])
                if let final = try finalStatus(cluster: cluster, jobId: id, context: context) { answers[id] = final }
            } else {
                try? context.ledger.countEndCompletionTry(cluster: cluster, jobId: id)
            }
        }
        var statuses = report.statuses.filter { !completing.contains($0.key) }
        for (id, status) in statuses where status.error == nil {
            // Slurm 22.05's sacct names a job's allocation row "allocation" while it starts: no name to compare.
            guard let job = known[id], let expected = job.jobName,
                  let seen = status.jobName, !seen.isEmpty, seen != "allocation", seen != expected else { continue }
            statuses[id] = JobStatus.undetermined(id, "job id \(id) on \(cluster) now names another job (\"\(seen)\", not \"\(expected)\"): the controller reused the id, so this job's own end was not observed")
        }
        let stamp = Timestamp.string(context.now())
        let recorded = try context.ledger.recordObservations(statuses.values.filter { $0.error == nil }.map {
            JobObservationRecord(status: $0, cluster: cluster, observedAt: stamp)
        })
        for (id, tasks) in report.tasks where statuses[id]?.error == nil {
            try context.ledger.recordTaskObservations(cluster: cluster, arrayJobId: id, tasks: tasks, observedAt: stamp)
            statuses[id]?.tasks = report.summaries[id]
        }
        await AfterReleaseWatch.enforce(report, cluster: cluster, context: context)
        // A job that ran more than once: each requeue is recorded against its run and counts as a submission.
        for (id, count) in report.requeues.sorted(by: { $0.key < $1.key }) {
            guard let job = known[id] ?? (try? context.ledger.job(cluster: cluster, jobId: id)) else { continue }
            _ = try? context.ledger.recordGuardrailEvent(GuardrailEvent(
                cluster: cluster, jobId: id, runId: job.runId, rule: "requeued",
                detail: "SLURM requeued the job \(count) time\(count == 1 ? "" : "s") (sacct --duplicates): one submission ran \(count + 1) times; each requeue counts as a submission",
                tasks: count, action: "reported", observedAt: stamp))
        }
        let newlyEnded = recorded.filter { $0.isTransition && (JobState(rawValue: $0.state)?.isTerminal ?? false) }
        if !newlyEnded.isEmpty {
            await JobEndCapture.capture(newlyEnded.compactMap { statuses[$0.jobId] }, cluster: cluster, context: context)
        }
        return answers.merging(statuses) { a, _ in a }
    }

    /// The ledger's final word on an ended job.
    package static func finalStatus(cluster: String, jobId: String, context: ActionContext) throws -> JobStatus? {
        guard let last = try context.ledger.latestObservation(cluster: cluster, jobId: jobId) else { return nil }
        var status = JobStatus(observation: last, now: context.now())
        status.note = "ended: answered from the ledger (an ended job is not queried again; --refresh asks the cluster)"
        status.tasks = try taskSummary(cluster: cluster, jobId: jobId, context: context)
        return status
    }

    /// An array's tasks as the ledger last saw them; nil for a plain job.
    package static func taskSummary(cluster: String, jobId: String, context: ActionContext) throws -> ArrayStatus.Summary? {
        let rows = try context.ledger.arrayTasks(cluster: cluster, arrayJobId: jobId)
        return rows.isEmpty ? nil : ArrayTaskRecord.summary(rows)
    }

    /// The ledger's last word on each job, used inside the polite-polling
    /// interval; says how old it is and when the cluster may be asked again.
    package static func cachedStatuses(jobIds: [String], cluster: String, lastQuery: Date?, context: ActionContext) throws -> [String: JobStatus] {
        var out: [String: JobStatus] = [:]
        let interval = context.config.polling.minIntervalSeconds
        let wait = lastQuery.map { max(0, interval - Int(context.now().timeIntervalSince($0))) } ?? interval
        for id in jobIds {
            var status: JobStatus
            if let last = try context.ledger.latestObservation(cluster: cluster, jobId: id) {
                status = JobStatus(observation: last, now: context.now())
                status.tasks = try taskSummary(cluster: cluster, jobId: id, context: context)
            } else if try context.ledger.job(cluster: cluster, jobId: id) != nil {
                status = JobStatus(jobId: id, source: .ledger, rawState: "SUBMITTED")
                status.reason = "not observed yet"
            } else {
                status = JobStatus(jobId: id, source: .ledger, rawState: "UNKNOWN")
                status.reason = "not a job of this ledger and not queried yet"
            }
            status.cached = true
            status.reason = [status.reason, "polite polling: \(cluster) was queried less than \(interval)s ago; next query in \(wait)s"]
                .compactMap { $0 }.joined(separator: "; ")
            out[id] = status
        }
        return out
    }
}
