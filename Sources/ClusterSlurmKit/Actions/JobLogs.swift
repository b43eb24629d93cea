import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `job_logs`: the tail of a job's stdout (and stderr, when separate), at
/// the paths its `--output`/`--error` patterns give, in one round trip.
public enum JobLogs {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var runId: String?
        public var jobId: String?
        public var remotePath: String?
        public var tail: Int?
        /// A task of a job array: its own logs.
        public var taskIndex: Int?
        public init(cluster: String? = nil, runId: String? = nil, jobId: String? = nil, remotePath: String? = nil, tail: Int? = nil,
                    taskIndex: Int? = nil) {
            self.taskIndex = taskIndex
            self.cluster = cluster
            self.runId = runId
            self.jobId = jobId
            self.remotePath = remotePath
            self.tail = tail
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var remotePath: String
        public var missing: Bool
        public var log: String
        public var runId: String?
        public var jobId: String?
        public var stderrPath: String?
        public var stderrMissing: Bool?
        public var stderrLog: String?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        var result = try await read(request, context: context)
        // The job may have printed a secret it was given: redacted before it is returned or logged.
        if let redactor = context.ledger.redactor(runId: result.runId) {
            result.log = redactor.redact(result.log)
            result.stderrLog = result.stderrLog.map(redactor.redact)
        }
        return result
    }

    package static func read(_ request: Request, context: ActionContext) async throws -> Result {
        let lines = try RemoteLogs.checkedTail(request.tail)
        let jobId = try request.jobId.map { try JobId.validate($0) }
        let run = try request.runId.map { try context.ledger.requireRun(id: $0) }
        let cluster = try JobStatusAction.resolveCluster(explicit: request.cluster ?? run?.cluster, jobId: jobId, runId: run?.id, context: context)
        let endpoint = SSHEndpoint(profile: try context.profile(cluster))

        if let remotePath = request.remotePath, !remotePath.isEmpty {
            let (directory, word, display) = try resolveExplicitPath(remotePath, run: run, context: context)
            // Confined as downloads are: inside the run's dir, or without a run inside remoteRoot.
            let root = try run.map { try context.remoteRunDirectory($0) } ?? context.profile(cluster).remoteRoot
            let tails = try await RemoteLogs.tails(of: [word], in: directory, within: root, lines: lines, endpoint: endpoint, transport: context.transport)
            try refuseOutside(tails, root: root, field: "remotePath", asked: display)
            return Result(cluster: cluster, remotePath: display, missing: !tails[0].present, log: tails[0].text, runId: run?.id, jobId: jobId)
        }
        let job = try locateJob(jobId: jobId, taskIndex: request.taskIndex, run: run, cluster: cluster, context: context)
        let owningRun = try context.ledger.requireRun(id: job.runId)
        let runDirectory = try context.remoteRunDirectory(owningRun)
        var paths = try logPaths(job: job, context: context)
        func absolute(_ display: String) -> String { display.hasPrefix("/") ? display : runDirectory.appending(display).description }
        paths.stdout.display = absolute(paths.stdout.display)
        if let stderr = paths.stderr { paths.stderr = (stderr.word, absolute(stderr.display)) }
        var words = [paths.stdout.word]
        if let stderr = paths.stderr { words.append(stderr.word) }
        let tails = try await RemoteLogs.tails(of: words, in: runDirectory, within: runDirectory, lines: lines,
                                               endpoint: endpoint, transport: context.transport)
        try refuseOutside(tails, root: runDirectory, field: "jobId", asked: paths.stdout.display)
        return Result(cluster: cluster, remotePath: paths.stdout.display, missing: !tails[0].present, log: tails[0].text,
                      runId: owningRun.id, jobId: job.jobId, stderrPath: paths.stderr?.display,
                      stderrMissing: paths.stderr == nil ? nil : !tails[1].present, stderrLog: paths.stderr == nil ? nil : tails[1].text)
    }

