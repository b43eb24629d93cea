import Foundation

/// `job_status`: the state of a job (squeue, then sacct in the same round
/// trip), each change stored as a transition.
public enum JobStatusAction {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var jobId: String
        public var runId: String?
        public var includeAccounting: Bool
        public init(cluster: String? = nil, jobId: String, runId: String? = nil, includeAccounting: Bool = false) {
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
        let statuses = try await observe(jobIds: [jobId], cluster: cluster, context: context)
        let status = statuses[jobId] ?? JobStatus.notFound(jobId)
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
    /// it said for the jobs the ledger knows.
    public static func observe(jobIds: [String], cluster: String, context: ActionContext) async throws -> [String: JobStatus] {
        // sacct's window starts at the earliest submit among the jobs the
        // ledger knows; for jobs it does not know, 30 days back.
        let submitted = try jobIds.compactMap { try context.ledger.job(cluster: cluster, jobId: $0) }.compactMap { Timestamp.parse($0.submittedAt) }
        let earliest = submitted.isEmpty ? context.now().addingTimeInterval(-30 * 86_400) : min(submitted.min()!, context.now())
        let claim = try context.ledger.claimPoll(cluster: cluster, minInterval: context.config.polling.minIntervalSeconds, now: context.now())
        if !claim.allowed {
            return try cachedStatuses(jobIds: jobIds, cluster: cluster, lastQuery: claim.lastQueryAt, context: context)
        }
        let report = try await context.slurm(cluster).status(jobIds: jobIds, since: earliest)
        if report.squeueExit != 0 && report.sacctExit != 0 && report.statuses.values.allSatisfy({ $0.jobState == .notFound }) && !report.diagnostics.isEmpty {
            throw ClusterSlurmError.remote("cannot read job state on \(cluster): \(report.diagnostics.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let stamp = Timestamp.string(context.now())
        try context.ledger.recordObservations(report.statuses.values.map { status in
            JobObservationRecord(
                id: nil, cluster: cluster, jobId: status.jobId, state: status.state, rawState: status.rawState,
                reason: status.reason, exitCode: status.exitCode, elapsed: status.elapsed, elapsedSeconds: status.elapsedSeconds,
                maxRss: status.maxRss, maxRssBytes: status.maxRssBytes, totalCpu: status.totalCpu, allocTres: status.allocTres,
                nodeList: status.nodeList, source: ObservationSource(rawValue: status.source.rawValue) ?? .unknown, isTransition: false, observedAt: stamp)
        })
        return report.statuses
    }

    /// The ledger's last word on each job, used inside the polite-polling
    /// interval; says how old it is and when the cluster may be asked again.
    static func cachedStatuses(jobIds: [String], cluster: String, lastQuery: Date?, context: ActionContext) throws -> [String: JobStatus] {
        var out: [String: JobStatus] = [:]
        let interval = context.config.polling.minIntervalSeconds
        let wait = lastQuery.map { max(0, interval - Int(context.now().timeIntervalSince($0))) } ?? interval
        for id in jobIds {
            var status: JobStatus
            if let last = try context.ledger.latestObservation(cluster: cluster, jobId: id) {
                status = JobStatus(jobId: id, source: .ledger, rawState: last.rawState)
                status.reason = last.reason
                status.exitCode = last.exitCode
                status.elapsed = last.elapsed
                status.elapsedSeconds = last.elapsedSeconds
                status.maxRss = last.maxRss
                status.maxRssBytes = last.maxRssBytes
                status.totalCpu = last.totalCpu
                status.allocTres = last.allocTres
                status.nodeList = last.nodeList
                status.ageSeconds = Timestamp.parse(last.observedAt).map { Int(context.now().timeIntervalSince($0)) }
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
