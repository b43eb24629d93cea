import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Job arrays, dependencies and retries: the pure parts, table by table.
@Suite struct SweepTests {
    static let specs: [(String, [Int]?, Int?)] = [
        ("0-19", Array(0...19), nil), ("1,3,5-7", [1, 3, 5, 6, 7], nil), ("0-15:4", [0, 4, 8, 12], nil),
        ("0-99%10", Array(0...99), 10), (" 2 , 0 ", [0, 2], nil), ("5-5", [5], nil), ("3,3", [3], nil),
        ("", nil, nil), ("-1", nil, nil), ("9-2", nil, nil), ("0-9:0", nil, nil), ("0-9%0", nil, nil), ("a", nil, nil),
        ("0-9%", nil, nil), ("1,,2", nil, nil), ("0-4000001", nil, nil), ("0-200000", nil, nil),
    ]

    @Test(arguments: specs.indices) func arraySpecsParse(_ index: Int) {
        let (text, indexes, limit) = Self.specs[index]
        switch ArraySpec.parse(text) {
        case .success(let spec):
            #expect(spec.indexes == indexes, "\(text)")
            #expect(spec.maxRunning == limit, "\(text)")
        case .failure:
            #expect(indexes == nil, "\(text) should parse")
        }
    }

    @Test func compactSpecsRoundTrip() throws {
        #expect(ArraySpec.compact([7, 3, 11, 4, 5, 12]) == "3-5,7,11-12")
        #expect(ArraySpec.compact([0]) == "0")
        for sample in [[1, 2, 3, 9], [0, 5, 6, 100], [42]] {
            #expect(try ArraySpec.parse(ArraySpec.compact(sample)).get().indexes == sample)
        }
        #expect(ArraySpec.taskCount("1,3,5-7") == 5 && ArraySpec.taskCount("0-15:4%2") == 4 && ArraySpec.taskCount("x") == nil)
    }

    @Test func arrayParameterForms() throws {
        let list = try JobArray.parse(.array([.object(["lr": .double(0.1)]), .object(["lr": .double(0.2)])]), maxRunning: 1)
        #expect(list.spec.text == "0-1%1" && list.taskParams?.count == 2)
        #expect(try JobArray.parse(.string("0-9"), maxRunning: 3).spec.text == "0-9%3")
        let cases: [(JSONValue, Int?, String)] = [
            (.string("0-9%2"), 3, "arrayMaxRunning"), (.array([]), nil, "array"), (.array([.int(1)]), nil, "array[0]"),
            (.int(5), nil, "array"), (.string("9-1"), nil, "array"),
        ]
        for (value, limit, path) in cases {
            let error = try #require(throws: ClusterSlurmError.self) { _ = try JobArray.parse(value, maxRunning: limit) }
            #expect(error.path == path, "\(value)")
        }
    }

