import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The views of results, runs and progress, from fixed data.
@Suite struct ViewTests {
    static let now = Date(timeIntervalSince1970: 1_795_964_400)

    @Test func actionResultsReadAsLabelsAndTables() {
        let json = #"""
        {"mode":"upload","runId":"r1","cluster":"local-cpu","bytesSent":6035,"filesSkipped":0,
         "uploaded":[{"localPath":"/ws/a/input.csv","relativePath":"input.csv","remotePath":"/scratch/r1/input.csv","sent":true,
                      "sha256":"05f49011bdcef7dfdd3ddb7118e181b5a6b4c8ea8f94e5ad58c47a341839f49f","size":6035,"verified":true}],
         "hint":"next: render_job"}
        """#
        let text = ResultView.render(json: json, palette: .plain, maxWidth: nil)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "run id         r1")
        #expect(!text.contains("mode"))
        #expect(text.contains("bytes sent     5.9 KiB"))
        #expect(lines.contains { $0.hasPrefix("  RELATIVE PATH") && !$0.contains("LOCAL PATH") })
        #expect(text.contains("input.csv      5.9 KiB  05f49011bdce  yes"))
        #expect(lines.last == "hint: next: render_job")
    }

    @Test func scriptsAndLogsComeLastAsBlocks() {
        let text = ResultView.render(json: #"{"runId":"r","log":"line 1\nline 2\n","logs":{"stdout":{"log":"line 1"}}}"#, palette: .plain, maxWidth: nil)
        #expect(text == "run id  r\n\n--- log ---\nline 1\nline 2")
    }

    @Test func elapsedTextIsShownOnceAsADuration() {
        let text = ResultView.render(json: #"{"status":{"elapsed":"0:05","elapsedSeconds":5}}"#, palette: .plain, maxWidth: nil)
        #expect(text.contains("elapsed seconds  5s"))
        #expect(!text.contains("0:05"))
    }

    @Test(arguments: [("0:0", "0"), ("1:0", "1"), ("0:9", "sig 9"), ("137", "137")] as [(String?, String)] + [(nil, "-")])
    func exitCodes(_ code: String?, _ shown: String) {
        #expect(RunListView.exitText(code) == shown)
    }

    static func row(_ id: String, state: String, reason: String? = nil, stderr: String? = nil) -> RunSummaryRow {
        RunSummaryRow(run_id: id, cluster: "gautschi-gpu", created: "2026-11-29T14:55:00.000Z", status: state.lowercased(), job_id: "1",
                      last_state: state, exit_code: state == "COMPLETED" ? "0:0" : "1:0", elapsed_seconds: 843, max_rss_bytes: nil,
                      node_list: "n1", replay_of: nil, verdict: nil, partition: "ai", account: "a", gpus: 2, reason: reason,
                      stderr_tail: stderr, workload: "train", queued_seconds: 125, started: nil, ended: nil)
    }

    @Test func runListShowsTimesReadablyAndWhyARunFailed() {
        let text = RunListView.render([Self.row("ok-1", state: "COMPLETED"), Self.row("bad-2", state: "FAILED", reason: "None", stderr: "x\nCUDA out of memory")],
                                      now: Self.now, utcOffset: 0, palette: .plain, maxWidth: nil)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("RUN    CLUSTER       PARTITION  CREATED  QUEUED      RAN  STATE"))
        #expect(lines[1].contains("5m ago   2m 05s  14m 03s  COMPLETED  0"))
        #expect(lines[1].hasSuffix("train"))
        #expect(lines[2].hasSuffix("CUDA out of memory"), "the stderr's last line when SLURM's reason is None")
    }

    @Test func runShowIsConciseWithTheFailureFirst() {
        var archive = RunDiffTests.archive(id: "run-20261129-000001", state: "FAILED")
        archive.ends = [JobEndRecord(cluster: "cpu", jobId: "1", runId: archive.run.id, state: "FAILED", rawState: "FAILED", exitCode: "3:0",
                                     signal: nil, reason: "NonZeroExitCode", elapsedSeconds: 90, maxRss: "1024K", maxRssBytes: 1 << 20,
                                     allocTres: "cpu=1,gres/gpu=1", nodeList: "n1", stdoutTail: "epoch 1",
                                     stderrTail: "Traceback\nRuntimeError: CUDA error", capturedAt: "2026-11-29T00:02:00.000Z",
                                     submitTime: "2026-11-29T00:00:00", startTime: "2026-11-29T00:00:30", endTime: "2026-11-29T00:02:00")]
        let text = RunShowView.render(archive, now: Self.now, utcOffset: 0, palette: .plain)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "run run-20261129-000001  FAILED  exit 3")
        #expect(text.contains("job        1 on n1; queued 30s, ran 1m 30s, MaxRSS 1.0 MiB"))
        #expect(text.contains("commands   python3 a.py"))
        #expect(text.contains("ended FAILED, exit 3; SLURM's reason: NonZeroExitCode"))
        #expect(text.contains("    RuntimeError: CUDA error"))
        #expect(!text.contains("#SBATCH"))
        #expect(RunShowView.render(archive, detail: .script, now: Self.now, utcOffset: 0, palette: .plain).contains("#SBATCH --job-name="))
        #expect(RunShowView.render(archive, detail: .full, now: Self.now, utcOffset: 0, palette: .plain).contains("timeline"))
    }

    @Test func replayVerdictIsOneLine() {
        var archive = RunDiffTests.archive(id: "run-20261129-000002")
        archive.run.parentRunId = "run-20261129-000001"
        archive.replay = ReplayRecord(runId: archive.run.id, parentRunId: "run-20261129-000001", deltasJson: #"{"override.time":"00:20:00"}"#,
                                      verdict: "differs", differingJson: #"["resources","outputs"]"#, verifiedAt: nil, createdAt: "2026-11-29T00:00:00.000Z")
        let text = RunShowView.render(archive, now: Self.now, utcOffset: 0, palette: .plain)
        #expect(text.contains("replay of  run-20261129-000001: differs in resources, outputs; changed override.time=00:20:00"))
    }

    @Test(arguments: [
        (ProgressEvent(phase: .uploading, bytesDone: 50 << 20, bytesTotal: 200 << 20, files: 3), 2.0,
         "uploading 3 files · 50 MiB of 200 MiB (25%) · 25 MiB/s · 6s left"),
        (ProgressEvent(phase: .hashing, bytesDone: 3 << 30, bytesTotal: nil, files: 0), 3.0, "hashing · 3.0 GiB · 1.0 GiB/s"),
        (ProgressEvent(phase: .downloading, bytesDone: 10, bytesTotal: 10, files: 1), 0.1, "downloading 1 file · 10 B of 10 B (100%)"),
    ])
    func progressLines(_ event: ProgressEvent, _ elapsed: Double, _ expected: String) {
        #expect(ProgressView.line(event, elapsedSeconds: elapsed) == expected)
    }
}

@Suite struct CLIVocabularyTests {
    @Test(arguments: [
        ("call render_job first or pass scriptPath", "call render-job first or pass --script-path"),
        ("give jobId, runId or remotePath", "give --job-id, --run-id or --remote-path"),
        ("the cluster is down; tail the log", "the cluster is down; tail the log"),
        (#"expected {"runId": …}"#, #"expected {"runId": …}"#),
        ("/scratch/runId/x and `runId`", "/scratch/runId/x and `runId`"),
        ("allowCustomScripts in the profile", "allowCustomScripts in the profile"),
    ])
    func translate(_ message: String, _ translated: String) {
        #expect(CLIVocabulary.translate(message) == translated)
    }

    @Test(arguments: [("scriptPath", "--script-path"), ("headerOverrides.time", "--header time=…"), ("--since", "--since"), ("PATH", "PATH")])
    func paths(_ path: String, _ option: String) {
        #expect(CLIVocabulary.option(forPath: path) == option)
    }
}

@Suite struct FollowFramesTests {
    static let stream = Data("@@C 0 6@@\nout-1\n@@C 1 4@@\nerr\n@@C 0 12@@\n@@C 0 3@@\nx\n@@ENDED COMPLETED@@\n".utf8)

    static func events(splitEvery size: Int) -> [FollowFrames.Event] {
        var frames = FollowFrames()
        var events: [FollowFrames.Event] = []
        var index = 0
        while index < stream.count {
            events += frames.feed(stream.subdata(in: index..<min(index + size, stream.count)))
            index += size
        }
        return events
    }

    /// However the bytes arrive, the same file bytes and the end come out; a
    /// file's bytes that look like a marker stay bytes.
    @Test(arguments: [1, 2, 3, 7, 1000])
    func anySplitGivesTheSameContent(_ size: Int) {
        let events = Self.events(splitEvery: size)
        var files: [Int: Data] = [:]
        for case .bytes(let file, let data) in events { files[file, default: Data()].append(data) }
        #expect(String(decoding: files[0] ?? Data(), as: UTF8.self) == "out-1\n@@C 0 3@@\nx\n")
        #expect(String(decoding: files[1] ?? Data(), as: UTF8.self) == "err\n")
        #expect(events.last == .ended(state: "COMPLETED"))
    }

    @Test func outsideAndMissingDirectoryAreEvents() {
        var frames = FollowFrames()
        #expect(frames.feed(Data("@@OUTSIDE 1@@\n/etc/passwd\n".utf8)) == [.outside(file: 1, realPath: "/etc/passwd")])
        #expect(frames.feed(Data("@@NODIR@@\n".utf8)) == [.noDirectory])
    }
}

@Suite struct RunListOptionsTests {
    func filter(cluster: String? = nil, state: String? = nil, since: String? = nil, limit: Int = 50) throws -> RunListFilter {
        try RunListOptions.filter(cluster: cluster, state: state, since: since, grep: nil, limit: limit, configuredClusters: ["cpu", "gpu"],
                                  clustersInLedger: { ["old"] }, now: ViewTests.now, utcOffset: 0)
    }

    @Test func acceptedFilters() throws {
        #expect(try filter(cluster: "old").cluster == "old", "a cluster the ledger used, even if no longer configured")
        #expect(try filter(state: "failed,TIMEOUT").state == "failed,TIMEOUT")
        #expect(try filter(since: "24h").since == "2026-11-28T15:00:00.000Z")
    }

    @Test func refusedFiltersNameWhatIsAccepted() {
        #expect { try filter(cluster: "nosuch") } throws: { ($0 as? ClusterSlurmError)?.message.contains("cpu, gpu, old") == true }
        #expect { try filter(state: "DONE") } throws: { ($0 as? ClusterSlurmError)?.message.contains("COMPLETED") == true }
        #expect { try filter(state: "FAILED,") } throws: { ($0 as? ClusterSlurmError)?.path == "--state" }
        #expect { try filter(limit: 0) } throws: { ($0 as? ClusterSlurmError)?.path == "--limit" }
    }
}

@Suite struct DecodingProblemTests {
    struct Shape: Decodable { var runs: [String: Entry] }
    struct Entry: Decodable { var runId: String; var jobs: [Int]? }

    @Test(arguments: [
        (#"{"runs": {"a": {"runId": 5}}}"#, "runs.a.runId should be a string"),
        (#"{"runs": {"a": {}}}"#, #"runs.a has no "runId""#),
        (#"{"runs": {"a": {"runId": "a", "jobs": [1, "x"]}}}"#, "runs.a.jobs[1] should be a number"),
        (#"{"runs": {"a": {"runId": null}}}"#, "runs.a.runId is null but should be a string"),
        (#"[]"#, "the top level should be an object"),
    ])
    func describe(_ json: String, _ expected: String) {
        do {
            _ = try JSONDecoder().decode(Shape.self, from: Data(json.utf8))
            Issue.record("decoded \(json)")
        } catch {
            #expect(DecodingProblem.describe(error).hasPrefix(expected), "\(DecodingProblem.describe(error))")
        }
    }
}