    package static func refuseOutside(_ tails: [RemoteLogs.Tail], root: RemotePath, field: String, asked: String) throws {
        for tail in tails {
            if let real = tail.outside {
                throw ClusterSlurmError.invalidInput(
                    "\(asked) resolves to \(real), outside \(root); job_logs reads only files inside the run dir (or, without runId, inside remoteRoot), symlinks resolved on the cluster, as download_workload_outputs does",
                    path: field)
            }
        }
    }

    /// The job whose logs are wanted. An array task (`123_4`, or the run's
    /// array with `taskIndex`) is its array's job under the task's own id,
    /// so its `%A_%a` log paths expand to that task's files; an array asked
    /// for without a task answers with its first failed task.
    package static func locateJob(jobId: String?, taskIndex: Int? = nil, run: RunRecord?, cluster: String, context: ActionContext) throws -> JobRecord {
        var job: JobRecord
        var task = taskIndex
        if let jobId {
            let parts = jobId.split(separator: "_", maxSplits: 1).map(String.init)
            if let found = try context.ledger.job(cluster: cluster, jobId: jobId) {
                job = found
            } else if parts.count == 2, let index = Int(parts[1]), let array = try context.ledger.job(cluster: cluster, jobId: parts[0]),
                      array.arraySpec != nil {
                guard task == nil || task == index else {
                    throw ClusterSlurmError.invalidInput("jobId \(jobId) is task \(index), but taskIndex says \(task!)", path: "taskIndex")
                }
                job = array
                task = index
            } else {
                throw ClusterSlurmError(.notFound, "job \(jobId) on \(cluster) is not in the ledger, so its log paths are unknown; pass remotePath", path: "jobId")
            }
        } else {
            guard let run else { throw ClusterSlurmError.invalidInput("give jobId, runId or remotePath", path: "jobId") }
            guard let last = try context.ledger.jobs(runId: run.id).last else {
                throw ClusterSlurmError(.notFound, "run \(run.id) has no submitted job yet", path: "runId")
            }
            job = last
        }
        guard let spec = job.arraySpec else {
            if task != nil {
                throw ClusterSlurmError.invalidInput("job \(job.jobId) is not a job array; leave taskIndex out", path: "taskIndex")
            }
            return job
        }
        guard let task else {
            // No task named: the one that tells most, its first failed task (else its first).
            return JobEndCapture.representative(job, cluster: cluster, context: context)
        }
        guard try context.ledger.arrayTasks(cluster: cluster, arrayJobId: job.jobId).contains(where: { $0.taskIndex == task }) else {
            throw ClusterSlurmError.invalidInput("job array \(job.jobId) has no task \(task) (its tasks: \(spec))", path: "taskIndex")
        }
        job.jobId = "\(job.jobId)_\(task)"
        return job
    }

    /// Where a job's stdout and stderr are, relative to its run dir.
    package static func logPaths(job: JobRecord, context: ActionContext) throws -> (stdout: (word: ShellWord, display: String), stderr: (word: ShellWord, display: String)?) {
        let node = try LogPathPattern.firstNode(of: context.ledger.latestObservation(cluster: job.cluster, jobId: job.jobId)?.nodeList)
        let expansion = LogPathPattern.Context(jobId: job.jobId, jobName: job.jobName ?? "", firstNode: node)
        let stdout = LogPathPattern.expand(job.outputPattern ?? LogPathPattern.defaultOutput, context: expansion)
        guard let errorPattern = job.errorPattern else { return (stdout, nil) }
        let stderr = LogPathPattern.expand(errorPattern, context: expansion)
        return (stdout, stderr.display == stdout.display ? nil : stderr)
    }

    package static func resolveExplicitPath(_ path: String, run: RunRecord?, context: ActionContext) throws -> (RemotePath?, ShellWord, String) {
        if let remote = RemotePath(parsing: path) { return (nil, remote.word, remote.description) }
        guard let run else {
            throw ClusterSlurmError.invalidInput("a relative remotePath needs runId (it is taken from the run dir); or give an absolute path", path: "remotePath")
        }
        let relative = try LocalFiles.checkedRelative(path, field: "remotePath")
        let directory = try context.remoteRunDirectory(run)
        return (directory, .literal(relative), directory.appending(relative).description)
    }
}
