import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Mixed ledger traffic for the concurrency test and benchmarks: each round
/// renders a job through the real action path (a run, its script, its blob,
/// the action log) and records a submission, job observations and an
/// artifact for it, as a real run would. No cluster is contacted.
public enum LedgerExercise {
    public struct Result: Codable, Sendable {
        public var actions: Int
        public var runs: [String]
        public var seconds: Double
    }

    /// The marker every synthetic submission carries.
    package static let submitCommand = "sbatch (exercise)"

    /// Refuses a ledger holding real runs (a run with a real submission or an
    /// upload) unless `intoRealLedger`: 500 fake runs in a person's history
    /// would be indistinguishable in `runs list` and the views. (A run only
    /// rendered is not counted: several exercise writers on one ledger see
    /// each other's runs in that state.)
    public static func run(count: Int, tag: String, intoRealLedger: Bool = false, context: ActionContext) async throws -> Result {
        if !intoRealLedger {
            let real = try context.ledger.runsWithRealWork(exceptSubmitCommand: submitCommand)
            if real > 0 {
                throw ClusterSlurmError.invalidInput(
                    "the ledger \(context.ledger.path) holds \(real) real run(s); synthetic runs would mix with them. Point --ledger at a scratch file, or pass --into-real-ledger",
                    path: "--ledger")
            }
        }
        let started = Date()
        var runs: [String] = []
        var actions = 0
        for index in 0..<count {
            let rendered = try await context.logged("render_job", parameters: ["exercise": tag]) {
                try await RenderJob.run(.init(prefix: "ex", commands: ["echo \(tag) \(index)"]), context: context)
            }
            runs.append(rendered.runId)
            let stamp = Timestamp.string(context.now())
            let jobId = "\(abs(tag.hashValue) % 100_000)\(index)"
            let job = JobRecord(cluster: rendered.cluster, jobId: jobId, runId: rendered.runId, remoteScriptPath: "/x/job.slurm",
                                outputPattern: "slurm-%j.out", errorPattern: nil, jobName: rendered.runId, submittedAt: stamp,
                                lastState: nil, lastObservedAt: nil)
            _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
                id: nil, runId: rendered.runId, attempt: 0, cluster: rendered.cluster, command: submitCommand, outcome: .submitted,
                jobId: jobId, clusterSuffix: nil, exitStatus: 0, stdout: jobId, stderr: "", submittedAt: stamp), job: job)
            try context.ledger.recordObservations(["PENDING", "RUNNING", "COMPLETED"].map { state in
                JobObservationRecord(id: nil, cluster: rendered.cluster, jobId: jobId, state: state, rawState: state, reason: nil, exitCode: "0:0",
                                     elapsed: nil, elapsedSeconds: 1, maxRss: nil, maxRssBytes: nil, totalCpu: nil, allocTres: nil, nodeList: nil,
                                     source: .sacct, isTransition: false, observedAt: stamp)
            })
            try context.ledger.recordArtifacts([ArtifactRecord(id: nil, runId: rendered.runId, remotePath: "/x/out", localPath: "/x/out", size: 1,
                                                               sha256: Hashing.sha256Hex("\(tag)\(index)"), downloadedAt: stamp)], now: context.now())
            actions += 4
        }
        return Result(actions: actions, runs: runs, seconds: Date().timeIntervalSince(started))
    }
}
