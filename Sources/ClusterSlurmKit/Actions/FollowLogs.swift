import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `job-logs --follow`: a running job's stdout and stderr as they grow, in
/// one long round trip that ends when the job leaves the queue. The same
/// log paths and confinement as `job_logs`; secrets redacted line by line.
public enum FollowLogs {
    public struct Request: Sendable {
        public var runId: String?
        public var jobId: String?
        public var cluster: String?
        public var tail: Int?
        /// Stop after this long (the call's timeout); nil: a week.
        public var maxSeconds: Int?
        /// A task of a job array.
        public var taskIndex: Int?
        public init(runId: String? = nil, jobId: String? = nil, cluster: String? = nil, tail: Int? = nil, maxSeconds: Int? = nil,
                    taskIndex: Int? = nil) {
            self.runId = runId; self.jobId = jobId; self.cluster = cluster; self.tail = tail; self.maxSeconds = maxSeconds
            self.taskIndex = taskIndex
        }
    }

    public enum Stream: Sendable { case stdout, stderr }

    public struct Outcome: Sendable {
        public var jobId: String
        public var stdoutPath: String
        public var stderrPath: String?
        /// SLURM's last word on the job (`GONE` when squeue no longer lists it).
        public var endState: String
    }

    public static func run(_ request: Request, context: ActionContext, emit: @escaping @Sendable (Stream, String) -> Void) async throws -> Outcome {
        let lines = try RemoteLogs.checkedTail(request.tail)
        let jobId = try request.jobId.map { try JobId.validate($0) }
        let run = try request.runId.map { try context.ledger.requireRun(id: $0) }
        let cluster = try JobStatusAction.resolveCluster(explicit: request.cluster ?? run?.cluster, jobId: jobId, runId: run?.id, context: context)
        let endpoint = SSHEndpoint(profile: try context.profile(cluster))
        let job = try JobLogs.locateJob(jobId: jobId, taskIndex: request.taskIndex, run: run, cluster: cluster, context: context)
        let owningRun = try context.ledger.requireRun(id: job.runId)
        let runDirectory = try context.remoteRunDirectory(owningRun)
        let paths = try JobLogs.logPaths(job: job, context: context)
        var words = [paths.stdout.word]
        if let stderr = paths.stderr { words.append(stderr.word) }
        let redactor = context.ledger.redactor(runId: owningRun.id)
        let squeueEvery = max(5, min(context.config.polling.minIntervalSeconds, 30))

        // Written by the stream's reader thread, read after the call returns.
        let state = Locked(FollowState())
        let call = RemoteCall(
            label: "follow logs", script: RemoteScripts.followFiles,
            arguments: [runDirectory.word, .literal(String(lines)), .literal(job.jobId), .literal("2"), .literal(String(squeueEvery))] + words,
            stdout: .consumer({ source in
                var frames = FollowFrames()
                var pending: [Int: Data] = [:]
                func deliver(_ file: Int, flush: Bool) {
                    guard var data = pending[file] else { return }
                    // whole lines only, so a secret is never split across two redactions
                    let cut = flush ? data.endIndex : (data.lastIndex(of: 0x0A).map { data.index(after: $0) } ?? data.startIndex)
                    guard cut > data.startIndex else { return }
                    let text = String(decoding: data[data.startIndex..<cut], as: UTF8.self)
                    data.removeSubrange(data.startIndex..<cut)
                    pending[file] = data
                    emit(file == 0 ? .stdout : .stderr, redactor?.redact(text) ?? text)
                }
                while true {
                    let chunk = try source.read(upTo: 1 << 16)
                    if chunk.isEmpty { break }
                    for event in frames.feed(chunk) {
                        switch event {
                        case .bytes(let file, let data):
                            pending[file, default: Data()].append(data)
                            deliver(file, flush: false)
                        case .ended(let end): state.withLock { $0.end = end }
                        case .outside(_, let real): state.withLock { $0.outside = real }
                        case .noDirectory: state.withLock { $0.noDirectory = true }
                        case .squeueFailing(let message): state.withLock { $0.squeueMessage = message }
                        }
                    }
                }
                for file in pending.keys.sorted() { deliver(file, flush: true) }
            }),
            timeoutSeconds: request.maxSeconds ?? 7 * 86400)
        let result = try await context.transport.run(call, on: endpoint)
        let final = state.withLock { $0 }
        if let real = final.outside {
            throw ClusterSlurmError.invalidInput("\(paths.stdout.display) resolves to \(real), outside \(runDirectory); logs are read only inside the run dir", path: "jobId")
        }
        if final.noDirectory { throw ClusterSlurmError(.notFound, "the run dir \(runDirectory) is not on the cluster", path: "runId") }
        if let message = final.squeueMessage {
            throw ClusterSlurmError.remote("stopped following job \(job.jobId): squeue failed ten times in a row (\(message))")
        }
        guard let end = final.end else {
            throw ClusterSlurmError.remote("following job \(job.jobId)'s logs stopped before the job ended (exit \(result.exitStatus)\(result.stderr.isEmpty ? "" : ": " + result.stderr))")
        }
        func absolute(_ display: String) -> String { display.hasPrefix("/") ? display : runDirectory.appending(display).description }
        return Outcome(jobId: job.jobId, stdoutPath: absolute(paths.stdout.display), stderrPath: paths.stderr.map { absolute($0.display) }, endState: end)
    }

    package struct FollowState: Sendable {
        package var end: String?
        package var outside: String?
        package var noDirectory = false
        package var squeueMessage: String?
    }
}
