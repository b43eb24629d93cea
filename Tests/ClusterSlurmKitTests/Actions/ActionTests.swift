import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Every action without a cluster: a scripted transport answers as the test
/// cluster does, the ledger is a temporary file, the clock is fixed.
@Suite struct ActionTests {
    @Test func listClustersNeedsNoCluster() throws {
        let bed = try ScriptedBed()
        let result = ListClusters.run(config: bed.context.config)
        #expect(result.clusters.map(\.id).sorted() == ["cpu", "gpu"])
        #expect(bed.transport.calls.isEmpty)
    }

    @Test func initRunClaimsItsDirectory() async throws {
        let bed = try ScriptedBed()
        let result = try await InitRun.run(.init(prefix: "demo"), context: bed.context)
        #expect(result.created && result.remoteDirectoryCreated)
        #expect(result.run.runId == "demo-20261128-210640")
        #expect(bed.transport.calls.map(\.label) == ["create run dir"])
        // the same id again is the same run: no new claim, history kept
        let again = try await InitRun.run(.init(runId: result.run.runId, createRemote: false), context: bed.context)
        #expect(!again.created)
    }

    @Test func initRunTakesASuffixWhenAnotherLedgerHasTheDir() async throws {
        let bed = try ScriptedBed()
        let attempts = Counter()
        bed.transport.on("create run dir") { _ in attempts.next() == 0 ? .init(exitStatus: RemoteExit.runDirectoryTaken.rawValue, stdout: "", stderr: "cluster-slurm: the run dir exists already") : .init(stdout: "/x\n") }
        let result = try await InitRun.run(.init(prefix: "demo"), context: bed.context)
        #expect(result.run.runId.hasPrefix("demo-20261128-210640-") && result.run.runId.count == "demo-20261128-210640".count + 5)
        #expect(bed.transport.calls("create run dir").count == 2)
    }

    @Test func renderJobIsLocalAndRecorded() async throws {
        let bed = try ScriptedBed()
        let result = try await RenderJob.run(.init(commands: ["python3 -V"]), context: bed.context)
        #expect(result.script.contains("#SBATCH --partition=cpu"))
        #expect(bed.transport.calls.isEmpty, "render_job needs no ssh without secrets")
        #expect(try bed.context.ledger.latestScript(runId: result.runId)?.scriptSha256 == result.scriptSha256)
    }

    @Test func renderJobStreamsSecretsAndKeepsThemOffDisk() async throws {
        let bed = try ScriptedBed()
        bed.transport.on("send secrets") { _ in .init() }
        let result = try await RenderJob.run(.init(commands: ["true"], env: ["API_TOKEN": "hunter2", "PLAIN": "x"]), context: bed.context)
        let sent = try #require(bed.transport.calls("send secrets").first)
        #expect(String(decoding: sent.stdin, as: UTF8.self) == "export API_TOKEN=hunter2\n")
        #expect(!result.script.contains("hunter2") && result.script.contains("export PLAIN=x"))
        let grep = Process()
        grep.executableURL = URL(fileURLWithPath: "/bin/grep")
        grep.arguments = ["-r", "-q", "-a", "hunter2", bed.root + "/ws"]
        try grep.run()
        grep.waitUntilExit()
        #expect(grep.terminationStatus == 1, "the secret is nowhere in the workspace")
    }

