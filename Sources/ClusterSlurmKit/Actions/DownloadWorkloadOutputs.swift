import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `download_workload_outputs`: one file (`remoteFile`, default
/// `result.json` as in the reference), several (`remotePath` of a folder), or
/// a glob (`outputs/*.json`) from the run dir into the run's local dir.
public enum DownloadWorkloadOutputs {
    public static let defaultRemoteFile = "result.json"

    public struct Request: Codable, Sendable {
        public var runId: String
        public var remotePath: String?
        public var remoteFile: String?
        public var localPath: String?
        /// A task of the run's job array: paths are taken from its task dir (`tasks/N`).
        public var taskIndex: Int?
        public init(runId: String, remotePath: String? = nil, remoteFile: String? = nil, localPath: String? = nil, taskIndex: Int? = nil) {
            self.taskIndex = taskIndex
            self.runId = runId
            self.remotePath = remotePath
            self.remoteFile = remoteFile
            self.localPath = localPath
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var mode = "download_workload_outputs"
        public var runId: String
        public var cluster: String
        public var remotePath: String
        public var localPath: String
        public var files: [Download.File]
        public var metrics: [String: Double]?
        public var metricsNote: String?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let field = request.remotePath?.isEmpty == false ? "remotePath" : "remoteFile"
        let target = request.remotePath?.isEmpty == false ? request.remotePath! : (request.remoteFile?.isEmpty == false ? request.remoteFile! : defaultRemoteFile)
        var trimmed = field == "remoteFile" ? String(target.drop { $0 == "/" }) : target
        let taskDir = try request.taskIndex.map { try taskDirectory(runId: request.runId, taskIndex: $0, context: context) }
        if let taskDir {
            guard !trimmed.hasPrefix("/") else {
                throw ClusterSlurmError.invalidInput("with taskIndex, \(field) is taken from the task's dir \(taskDir): give a relative path", path: field)
            }
            trimmed = taskDir + "/" + trimmed
        }
        let downloaded = try await Download.run(.init(runId: request.runId, remotePaths: [trimmed], localPath: request.localPath),
                                                context: context, field: field)
        if taskDir == nil { await ingestRunInfo(runId: downloaded.runId, context: context) }
        return Result(runId: downloaded.runId, cluster: downloaded.cluster, remotePath: downloaded.remotePath,
                      localPath: downloaded.localPath, files: downloaded.files, metrics: downloaded.metrics, metricsNote: downloaded.metricsNote)
    }

    /// `tasks/N`, the dir of task N of the run's job array.
    package static func taskDirectory(runId: String, taskIndex: Int, context: ActionContext) throws -> String {
        let run = try context.ledger.requireRun(id: runId)
        guard let job = try context.ledger.jobs(runId: run.id).last(where: { $0.arraySpec != nil }) else {
            throw ClusterSlurmError.invalidInput("run \(run.id) has no job array; leave taskIndex out", path: "taskIndex")
        }
        guard try context.ledger.arrayTasks(cluster: job.cluster, arrayJobId: job.jobId).contains(where: { $0.taskIndex == taskIndex }) else {
            throw ClusterSlurmError.invalidInput("job array \(job.jobId) of run \(run.id) has no task \(taskIndex) (its tasks: \(job.arraySpec ?? "?"))", path: "taskIndex")
        }
        return "tasks/\(taskIndex)"
    }

    /// Reads the job's run-info file (written by the rendered script) into
    /// the ledger. Best effort: a run without one (a custom script) is fine.
    package static func ingestRunInfo(runId: String, context: ActionContext) async {
        guard let run = try? context.ledger.requireRun(id: runId), let profile = try? context.profile(run.cluster),
              let directory = try? context.remoteRunDirectory(run),
              let tails = try? await RemoteLogs.tails(of: [.literal(ScriptRenderer.runInfoFile)], in: directory, within: directory, lines: 200,
                                                      endpoint: SSHEndpoint(profile: profile), transport: context.transport),
              let info = tails.first, info.present else { return }
        var facts: [String: String] = [:]
        for line in info.text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            facts[String(line[..<eq])] = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        if let json = try? CanonicalJSON.encode(facts) { try? context.ledger.recordRunInfo(runId: runId, json: json, now: context.now()) }
        let verdicts = info.text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("inputs_verified=") }
        if !verdicts.isEmpty, verdicts.allSatisfy({ $0 == "inputs_verified=ok" }) {
            try? context.ledger.markInputsVerified(runId: runId)
        }
    }
}
