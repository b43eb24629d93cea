import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The login-node programs that talk to SLURM (job status, cancel, finding a
/// lost submission, tails, following logs, dependency updates) and the small
/// ones beside them (run dir, secrets file), run on this
/// machine through the real OpenSSH transport code (a stand-in `ssh` runs the
/// command line with bash) against stand-in `squeue`, `sacct`, `scontrol` and
/// `scancel` that answer as SLURM does and log how they were called. Each
/// answer is read back by the Swift parser the product uses.
@Suite struct SchedulerProgramTests {
    final class Bed {
        let root = TestSupport.temporaryDirectory()
        let transport: OpenSSHTransport
        let endpoint = SSHEndpoint(target: "localhost-fake")
        var log: String { root + "/slurm.log" }

        /// `stubs`: command name → bash body (the arguments are in "$@"); every call is logged first.
        init(stubs: [String: String]) throws {
            let bin = root + "/slurm-bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            for (name, body) in stubs {
                let script = "#!/bin/bash\nprintf '%s\\n' \"\(name) $*\" >> '\(root)/slurm.log'\n\(body)\n"
                try script.write(toFile: bin + "/" + name, atomically: true, encoding: .utf8)
                chmod(bin + "/" + name, 0o755)
            }
            try "#!/bin/bash\nexec /bin/bash -c \"${@: -1}\"\n".write(toFile: root + "/ssh", atomically: true, encoding: .utf8)
            chmod(root + "/ssh", 0o755)
            transport = OpenSSHTransport(environment: ["CLUSTER_SLURM_SSH": root + "/ssh", "CLUSTER_SLURM_CONTROL_DIR": root + "/cm",
                                                       "CLUSTER_SLURM_REMOTE_PATH": bin + ":" + CleanEnvironment.path])
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        var client: SlurmClient { SlurmClient(transport: transport, endpoint: endpoint) }
        var calls: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        func write(_ relative: String, _ text: String) throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// squeue knows 4242 (running) and not 4243; sacct answers for 4243 in the
    /// columns the parser reads, and the status program asked for exactly those.
    @Test func jobStatusAsksSqueueThenSacctInTheParsersColumns() async throws {
        let bed = try Bed(stubs: [
            "squeue": """
            case "$*" in
              *--user=*) echo "4242|RUNNING|/scratch/u/runs/r-1|";;
              *) echo "4242|RUNNING|None|node1|0:05|job";;
            esac
            """,
            "sacct": """
            case "$*" in
              *--duplicates*) echo "4243|REQUEUED"; echo "4243|COMPLETED";;
              *) echo "4243|job|COMPLETED|0:0|00:00:07|7||00:00.010|billing=1,cpu=1,mem=1G,node=1|node1|2026-12-01T10:00:00|2026-12-01T10:00:01|2026-12-01T10:00:08|None"
                 echo "4243.batch|batch|COMPLETED|0:0|00:00:07|7|2048K|00:00.010|cpu=1,mem=1G,node=1|node1|2026-12-01T10:00:01|2026-12-01T10:00:01|2026-12-01T10:00:08|";;
            esac
            """,
            "scontrol": #"[ "$1 $2" = "show config" ] && printf 'ProctrackType           = proctrack/linuxproc\nSLURM_VERSION           = 22.05.8\n'; exit 0"#,
        ])
        let report = try await bed.client.status(jobIds: ["4242", "4243"], since: Date(), withFacts: true)
        #expect(report.statuses["4242"]?.state == "RUNNING" && report.statuses["4242"]?.source == .squeue)
        let ended = try #require(report.statuses["4243"])
        #expect(ended.state == "COMPLETED" && ended.exitCode == "0:0" && ended.elapsedSeconds == 7 && ended.maxRssBytes == 2048 * 1024)
        #expect(report.requeues["4243"] == 1)
        #expect(report.userJobs?.map(\.id) == ["4242"])
        #expect(report.facts?.proctrackType == "proctrack/linuxproc" && report.facts?.slurmVersion == "22.05.8")
        #expect(report.facts?.commands["squeue"] == bed.root + "/slurm-bin/squeue")
        let squeue = try #require(bed.calls.first { $0.hasPrefix("squeue") && $0.contains("--jobs=") })
        #expect(squeue.hasSuffix("--format=" + SqueueOutput.format))
        let sacct = try #require(bed.calls.first { $0.hasPrefix("sacct") && !$0.contains("--duplicates") })
        #expect(sacct.contains("--jobs=4243 ") && sacct.hasSuffix("--format=" + SacctOutput.fields.joined(separator: ",")), "only the job squeue no longer shows")
    }

    /// Every state `JobState` counts as ended (REVOKED among them) is left
    /// alone; only a job still active is cancelled.
    @Test func cancelLeavesEndedJobsAndCancelsActiveOnes() async throws {
        let bed = try Bed(stubs: [
            "squeue": """
            case "$*" in
              *--jobs=1\\ *|*--jobs=1) echo PENDING;;
              *--jobs=2\\ *|*--jobs=2) echo REVOKED;;
              *--jobs=4\\ *|*--jobs=4) echo RUNNING;;
            esac
            """,
            "scancel": #"[ "$2" = 4 ] && { echo "scancel: error: Kill job error on job id 4: Access/permission denied" >&2; exit 1; }; exit 0"#,
        ])
        let result = try await bed.client.cancel(jobIds: ["1", "2", "3", "4"])
        #expect(SlurmClient.settledByCancel(result.stdoutText) == ["1", "2", "3"])
        #expect(result.stdoutText.contains("@@FAILED 4 scancel: error: Kill job error on job id 4"))
        #expect(bed.calls.filter { $0.hasPrefix("scancel") } == ["scancel -- 1", "scancel -- 4"])
    }

    /// A lost submission is found from the record the submit program left; without one, by name and work dir.
    @Test func findSubmissionReadsTheRecordOrAsksByNameAndDir() async throws {
        let bed = try Bed(stubs: [
            "squeue": #"printf '%s\n' "77|$PWD" "78|/elsewhere""#,
            "sacct": #"printf '%s\n' "79|$PWD""#,
        ])
        try bed.write("runs/a/.cluster-slurm-submits/tok", "rc=0\n4242\n@@STDERR\n")
        try bed.write("runs/a/.cluster-slurm-submits/tok.decision", "release\n")
        let recorded = try await bed.client.findSubmission(runDirectory: RemotePath(absolute: bed.root + "/runs/a"), token: "tok", jobName: "job", since: Date())
        #expect(recorded.record?.exitStatus == 0 && recorded.record?.output == "4242" && recorded.decision == "release")
        #expect(!bed.calls.contains { $0.hasPrefix("squeue") }, "a record with a job id needs nothing more")
        try FileManager.default.createDirectory(atPath: bed.root + "/runs/b", withIntermediateDirectories: true)
        let asked = try await bed.client.findSubmission(runDirectory: RemotePath(absolute: bed.root + "/runs/b"), token: "tok", jobName: "job", since: Date())
        #expect(asked.record == nil && asked.candidates == ["77", "79"])
        let missing = try await bed.client.findSubmission(runDirectory: RemotePath(absolute: bed.root + "/runs/none"), token: "tok", jobName: "job", since: Date())
        #expect(missing.noRunDirectory)
    }

    /// Tails read files inside the confinement, say which are missing, and never read one that resolves outside.
    @Test func tailsStayInsideTheirRoot() async throws {
        let bed = try Bed(stubs: [:])
        try bed.write("runs/a/slurm-1.out", (1...5).map { "line \($0)" }.joined(separator: "\n") + "\n")
        try bed.write("secret.txt", "do not read\n")
        try FileManager.default.createSymbolicLink(atPath: bed.root + "/runs/a/leak", withDestinationPath: bed.root + "/secret.txt")
        let tails = try await RemoteLogs.tails(of: [.literal("slurm-1.out"), .literal("nope.err"), .literal("leak")],
                                               in: RemotePath(absolute: bed.root + "/runs/a"), within: RemotePath(absolute: bed.root + "/runs/a"), lines: 2,
                                               endpoint: bed.endpoint, transport: bed.transport)
        #expect(tails[0].present && tails[0].text == "line 4\nline 5\n")
        #expect(!tails[1].present && tails[1].outside == nil)
        #expect(!tails[2].present && tails[2].outside == bed.root + "/secret.txt" && !tails[2].text.contains("do not read"))
    }

    /// Following streams what a log gains and ends when squeue shows the job
    /// in any ended state of `JobState` (REVOKED here, which a hand-kept list once missed).
    @Test func followEndsOnEveryTerminalState() async throws {
        // the first two checks answer RUNNING (and the log grows), the third REVOKED
        let run = try Bed(stubs: [:])
        let squeue = """
        checks=$(grep -c '^squeue' '\(run.log)')
        if [ "$checks" -le 2 ]; then echo "more $checks" >> '\(run.root)/runs/a/slurm-9.out'; echo RUNNING; else echo REVOKED; fi
        """
        try "#!/bin/bash\nprintf '%s\\n' \"squeue $*\" >> '\(run.log)'\n\(squeue)\n".write(toFile: run.root + "/slurm-bin/squeue", atomically: true, encoding: .utf8)
        chmod(run.root + "/slurm-bin/squeue", 0o755)
        try run.write("runs/a/slurm-9.out", "first\n")
        let collected = Locked([FollowFrames.Event]())
        let call = RemoteCall(label: "follow logs", script: RemoteScripts.followFiles,
                              arguments: [.literal(run.root + "/runs/a"), .literal("10"), .literal("9"), .literal("0"), .literal("0"), .literal("slurm-9.out")],
                              stdout: .consumer({ source in
                                  var frames = FollowFrames()
                                  while true {
                                      let chunk = try source.read(upTo: 1 << 16)
                                      if chunk.isEmpty { break }
                                      let events = frames.feed(chunk)
                                      collected.withLock { $0.append(contentsOf: events) }
                                  }
                              }))
        _ = try await run.transport.run(call, on: run.endpoint)
        let events = collected.withLock { $0 }
        let text = events.compactMap { event -> String? in if case .bytes(0, let data) = event { String(decoding: data, as: UTF8.self) } else { nil } }.joined()
        #expect(text == "first\nmore 1\nmore 2\n", "every byte once, in order")
        #expect(events.last == .ended(state: "REVOKED"))
    }

    /// Dependency updates are made job by job; one refused is reported, the rest still made.
    @Test func dependencyUpdatesReportEachJob() async throws {
        let bed = try Bed(stubs: [
            "scontrol": #"[ "$2" = JobId=6 ] && { echo "Job dependency problem"; exit 1; }; exit 0"#,
        ])
        let result = try await bed.client.updateDependencies([("5", "afterok:1"), ("6", "afterok:2"), ("7", "afterany:3")])
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first == "@@UPDATED 5" && lines.last == "@@UPDATED 7")
        #expect(lines.contains { $0.hasPrefix("@@FAILED 6 Job dependency problem") })
        let answers = DependencyUpdates.parse(result.stdoutText)
        #expect(answers.updated == ["5", "7"] && answers.failed["6"]?.hasPrefix("Job dependency problem") == true)
        #expect(bed.calls == ["scontrol update JobId=5 Dependency=afterok:1", "scontrol update JobId=6 Dependency=afterok:2",
                              "scontrol update JobId=7 Dependency=afterany:3"])
    }

    /// The secrets file is written whole or not at all, private (0600) in a private (0700) run dir.
    @Test func privateFileIsWrittenWholeAndPrivate() async throws {
        let bed = try Bed(stubs: [:])
        let dir = bed.root + "/runs/s"
        let sent = try await bed.transport.run(RemoteCall(label: "send secrets", script: RemoteScripts.writePrivateFile,
                                                          arguments: [.literal(dir), .literal(".secrets")], stdin: .bytes(Data("export A=1\n".utf8))),
                                               on: bed.endpoint)
        #expect(sent.succeeded)
        #expect(try String(contentsOfFile: dir + "/.secrets", encoding: .utf8) == "export A=1\n")
        let file = try FileManager.default.attributesOfItem(atPath: dir + "/.secrets")[.posixPermissions] as? Int
        let folder = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(file == 0o600 && folder == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [".secrets"], "no temporary left beside it")
    }

    /// A run dir is made private and named by its physical path.
    @Test func runDirectoryIsPrivateAndAbsolute() async throws {
        let bed = try Bed(stubs: [:])
        try FileManager.default.createDirectory(atPath: bed.root + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bed.root + "/link", withDestinationPath: bed.root + "/real")
        let made = try await bed.transport.run(RemoteCall(label: "create run dir", script: RemoteScripts.makeRunDirectory,
                                                          arguments: [.literal(bed.root + "/link/runs/r-1")]), on: bed.endpoint)
        #expect(made.stdoutText == bed.root + "/real/runs/r-1\n")
        #expect(try FileManager.default.attributesOfItem(atPath: bed.root + "/real/runs/r-1")[.posixPermissions] as? Int == 0o700)
    }
}
