import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct ParserTests {
    @Test func sbatchParsable() throws {
        #expect(SbatchOutput.parse(try TestSupport.fixture("sbatch_parsable.txt")) == .init(jobId: "10", cluster: nil))
        #expect(SbatchOutput.parse(try TestSupport.fixture("sbatch_banner_cluster.txt")) == .init(jobId: "4242", cluster: "gautschi"))
        #expect(SbatchOutput.parse("Quota: 12345 GB used\n") == nil)
        #expect(SbatchOutput.parse("") == nil)
        #expect(SbatchOutput.parse(try TestSupport.fixture("sbatch_bad_account.txt")) == nil)
    }

    @Test func squeueMixedStates() throws {
        let statuses = SqueueOutput.parse(try TestSupport.fixture("squeue_active.txt"))
        let byId = Dictionary(uniqueKeysWithValues: statuses.map { ($0.jobId, $0) })
        #expect(byId["9"]?.state == "PENDING")
        #expect(byId["9"]?.reason == "Resources")
        #expect(byId["9"]?.nodeList == nil)
        #expect(byId["7"]?.state == "RUNNING")
        #expect(byId["7"]?.nodeList == "vm")
        #expect(byId["7"]?.done == false)
        #expect(statuses.count == 3)
    }

    @Test func squeuePurgedIsRecognised() throws {
        let text = try TestSupport.fixture("squeue_purged.txt")
        #expect(SqueueOutput.isInvalidJobIdError(text))
    }

    @Test func sacctFinishedJobs() throws {
        let statuses = Dictionary(uniqueKeysWithValues: SacctOutput.parse(try TestSupport.fixture("sacct_mixed.txt")).map { ($0.jobId, $0) })
        #expect(statuses["3"]?.state == "FAILED")
        #expect(statuses["3"]?.exitCode == "3:0")
        #expect(statuses["3"]?.done == true)
        #expect(statuses["4"]?.state == "CANCELLED")
        #expect(statuses["4"]?.cancelledBy == "1001")
        #expect(statuses["4"]?.rawState == "CANCELLED by 1001")
        #expect(statuses["4"]?.done == true)
        #expect(statuses["5"]?.allocTres?.contains("gres/gpu=1") == true)
        #expect(statuses["6"]?.maxRss == "91552K")
        #expect(statuses["6"]?.maxRssBytes == Int64(93_749_248))
        #expect(statuses["6"]?.elapsedSeconds == 8)
        #expect(statuses["6"]?.nodeList == "vm")
    }

    @Test func sacctActiveJobsAreNotDone() throws {
        let statuses = SacctOutput.parse(try TestSupport.fixture("sacct_active.txt"))
        #expect(statuses.allSatisfy { !$0.done })
    }

    @Test func combinedStatusPrefersSqueueWhileActiveAndSacctAfter() throws {
        let text = try TestSupport.fixture("squeue_active.txt").replacingOccurrences(of: "rc=0\n", with: "")
            + "@@SQUEUE_RC=0@@\n" + (try TestSupport.fixture("sacct_active.txt")) + "@@SACCT_RC=0@@\n"
        let report = SlurmClient.parseStatusOutput(text, jobIds: ["7", "9", "12345"])
        #expect(report.statuses["7"]?.state == "RUNNING")
        #expect(report.statuses["7"]?.source == .squeue)
        #expect(report.statuses["9"]?.state == "PENDING")
        #expect(report.statuses["12345"]?.state == "NOT_FOUND")
        let purged = "slurm_load_jobs error: Invalid job id specified\n@@SQUEUE_RC=1@@\n" + (try TestSupport.fixture("sacct_mixed.txt")) + "@@SACCT_RC=0@@\n"
        let finished = SlurmClient.parseStatusOutput(purged, jobIds: ["3", "4"])
        #expect(finished.statuses["3"]?.source == .sacct)
        #expect(finished.statuses["4"]?.state == "CANCELLED")
        #expect(finished.diagnostics.isEmpty)
    }

    /// squeue already says FAILED while accounting still holds the running
    /// job with its placeholder ExitCode 0:0 (seen on the test cluster, 1 run
    /// in 20): not final until accounting says how it ended.
    @Test func anEndSqueueReportsWaitsForAccountingsExitCode() {
        let squeue = "8920|FAILED|NonZeroExitCode|vm|0:01|run-x\n@@SQUEUE_RC=0@@\n"
        let running = "8920|run-x|RUNNING|0:0|00:00:01|1||00:00:00|billing=1,cpu=1,mem=500M,node=1|vm|2026-11-29T23:29:53|2026-11-29T23:29:53|Unknown|None\n"
        let ended = "8920|run-x|FAILED|4:0|00:00:02|2||00:00:00|billing=1,cpu=1,mem=500M,node=1|vm|2026-11-29T23:29:53|2026-11-29T23:29:53|2026-11-29T23:29:55|None\n"
            + "8920.batch|batch|FAILED|4:0|00:00:02|2|1200K|00:00:00|cpu=1,mem=500M,node=1|vm|2026-11-29T23:29:53|2026-11-29T23:29:53|2026-11-29T23:29:55|\n"
        let cases: [(String, String, String?, Bool)] = [
            (squeue + running + "@@SACCT_RC=0@@\n", "COMPLETING", nil, false),
            (squeue + ended + "@@SACCT_RC=0@@\n", "FAILED", "4:0", true),
            (squeue + "sacct: error: slurmdbd down\n@@SACCT_RC=1@@\n", "FAILED", nil, true),
            (squeue.replacingOccurrences(of: "FAILED|NonZeroExitCode", with: "COMPLETED|None") + running + "@@SACCT_RC=0@@\n", "COMPLETED", "0:0", true),
        ]
        for (text, state, exitCode, done) in cases {
            let status = SlurmClient.parseStatusOutput(text, jobIds: ["8920"]).statuses["8920"]
            #expect(status?.state == state && status?.exitCode == exitCode && status?.done == done, "\(text)")
        }
        let waiting = SlurmClient.parseStatusOutput(squeue + running + "@@SACCT_RC=0@@\n", jobIds: ["8920"]).statuses["8920"]
        #expect(waiting?.reason?.contains("waiting for accounting") == true)
    }

    static let states: [(String, JobState, Bool)] = [
        ("PENDING", .pending, false), ("RUNNING", .running, false), ("SUSPENDED", .suspended, false),
        ("COMPLETING", .completing, false), ("CONFIGURING", .configuring, false), ("REQUEUED", .requeued, false),
        ("RESIZING", .resizing, false), ("COMPLETED", .completed, true), ("FAILED", .failed, true),
        ("CANCELLED", .cancelled, true), ("CANCELLED by 1234", .cancelled, true), ("CANCELLED+", .cancelled, true),
        ("TIMEOUT", .timeout, true), ("OUT_OF_MEMORY", .outOfMemory, true), ("NODE_FAIL", .nodeFail, true),
        ("PREEMPTED", .preempted, true), ("BOOT_FAIL", .bootFail, true), ("DEADLINE", .deadline, true),
        ("PD", .pending, false), ("CD", .completed, true), ("OOM", .outOfMemory, true), ("weird", .unknown, false),
    ]
    @Test(arguments: states) func stateVocabulary(raw: String, state: JobState, terminal: Bool) {
        #expect(JobState.parse(raw).state == state)
        #expect(JobState.parse(raw).state.isTerminal == terminal)
    }

    @Test func jobIdValidation() {
        for good in ["1", "12345", "123_4", "77+1"] { #expect(JobId.isValid(good)) }
        for bad in ["", "1; rm -rf ~", "abc", "12_", "_1", "1__2", "1 2", "$(id)", "1_2_3", String(repeating: "1", count: 41)] {
            #expect(!JobId.isValid(bad), "\(bad)")
        }
    }

    @Test func sha256SumZeroOutput() {
        let text = "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7  we ird\nname.txt\0"
            + "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  -lead.txt\0"
        let sums = RemoteStat.parseHashOutput("regular file|1 2 x y\tno-hash-for-me\0@@HASHES\0" + text).hashes
        #expect(sums["we ird\nname.txt"] == "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7")
        #expect(sums["-lead.txt"] == "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d")
    }

    @Test func logPatterns() {
        let context = LogPathPattern.Context(jobId: "123", jobName: "my job", firstNode: "node01")
        #expect(LogPathPattern.expand("slurm-%j.out", context: context).display == "slurm-123.out")
        #expect(LogPathPattern.expand("%x-%8j.%N.log", context: context).display == "my job-00000123.node01.log")
        #expect(LogPathPattern.expand("logs/%u/%j.err", context: context).display == "logs/$USER/123.err")
        #expect(LogPathPattern.expand("logs/%u/%j.err", context: context).word.rendered == "logs/\"$USER\"/123.err")
        #expect(LogPathPattern.expand("100%%-%A_%a", context: .init(jobId: "55_3", jobName: "", firstNode: nil)).display == "100%-55_3")
        #expect(LogPathPattern.firstNode(of: "a[01-03,7],b") == "a01")
        #expect(LogPathPattern.firstNode(of: "vm") == "vm")
    }

    @Test func scriptDirectivesReadBack() {
        let parsed = ScriptDirectives.parse("#!/bin/bash\n#SBATCH --output=o-%j.txt\n#SBATCH -J name\n#SBATCH --error e.txt\necho hi\n#SBATCH --job-name=ignored\n")
        #expect(parsed["output"] == "o-%j.txt")
        #expect(parsed["job-name"] == "name")
        #expect(parsed["error"] == "e.txt")
    }
}
