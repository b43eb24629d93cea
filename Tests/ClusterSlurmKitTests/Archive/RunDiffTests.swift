import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

private let A = "run-20261129-000001"
private let B = "run-20261129-000002"

@Suite struct RunDiffTests {
    static func archive(id: String, script: String = "#!/bin/bash\n#SBATCH --job-name=ID\npython3 a.py\n", directives: String = #"{"jobName":"ID","time":"00:10:00"}"#,
                        setup: String = #"["module load rcac"]"#, inputs: [(String, String)] = [("a.py", "aa")],
                        outputs: [(String, String)] = [("out.json", "oo")], state: String = "COMPLETED", elapsed: Int = 10) -> RunArchive {
        let run = RunRecord(id: id, createdAt: "2026-11-29T00:00:00.000Z", updatedAt: "2026-11-29T00:00:00.000Z", cluster: "cpu",
                            routingReason: "configured_default", matchedIndicator: nil, workload: "w", commandsJson: #"["python3 a.py"]"#,
                            localRunDir: "l/\(id)", remoteRunDir: "/r/\(id)", parentRunId: nil, configSha256: "c", status: .completed,
                            toolVersion: "t", localHost: "h", gitCommit: "g", gitDirtySha256: nil)
        let scriptRecord = ScriptRecord(id: 1, runId: id, scriptSha256: "s", scriptName: "job.slurm", localPath: "", directivesJson: directives.replacingOccurrences(of: "ID", with: id),
                                        envNamesJson: "[]", setupCommandsJson: setup, modulesJson: "[]", createdAt: run.createdAt)
        let job = JobRecord(cluster: "cpu", jobId: id == A ? "1" : "2", runId: id, remoteScriptPath: "", outputPattern: nil, errorPattern: nil,
                            jobName: nil, submittedAt: run.createdAt, lastState: state, lastObservedAt: nil)
        let observation = JobObservationRecord(id: 1, cluster: "cpu", jobId: job.jobId, state: state, rawState: state, reason: nil, exitCode: "0:0",
                                               elapsed: nil, elapsedSeconds: elapsed, maxRss: nil, maxRssBytes: nil, totalCpu: nil, allocTres: "cpu=1",
                                               nodeList: "n", source: .sacct, isTransition: true, observedAt: run.createdAt)
        return RunArchive(
            run: run, script: scriptRecord, scriptText: script.replacingOccurrences(of: "ID", with: id),
            inputs: inputs.map { UploadEntryRecord(id: nil, manifestId: 1, relativePath: $0.0, localPath: "", size: 1, sha256: $0.1, remotePath: "", sent: true, verified: true) },
            submissions: [], jobs: [job], observations: [observation],
            artifacts: outputs.map { ArtifactRecord(id: nil, runId: id, remotePath: "/r/\(id)/\($0.0)", localPath: "", size: 1, sha256: $0.1, downloadedAt: run.createdAt) },
            configJSON: nil, runInfoJSON: nil, replay: nil, replays: [])
    }

    @Test func sameWorkIsIdenticalDespiteRunScopedNamesAndTimings() {
        let diff = RunDiff.compare(Self.archive(id: A), Self.archive(id: B, elapsed: 99))
        #expect(diff.identical, "\(diff.rendered(all: true))")
        #expect(diff.categories.first { $0.name == "accounting" }?.changes.first?.contains("+89s") == true)
    }