    @Test func uploadSkipsWhatItVerifiedAndHashesTheRest() async throws {
        let bed = try ScriptedBed()
        try bed.write("in/a.txt", "aaaa")
        try bed.write("in/b.txt", "bbbb")
        let runId = try await InitRun.run(.init(), context: bed.context).run.runId
        bed.transport.on("upload (compare)") { _ in .init() }
        bed.transport.on("upload") { call in .init(stdout: Self.receiveAnswer(call.stdin, signature: "1 4 m c")) }
        let first = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(first.bytesSent == 8 && first.uploaded.allSatisfy(\.verified))
        // a.txt unchanged (same signature); b.txt same size, signature moved: hashed, then found changed and sent
        bed.transport.on("upload (compare)") { _ in
            .init(stdout: "regular file|1 4 m c\tin/a.txt\0regular file|2 4 m c2\tin/b.txt\0")
        }
        bed.transport.on("upload (compare hashes)") { _ in
            .init(stdout: "regular file|2 4 m c2\tin/b.txt\0@@HASHES\0\(String(repeating: "0", count: 64))  in/b.txt\0")
        }
        let second = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(second.uploaded.first { $0.relativePath == "in/a.txt" }?.sent == false)
        #expect(second.uploaded.first { $0.relativePath == "in/b.txt" }?.sent == true)
        let hashed = try #require(bed.transport.calls("upload (compare hashes)").last)
        #expect(String(decoding: hashed.stdin, as: UTF8.self) == "in/b.txt\0", "only the file whose signature moved is hashed")
        let sentNames = Self.manifestNames(try #require(bed.transport.calls("upload").last).stdin)
        #expect(sentNames == ["in/b.txt"])
    }

    @Test func submitJobRecordsTheAttemptAndSendsTheInputManifest() async throws {
        let bed = try ScriptedBed()
        try bed.write("x.txt", "x")
        let runId = try await InitRun.run(.init(), context: bed.context).run.runId
        bed.transport.on("upload (compare)") { _ in .init() }
        bed.transport.on("upload") { call in .init(stdout: Self.receiveAnswer(call.stdin, signature: "1 1 m c")) }
        _ = try await Upload.run(.init(runId: runId, localPaths: ["x.txt"]), context: bed.context)
        _ = try await RenderJob.run(.init(runId: runId, commands: ["cat x.txt"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("77") }
        let submitted = try await SubmitJob.run(.init(runId: runId), context: bed.context)
        #expect(submitted.jobId == "77" && !submitted.adopted)
        let call = try #require(bed.transport.calls("submit").first)
        let stdin = String(decoding: call.stdin, as: UTF8.self)
        #expect(stdin.hasSuffix("\(Hashing.sha256Hex("x"))  x.txt\n"), "the compute-node manifest follows the script")
        #expect(try bed.context.ledger.submitAttempts(runId: runId).map(\.outcome) == [.submitted])
    }

    @Test func lostSubmitAnswerIsAdoptedNotSubmittedTwice() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("88") }
        bed.transport.on("find job") { _ in .init(stdout: "@@JOB 88\n") }
        let lossy = FaultInjectingTransport(base: bed.transport, faults: [.init(label: "submit", effect: .loseAnswer)])
        let context = ActionContext(loaded: bed.context.loaded, ledger: bed.context.ledger, transport: lossy,
                                    workspace: bed.context.workspace, now: bed.context.now)
        let result = try await SubmitJob.run(.init(runId: rendered.runId), context: context)
        #expect(result.jobId == "88" && result.adopted)
        #expect(bed.transport.calls("submit").count == 1, "sbatch ran once")
        #expect(try bed.context.ledger.submitAttempts(runId: rendered.runId).map(\.outcome) == [.adopted])
    }

    @Test func lostAnswerAndLostLookupAreAdoptedByTheRetry() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("89") }
        bed.transport.on("find job") { _ in .init(stdout: "@@JOB 89\n") }
        let broken = FaultInjectingTransport(base: bed.transport, faults: [.init(label: "submit", effect: .loseAnswer),
                                                                          .init(label: "find job", effect: .failBeforeRunning)])
        let context = ActionContext(loaded: bed.context.loaded, ledger: bed.context.ledger, transport: broken,
                                    workspace: bed.context.workspace, now: bed.context.now)
        await #expect(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: context) }
        let retry = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        #expect(retry.jobId == "89" && retry.adopted)
        #expect(bed.transport.calls("submit").count == 1, "the retry adopted the job instead of submitting again")
    }

    @Test func gpuFallbackOnSignature() async throws {
        let bed = try ScriptedBed()
        let attempts = Counter()
        bed.transport.on("submit") { _ in
            attempts.next() == 0 ? .init(exitStatus: 1, stderr: "sbatch: error: CUDA is required for this job") : ScriptedBed.submitted("90")
        }
        let result = try await RunWorkload.run(.init(commands: ["python3 train.py"]), context: bed.context)
        #expect(result.fallback.triggered && result.fallback.toCluster == "gpu" && result.cluster == "gpu")
        #expect(result.jobId == "90")
        #expect(result.fallback.matchedSignature == "cuda is required")
    }

    /// Two processes share the ledger: while this one's submit fails, another
    /// (the real CLI, rendering a run of its own on the same cluster) writes a
    /// newer run. The fallback still names the run whose submit failed.
    @Test func gpuFallbackNamesTheRunThatFailedWhenAnotherProcessSharesTheLedger() async throws {
        let bed = try ScriptedBed()
        let binary = TestSupport.repository.appendingPathComponent(".build/debug/cluster-slurm").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first (swift build)")
        try bed.write("test.json", ScriptedBed.config)
        let attempts = Counter()
        let otherRun = Locked<String?>(nil)
        // (the handler must not hold the bed: the bed holds the transport that holds the handler)
        let (root, ledgerPath) = (bed.root, bed.context.ledger.path)
        bed.transport.on("submit") { _ in
            guard attempts.next() == 0 else { return ScriptedBed.submitted("91") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["render-job", "--config", root + "/ws/test.json", "--workspace", root + "/ws",
                                 "--ledger", ledgerPath, "--cluster", "cpu", "--prefix", "other", "--command", "echo other", "--json"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try? process.run()
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if case .string(let id)? = (try? JSONValue.parse(out))?["runId"] { otherRun.withLock { $0 = id } }
            return .init(exitStatus: 1, stderr: "sbatch: error: CUDA is required for this job")
        }
        let result = try await RunWorkload.run(.init(commands: ["python3 train.py"]), context: bed.context)
        let other = try #require(otherRun.withLock { $0 }, "the second process rendered a run")
        #expect(try bed.context.ledger.runs(limit: 1).first?.id == other, "the other process's run is the ledger's newest")
        let failed = try #require(result.fallback.failedRunId)
        #expect(failed != other)
        let failedRun = try #require(try bed.context.ledger.run(id: failed))
        #expect(failedRun.cluster == "cpu" && failedRun.status == .submitFailed)
        #expect(result.runId != failed && result.cluster == "gpu")
    }

    @Test func policyRefusesBeforeAnythingReachesTheCluster() async throws {
        let bed = try ScriptedBed()
        let error = try await #require(throws: ClusterSlurmError.self) {
            var overrides = SlurmDirectives()
            overrides.time = "05:00:00"
            _ = try await RunWorkload.run(.init(commands: ["true"], headerOverrides: overrides), context: bed.context)
        }
        #expect(error.kind == .policyViolation && error.policy?.rule == "max_walltime" && error.exitCode == 3)
        guard case .object(let payload) = error.toolPayload else { Issue.record("payload is not an object"); return }
        #expect(payload["rule"] == .string("max_walltime") && payload["code"] == .string("policy_violation"))
        #expect(bed.transport.calls("submit").isEmpty && bed.transport.calls("upload").isEmpty)
    }

    @Test func statusIsCachedInsideThePollingInterval() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("6") }
        _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "6|RUNNING|None|vm|0:08|\(rendered.runId)") }
        let first = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context)
        #expect(first.state == "RUNNING" && !first.done)
        bed.clock.advance(5)
        let cached = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context)
        #expect(cached.status.cached == true && cached.state == "RUNNING")
        #expect(bed.transport.calls("job status").count == 1, "asked the cluster once")
        bed.clock.advance(30)
        bed.transport.on("job status") { _ in
            ScriptedBed.status(squeue: "", sacct: "6|\(rendered.runId)|FAILED|3:0|00:00:01|1||00:00.001|billing=1|vm|2026-11-29T04:52:54|2026-11-29T04:52:54|2026-11-29T04:52:55|None")
        }
        bed.transport.on("read logs") { _ in .init(stdout: "@@FILE 0 missing@@\n@@END 0@@\n@@FILE 1 missing@@\n@@END 1@@\n") }
        let ended = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context)
        #expect(ended.state == "FAILED" && ended.done && ended.status.exitCode == "3:0")
        #expect(bed.transport.calls("job status").count == 2)
    }

    @Test func jobLogsAndFetchWorkloadLogsFollowTheRenderedPatterns() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["python3 x.py"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("12") }
        _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        bed.transport.on("read logs") { _ in
            .init(stdout: "@@FILE 0 present@@\nhello\n\n@@END 0@@\n@@FILE 1 present@@\nModuleNotFoundError: No module named 'torch'\n\n@@END 1@@\n")
        }
        let logs = try await FetchWorkloadLogs.run(.init(runId: rendered.runId), context: bed.context)
        #expect(logs.logs?["stdout"]?.remotePath.hasSuffix("/slurm-12.out") == true)
        #expect(logs.logs?["stderr"]?.remotePath.hasSuffix("/slurm-12.err") == true)
        #expect(logs.missingPackageHint?.package == "torch")
        let call = try #require(bed.transport.calls("read logs").first)
        #expect(call.arguments.contains("slurm-12.out") && call.arguments.contains("slurm-12.err"))
    }

    @Test func downloadStreamsAndVerifies() async throws {
        let bed = try ScriptedBed()
        let runId = try await InitRun.run(.init(), context: bed.context).run.runId
        let body = "{\"mean\": 1}\n"
        bed.transport.on("download (list)") { _ in .init(stdout: "\(Hashing.sha256Hex(body)) \(body.utf8.count) outputs/stats.json\0") }
        bed.transport.on("download") { _ in .init(stdout: body) }
        let result = try await DownloadWorkloadOutputs.run(.init(runId: runId, remotePath: "outputs/stats.json"), context: bed.context)
        #expect((try? String(contentsOfFile: result.localPath, encoding: .utf8)) == body)
        // bytes that do not match the listed hash never land under the final name
        bed.transport.on("download") { _ in .init(stdout: "{\"mean\": 2}\n") }
        let target = bed.root + "/ws/.openclaw/cluster-runs/\(runId)/again.json"
        await #expect(throws: ClusterSlurmError.self) {
            _ = try await Download.run(.init(runId: runId, remotePaths: ["outputs/stats.json"], localPath: "again.json"), context: bed.context)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func cancelOnlyOwnJobs() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["sleep 100"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("31") }
        _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        bed.transport.on("cancel") { _ in .init(stdout: "@@CANCELLED 31\n") }
        let cancelled = try await CancelJob.run(.init(jobId: "31"), context: bed.context)
        #expect(cancelled.cancelled && cancelled.alreadyEnded == nil)
        #expect(try bed.context.ledger.latestObservation(cluster: "cpu", jobId: "31")?.source == .scancel)
        // cancelled is final: a second cancel says so without asking the cluster
        let again = try await CancelJob.run(.init(jobId: "31"), context: bed.context)
        #expect(!again.cancelled && again.alreadyEnded == "CANCELLED")
        let foreign = try await #require(throws: ClusterSlurmError.self) { _ = try await CancelJob.run(.init(jobId: "999"), context: bed.context) }
        #expect(foreign.kind == .policyViolation && foreign.policy?.rule == "own_jobs_only")
        #expect(bed.transport.calls("cancel").count == 1)
    }

    @Test func checkWorkloadWithoutAJobNamesTheField() async throws {
        let bed = try ScriptedBed()
        let runId = try await InitRun.run(.init(), context: bed.context).run.runId
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await CheckWorkload.run(.init(runId: runId), context: bed.context) }
        #expect(error.kind == .notFound && error.path == "runId" && error.runId == runId)
    }

    // MARK: - helpers

    /// What `receiveUpload` prints for a stream: every `L` file verified.
    /// What the cluster's receiver answers: the stream's sha256 when it
    /// matches the one sent after it (else nothing, as a failed check
    /// places nothing), then a record per file of the manifest.
    static func receiveAnswer(_ stdin: Data, signature: String) -> String {
        let stream = UploadStream(stdin)
        guard let trailer = stream.trailer, Hashing.sha256Hex(stream.tar) == trailer else { return "" }
        var out = "@@STREAM \(trailer)\0"
        let fields = manifestFields(stdin)
        var index = 0
        while index + 2 < fields.count {
            out += "\(fields[index] == "L" ? fields[index + 1] : "-")\tregular file|\(signature)\t\(fields[index + 2])\0"
            index += 3
        }
        return out
    }

    static func manifestNames(_ stdin: Data) -> [String] {
        let fields = manifestFields(stdin)
        return stride(from: 2, to: fields.count, by: 3).map { fields[$0] }
    }

    /// The `manifest` member's NUL-separated fields.
    static func manifestFields(_ stdin: Data) -> [String] {
        guard let manifest = UploadStream(stdin).members.first(where: { $0.name == "manifest" })?.data else { return [] }
        return manifest.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }
}