    @Test func dependencyForms() throws {
        let parsed = try RunDependencyRequest.parseList(.array([.string("prep-1"), .string("b-2:any"), .object(["runId": .string("c-3"), "when": .string("notok")])]))
        #expect(parsed == [RunDependencyRequest(runId: "prep-1"), RunDependencyRequest(runId: "b-2", kind: .any), RunDependencyRequest(runId: "c-3", kind: .notok)])
        let bad: [(JSONValue, String)] = [
            (.array([.string("a-1"), .string("a-1")]), "after[1]"), (.array([.object(["runId": .string("a"), "when": .string("maybe")])]), "after[0].when"),
            (.array([.object(["run": .string("a")])]), "after[0].run"), (.int(3), "after"), (.array([.string("../x")]), "after[0]"),
        ]
        for (value, path) in bad {
            let error = try #require(throws: ClusterSlurmError.self) { _ = try RunDependencyRequest.parseList(value) }
            #expect(error.path == path, "\(value)")
        }
        let kinds: [(DependencyKind, JobState, Bool)] = [
            (.ok, .completed, true), (.ok, .failed, false), (.any, .timeout, true), (.any, .running, false),
            (.notok, .failed, true), (.notok, .completed, false), (.notok, .pending, false),
        ]
        for (kind, state, satisfied) in kinds { #expect(kind.isSatisfied(by: state) == satisfied, "\(kind) \(state)") }
    }

    /// Real output of a 10-task array (`--array=0-9%4`, tasks 3 and 7 exit 2) on the test cluster.
    @Test func arrayWhileRunningFromSqueueAlone() throws {
        let text = try TestSupport.fixture("squeue_array_running.txt") + "@@SQUEUE_RC=0@@\n\n@@SACCT_RC=0@@\n"
        let report = SlurmClient.parseStatusOutput(text, jobIds: ["5377"], arrays: ["5377": Array(0...9)])
        let status = try #require(report.statuses["5377"])
        #expect(status.state == "RUNNING" && !status.done)
        let summary = try #require(report.summaries["5377"])
        #expect(summary.text == "10 tasks: 6 PENDING, 2 RUNNING, 1 COMPLETED, 1 FAILED")
        #expect(summary.failedTasks == [3])
        #expect(report.tasks["5377"]?[4]?.reason == "JobArrayTaskLimit")
    }

    @Test func endedArrayFromAccounting() throws {
        let text = "slurm_load_jobs error: Invalid job id specified\n@@SQUEUE_RC=1@@\n" + (try TestSupport.fixture("sacct_array_ended.txt")) + "@@SACCT_RC=0@@\n"
        let report = SlurmClient.parseStatusOutput(text, jobIds: ["5377"], arrays: ["5377": Array(0...9)])
        let status = try #require(report.statuses["5377"])
        #expect(status.state == "FAILED" && status.done)
        #expect(status.exitCode == "2:0")
        #expect(status.reason == "2 of 10 tasks did not complete (tasks 3,7)")
        let summary = try #require(report.summaries["5377"])
        #expect(summary.failedTasks == [3, 7] && summary.rerunSpec == "3,7" && summary.counts["COMPLETED"] == 8)
        #expect(report.tasks["5377"]?.count == 10)
    }

    /// Every task ended as squeue says, but accounting has not recorded the
    /// failed ones yet: not done, or their exit codes would never be asked for.
    @Test func endedArrayWaitsForAccountingOfItsFailures() throws {
        let squeue = (0...9).map { "5377_\($0)|\([3, 7].contains($0) ? "FAILED|NonZeroExitCode" : "COMPLETED|None")|vm|0:00|fx-array" }.joined(separator: "\n")
        let early = SlurmClient.parseStatusOutput(squeue + "\n@@SQUEUE_RC=0@@\n\n@@SACCT_RC=0@@\n", jobIds: ["5377"], arrays: ["5377": Array(0...9)])
        #expect(early.statuses["5377"]?.state == "COMPLETING" && early.statuses["5377"]?.done == false)
        #expect(early.summaries["5377"]?.failedTasks == [3, 7])
        let later = SlurmClient.parseStatusOutput(squeue + "\n@@SQUEUE_RC=0@@\n" + (try TestSupport.fixture("sacct_array_ended.txt")) + "@@SACCT_RC=0@@\n",
                                                  jobIds: ["5377"], arrays: ["5377": Array(0...9)])
        #expect(later.statuses["5377"]?.state == "FAILED" && later.statuses["5377"]?.exitCode == "2:0")
        #expect(later.tasks["5377"]?[4]?.reason == nil, "a pending reason kept after the end is not why it ended")
    }

    @Test func arrayWithoutAccountingIsNotGuessed() throws {
        // squeue shows only some tasks and sacct failed: the others could have ended any way.
        let text = "5377_1|RUNNING|None|vm|0:01|fx-array\n@@SQUEUE_RC=0@@\nsacct: error: slurmdbd down\n@@SACCT_RC=1@@\n"
        let report = SlurmClient.parseStatusOutput(text, jobIds: ["5377"], arrays: ["5377": Array(0...9)])
        #expect(report.statuses["5377"]?.error != nil)
        #expect(report.summaries["5377"] == nil)
    }

    @Test func aggregateStates() {
        func tasks(_ states: [String]) -> [Int: JobStatus] {
            Dictionary(uniqueKeysWithValues: states.enumerated().map { ($0.offset, JobStatus(jobId: "9_\($0.offset)", source: .sacct, rawState: $0.element)) })
        }
        let cases: [([String], [Int], String)] = [
            (["COMPLETED", "COMPLETED"], [0, 1], "COMPLETED"), (["TIMEOUT", "TIMEOUT", "COMPLETED"], [0, 1, 2], "TIMEOUT"),
            (["TIMEOUT", "FAILED"], [0, 1], "FAILED"), (["PENDING", "PENDING"], [0, 1], "PENDING"),
            (["COMPLETED"], [0, 1], "RUNNING"), (["CANCELLED by 0", "CANCELLED"], [0, 1], "CANCELLED"),
        ]
        for (states, expected, state) in cases {
            #expect(ArrayStatus.aggregate("9", tasks: tasks(states), expected: expected).status.state == state, "\(states)")
        }
    }

    @Test func retryScriptsOnlyLengthenTheTime() {
        let script = "#!/bin/bash\n#SBATCH --job-name=x\n#SBATCH --time=00:01:00\n\n# cluster-slurm run x\necho '#SBATCH --time=00:01:00'\n"
        let adjusted = RetryPlan.adjustedScript(script, multiplier: 1.5)
        #expect(adjusted.from == "00:01:00" && adjusted.to == "00:02:00")
        #expect(adjusted.text == script.replacingOccurrences(of: "#SBATCH --time=00:01:00\n\n", with: "#SBATCH --time=00:02:00\n\n"))
        #expect(RetryPlan.adjustedScript("#!/bin/bash\n#SBATCH --time=1-23:00:00\n", multiplier: 2).to == "3-22:00:00")
        #expect(RetryPlan.adjustedScript("#!/bin/bash\n#SBATCH --time=UNLIMITED\n", multiplier: 2).to == nil)
        #expect(RetryPlan.adjustedScript("#!/bin/bash\n#SBATCH --job-name=y\n", multiplier: 2).to == nil)
    }

    @Test func resilienceConfigIsChecked() throws {
        let good = try TestSupport.config(#"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x", "retry": {"on": ["timeout", "NODE_FAIL"], "max": 1, "timeMultiplier": 2}, "preemption": {"signal": "SIGUSR2"}}}}"#)
        #expect(good.clusters["p"]?.retry == RetryConfig(on: [.timeout, .nodeFail], max: 1, timeMultiplier: 2))
        #expect(good.clusters["p"]?.preemption == PreemptionConfig(requeue: true, signal: "USR2", secondsBefore: 120))
        let bad: [(String, String)] = [
            (#""retry": {"on": ["COMPLETED"]}"#, "clusters.p.retry.on[0]"), (#""retry": {"max": 11}"#, "clusters.p.retry.max"),
            (#""retry": {"timeMultiplier": 0.5}"#, "clusters.p.retry.timeMultiplier"), (#""retry": {"tries": 2}"#, "clusters.p.retry.tries"),
            (#""preemption": {"signal": "KILL"}"#, "clusters.p.preemption.signal"), (#""preemption": {"secondsBefore": 70000}"#, "clusters.p.preemption.secondsBefore"),
        ]
        for (fragment, path) in bad {
            let error = try #require(throws: ClusterSlurmError.self) {
                _ = try TestSupport.config(#"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x", "# + fragment + "}}}")
            }
            #expect(error.description.contains(path), "\(fragment): \(error.description)")
        }
    }
}
