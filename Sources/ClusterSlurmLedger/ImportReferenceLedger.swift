import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// `ledger import-json`: brings the reference plugin's `runs.json` (runs,
/// jobs, script paths) into the ledger. Idempotent: importing the same file
/// again adds nothing.
public enum ImportReferenceLedger {
    package struct ReferenceLedger: Decodable { var runs: [String: ReferenceRun] }
    package struct ReferenceRun: Decodable {
        package var runId: String
        package var clusterId: String
        package var localRunDir: String
        package var remoteRunDir: String
        package var createdAt: String
        package var updatedAt: String?
        package var latestScriptPath: String?
        package var lastJobId: String?
        package var jobs: [ReferenceJob]?
    }
    package struct ReferenceJob: Decodable {
        package var jobId: String
        package var remoteScriptPath: String
        package var localScriptPath: String?
        package var submittedAt: String
        package var submitOutput: String?
    }

    public struct Result: Codable, Sendable {
        public var source: String
        public var runsImported: Int
        public var runsAlreadyPresent: Int
        public var jobsImported: Int
        public var scriptsArchived: Int
    }

    public static func run(path: String, ledger: Ledger, toolVersion: String) throws -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterSlurmError.invalidInput("cannot read \(path)", path: "PATH")
        }
        let reference: ReferenceLedger
        do { reference = try JSONDecoder().decode(ReferenceLedger.self, from: data) } catch {
            let problem = JSONSyntax.firstProblem(in: Array(data)).map { "not valid JSON: \($0.description)" } ?? DecodingProblem.describe(error)
            throw ClusterSlurmError.invalidInput("\(path) is not the reference plugin's runs.json: \(problem); expected {\"runs\": {\"<run id>\": {\"runId\", \"clusterId\", \"localRunDir\", \"remoteRunDir\", \"createdAt\", \"jobs\": [...]}}}", path: "PATH")
        }
        for (key, run) in reference.runs {
            guard key == run.runId, !run.runId.isEmpty, !run.runId.contains("/") else {
                throw ClusterSlurmError.invalidInput("run entry \"\(key)\" has runId \"\(run.runId)\"", path: "runs.\(key)")
            }
            for job in run.jobs ?? [] where !JobId.isValid(job.jobId) {
                throw ClusterSlurmError.invalidInput("job id \"\(job.jobId)\" is not a SLURM job id", path: "runs.\(key).jobs")
            }
        }
        let empty = Result(source: path, runsImported: 0, runsAlreadyPresent: 0, jobsImported: 0, scriptsArchived: 0)
        let scripts: [String: Data] = Dictionary(reference.runs.values.compactMap { run in
            run.latestScriptPath.flatMap { p in FileManager.default.contents(atPath: p).map { (run.runId, $0) } }
        }, uniquingKeysWith: { first, _ in first })
        return try ledger.write("importReference") { db in
            var result = empty
            for run in reference.runs.values.sorted(by: { $0.createdAt < $1.createdAt }) {
                if try RunRecord.fetchOne(db, key: run.runId) != nil {
                    result.runsAlreadyPresent += 1
                } else {
                    try RunRecord(id: run.runId, createdAt: run.createdAt, updatedAt: run.updatedAt ?? run.createdAt, cluster: run.clusterId,
                                  routingReason: nil, matchedIndicator: nil, workload: nil, commandsJson: nil, localRunDir: run.localRunDir,
                                  remoteRunDir: run.remoteRunDir, parentRunId: nil, configSha256: nil, status: .imported,
                                  toolVersion: "reference-plugin (imported by \(toolVersion))", localHost: nil, gitCommit: nil, gitDirtySha256: nil).insert(db)
                    result.runsImported += 1
                    if let data = scripts[run.runId] {
                        let sha = Hashing.sha256Hex(data)
                        try Ledger.storeBlob(db, sha256: sha, data: data, at: run.createdAt)
                        let directives = ScriptDirectives.parse(String(decoding: data, as: UTF8.self))
                        var record = ScriptRecord(id: nil, runId: run.runId, scriptSha256: sha,
                                                  scriptName: ((run.latestScriptPath ?? "job.slurm") as NSString).lastPathComponent,
                                                  localPath: run.latestScriptPath ?? "", directivesJson: try CanonicalJSON.encode(directives),
                                                  envNamesJson: "[]", setupCommandsJson: "[]", modulesJson: "[]", createdAt: run.createdAt)
                        try record.insert(db)
                        result.scriptsArchived += 1
                    }
                }
                for job in run.jobs ?? [] where try JobRecord.fetchOne(db, key: ["cluster": run.clusterId, "jobId": job.jobId]) == nil {
                    try JobRecord(cluster: run.clusterId, jobId: job.jobId, runId: run.runId, remoteScriptPath: job.remoteScriptPath,
                                  outputPattern: "slurm-%j.out", errorPattern: "slurm-%j.err", jobName: nil, submittedAt: job.submittedAt,
                                  lastState: nil, lastObservedAt: nil).insert(db)
                    let attempt = (try Int.fetchOne(db, sql: "SELECT coalesce(max(attempt), 0) + 1 FROM submitAttempt WHERE runId = ?", arguments: [run.runId])) ?? 1
                    var submission = SubmitAttemptRecord(id: nil, runId: run.runId, attempt: attempt, cluster: run.clusterId, command: "sbatch (reference plugin)",
                                                         outcome: .submitted, jobId: job.jobId, clusterSuffix: nil, exitStatus: 0,
                                                         stdout: job.submitOutput ?? "", stderr: "", submittedAt: job.submittedAt)
                    try submission.insert(db)
                    result.jobsImported += 1
                }
            }
            return result
        }
    }
}