/// An upload's standard input taken apart: length line, tar, sha256 line.
struct UploadStream {
    var tar = Data()
    var trailer: String?
    var members: [(name: String, data: Data)] = []

    init(_ stdin: Data) {
        let bytes = [UInt8](stdin)
        guard let newline = bytes.firstIndex(of: 10), let length = Int(String(decoding: bytes[..<newline], as: UTF8.self)),
              newline + 1 + length <= bytes.count else { return }
        let tarBytes = Array(bytes[(newline + 1)..<(newline + 1 + length)])
        tar = Data(tarBytes)
        let rest = bytes[(newline + 1 + length)...]
        trailer = String(decoding: rest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var offset = 0
        var longName: String?
        while offset + 512 <= tarBytes.count, tarBytes[offset] != 0 {
            let header = tarBytes[offset..<(offset + 512)]
            let sizeText = String(decoding: header[(offset + 124)..<(offset + 135)], as: UTF8.self)
            let size = Int(sizeText, radix: 8) ?? 0
            let body = Data(tarBytes[(offset + 512)..<min(tarBytes.count, offset + 512 + size)])
            let shortName = String(decoding: header[offset..<(offset + 100)].prefix { $0 != 0 }, as: UTF8.self)
            if header[offset + 156] == UInt8(ascii: "L") {
                longName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
            } else {
                members.append((longName ?? shortName, body))
                longName = nil
            }
            offset += 512 + (size + 511) / 512 * 512
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { value += 1; lock.unlock() }; return value }
}