    static let oneCategoryEach: [(String, RunArchive)] = [
        ("script", archive(id: B, script: "#!/bin/bash\n#SBATCH --job-name=ID\npython3 a.py --fast\n")),
        ("resources", archive(id: B, directives: #"{"jobName":"ID","time":"00:20:00"}"#)),
        ("environment", archive(id: B, setup: #"["module load rcac","module load cuda"]"#)),
        ("inputs", archive(id: B, inputs: [("a.py", "changed")])),
        ("outputs", archive(id: B, outputs: [("out.json", "different")])),
        ("result", archive(id: B, state: "FAILED")),
    ]

    @Test(arguments: oneCategoryEach) func exactlyOneCategoryDiffers(category: String, other: RunArchive) {
        let diff = RunDiff.compare(Self.archive(id: A), other)
        #expect(diff.differing == [category], "\(diff.rendered(all: false))")
        #expect(!diff.identical)
    }

    /// Missing accounting on one side is "not observed", never a difference.
    @Test func unknownVersusKnownIsNotADifference() {
        var b = Self.archive(id: B)
        b.observations = b.observations.map { var o = $0; o.exitCode = nil; o.allocTres = nil; return o }
        let diff = RunDiff.compare(Self.archive(id: A), b)
        #expect(diff.identical, "\(diff.rendered(all: true))")
        #expect(diff.categories.first { $0.name == "not observed" }?.changes == ["AllocTRES: not observed for \(B)", "exit code: not observed for \(B)"])
    }

    @Test func scriptDiffIsUnified() {
        let diff = RunDiff.compare(Self.archive(id: A), Self.oneCategoryEach[0].1)
        let text = diff.categories.first { $0.name == "script" }?.unifiedDiff ?? ""
        #expect(text.contains("-python3 a.py\n+python3 a.py --fast"), "\(text)")
        #expect(text.hasPrefix("--- \(A)/job.slurm\n+++ \(B)/job.slurm\n@@ "))
    }

    @Test func addedAndRemovedInputs() {
        let diff = RunDiff.compare(Self.archive(id: A, inputs: [("a.py", "1"), ("old.csv", "2")]),
                                   Self.archive(id: B, inputs: [("a.py", "1"), ("new.csv", "3")]))
        let changes = diff.categories.first { $0.name == "inputs" }?.changes ?? []
        #expect(changes == ["input added: new.csv (3)", "input removed: old.csv (2)"])
    }

    @Test func importOfReferenceRunsJsonIsIdempotent() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let dir = scratch.path
        let script = dir + "/job.slurm"
        try "#!/bin/bash\n#SBATCH --partition=cpu\n#SBATCH --output=slurm-%j.out\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        let json = """
            {"runs": {"run-20260101-000000": {"runId": "run-20260101-000000", "clusterId": "gautschi-cpu", "localRunDir": "\(dir)/run",
              "remoteRunDir": "/scratch/u/openclaw-runs/run-20260101-000000", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:05:00.000Z",
              "latestScriptPath": "\(script)", "lastJobId": "4242",
              "jobs": [{"jobId": "4242", "remoteScriptPath": "/scratch/u/openclaw-runs/run-20260101-000000/job.slurm",
                        "localScriptPath": "\(script)", "submittedAt": "2026-01-01T00:01:00.000Z", "submitOutput": "Submitted batch job 4242"}]}}}
            """
        try json.write(toFile: dir + "/runs.json", atomically: true, encoding: .utf8)
        let ledger = try Ledger(path: dir + "/ledger.sqlite")
        let first = try ImportReferenceLedger.run(path: dir + "/runs.json", ledger: ledger, toolVersion: "t")
        #expect(first.runsImported == 1 && first.jobsImported == 1 && first.scriptsArchived == 1)
        let second = try ImportReferenceLedger.run(path: dir + "/runs.json", ledger: ledger, toolVersion: "t")
        #expect(second.runsImported == 0 && second.runsAlreadyPresent == 1 && second.jobsImported == 0)
        let archive = try ledger.archive(runId: "run-20260101-000000")
        #expect(archive.jobs.map(\.jobId) == ["4242"])
        #expect(archive.scriptText?.contains("echo hi") == true)
        #expect(archive.submissions.first?.stdout == "Submitted batch job 4242")
        try "{\"runs\": 5}".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        #expect(throws: ClusterSlurmError.self) { try ImportReferenceLedger.run(path: dir + "/bad.json", ledger: ledger, toolVersion: "t") }
    }
}
