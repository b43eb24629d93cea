import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Sweeps, pipelines and resilience on the real test cluster: job arrays,
/// dependencies between runs, bounded retries, requeue with a warning signal.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct SweepIntegrationTests {
    /// 20 tasks, two of which fail: one sbatch, one status query for all,
    /// per-task rows, logs and outputs; then only the failed ones again.
    @Test func twentyTaskArrayWithTwoFailures() throws {
        let ws = Harness.Workspace()
        let command = #"echo "task $SLURM_ARRAY_TASK_ID" > "$CLUSTER_SLURM_TASK_DIR/out.txt"; case ",${FAIL_TASKS:-}," in *",$SLURM_ARRAY_TASK_ID,"*) echo "task $SLURM_ARRAY_TASK_ID failed on purpose" >&2; exit 3;; esac"#
        let started = ws.tool(["action": "run_workload", "prefix": "sweep", "command": command, "array": "0-19", "arrayMaxRunning": 8,
                               "env": ["FAIL_TASKS": "3,11"]])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(started.json["array"] as? String == "0-19%8")
        #expect(started.json["arrayTasks"] as? Int == 20)
        let jobId = try #require(started.json["jobId"] as? String)
        #expect(ws.sql("SELECT count(*) FROM submitAttempt") == "1", "one sbatch for the whole array")
        #expect(ws.sql("SELECT count(*) FROM arrayTask WHERE arrayJobId = '\(jobId)'") == "20")

        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "FAILED")
        let tasks = try #require(done["tasks"] as? [String: Any], "\(done)")
        #expect(tasks["text"] as? String == "20 tasks: 18 COMPLETED, 2 FAILED")
        #expect(tasks["failedTasks"] as? [Int] == [3, 11])
        let failure = try #require(done["failure"] as? [String: Any])
        #expect(failure["rerunArray"] as? String == "3,11")
        #expect((failure["stderrTail"] as? String)?.contains("task 3 failed on purpose") == true, "the first failed task's stderr: \(failure)")
        #expect(ws.sql("SELECT group_concat(task_index || ':' || state || ':' || exit_code, ' ') FROM array_tasks WHERE state <> 'COMPLETED'") == "3:FAILED:3:0 11:FAILED:3:0")
        #expect(ws.sql("SELECT count(*) FROM arrayTaskTransition WHERE state = 'COMPLETED'") == "18", "\(ws.sql("SELECT * FROM array_tasks"))")

        // Each task's own logs, by index or by its id.
        let logs11 = ws.tool(["action": "fetch_workload_logs", "runId": runId, "taskIndex": 11]).json
        #expect(logs11["jobId"] as? String == "\(jobId)_11")
        #expect((logs11["log"] as? String)?.contains("task 11 failed on purpose") == true, "\(logs11)")
        let byId = ws.tool(["action": "job_logs", "jobId": "\(jobId)_3"]).json
        #expect((byId["stderrLog"] as? String)?.contains("task 3 failed on purpose") == true, "\(byId)")
        let noTask = ws.tool(["action": "fetch_workload_logs", "runId": runId, "taskIndex": 20])
        #expect(noTask.status != 0 && noTask.json["path"] as? String == "taskIndex", "\(noTask.stdout)")
        // A task's outputs from its own dir.
        let out = ws.tool(["action": "download_workload_outputs", "runId": runId, "taskIndex": 7, "remoteFile": "out.txt"]).json
        let local = try #require((out["files"] as? [[String: Any]])?.first?["localPath"] as? String, "\(out)")
        #expect(try String(contentsOfFile: local, encoding: .utf8) == "task 7\n")
        #expect(local.hasSuffix("/tasks/7/out.txt"))

        // Only the failed tasks again, as a new run: now they pass.
        let rerun = ws.tool(["action": "run_workload", "prefix": "sweep-rerun", "command": command, "array": "3,11"])
        let rerunId = try #require(rerun.json["runId"] as? String, "\(rerun.stdout)")
        let again = ws.waitUntilDone(runId: rerunId)
        #expect(again["state"] as? String == "COMPLETED")
        #expect((again["tasks"] as? [String: Any])?["text"] as? String == "2 tasks: 2 COMPLETED")
        let shown = ws.cli(["runs", "show", runId])
        #expect(shown.stdout.contains("0-19%8 · 20 tasks: 18 COMPLETED, 2 FAILED · failed tasks 3,11"), "\(shown.stdout)")
    }

    /// A list of parameter objects: one task each, each sees its own.
    @Test func arrayOfParameterObjects() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "prefix": "params", "params": ["epochs": 2],
                               "array": [["lr": 0.1], ["lr": 0.01, "note": "it's \"quoted\""], ["lr": 0.001]],
                               "command": #"printf '%s %s' "$CLUSTER_SLURM_PARAMS" "$SLURM_ARRAY_TASK_ID" > "$CLUSTER_SLURM_TASK_DIR/params.txt""#])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        for (index, expected) in [#"{"lr":0.1} 0"#, #"{"lr":0.01,"note":"it's \"quoted\""} 1"#, #"{"lr":0.001} 2"#].enumerated() {
            let out = ws.tool(["action": "download_workload_outputs", "runId": runId, "taskIndex": index, "remoteFile": "params.txt"]).json
            let local = try #require((out["files"] as? [[String: Any]])?.first?["localPath"] as? String, "\(out)")
            #expect(try String(contentsOfFile: local, encoding: .utf8) == expected)
        }
        #expect(ws.sql("SELECT params FROM array_tasks WHERE task_index = 1") == #"{"lr":0.01,"note":"it's \"quoted\""}"#)
        #expect(ws.sql("SELECT paramsJson FROM run WHERE id = '\(runId)'") == #"{"epochs":2}"#)
    }

    /// prep → train (fails) → report: the report can never start, so it is
    /// cancelled with that reason; a run after an ended upstream is settled
    /// at submit time (started, or refused when it never could start).
    @Test func threeRunChainWhereTheMiddleFails() throws {
        let ws = Harness.Workspace()
        let prep = ws.tool(["action": "run_workload", "prefix": "prep", "command": "sleep 2; echo prepared"]).json
        let prepId = try #require(prep["runId"] as? String, "\(prep)")
        let train = ws.tool(["action": "run_workload", "prefix": "train", "command": "echo broken >&2; exit 4", "after": [prepId]]).json
        let trainId = try #require(train["runId"] as? String, "\(train)")
        #expect((train["after"] as? [[String: Any]])?.first?["resolution"] as? String == "slurm")
        let report = ws.tool(["action": "run_workload", "prefix": "report", "command": "echo report", "after": [["runId": trainId, "when": "ok"]]]).json
        let reportId = try #require(report["runId"] as? String, "\(report)")
        // The scheduler holds train until prep completed.
        let held = Harness.ssh("squeue -h -j \(train["jobId"] as! String) -o %E").stdout
        #expect(held.contains("afterok:\(prep["jobId"] as! String)"), "\(held)")

        #expect(ws.waitUntilDone(runId: prepId)["state"] as? String == "COMPLETED")
        #expect(ws.waitUntilDone(runId: trainId)["state"] as? String == "FAILED")
        // The check that saw train fail already settled report, before anyone asked about it.
        #expect(ws.sql("SELECT lastState FROM job WHERE runId = '\(reportId)'") == "CANCELLED")
        let never = ws.waitUntilDone(runId: reportId)
        #expect(never["state"] as? String == "CANCELLED")
        #expect(never["neverStarted"] as? Bool == true, "\(never)")
        #expect(((never["status"] as? [String: Any])?["reason"] as? String)?.hasPrefix("DependencyNeverSatisfied: \(trainId) ended FAILED") == true, "\(never)")
        #expect(Harness.ssh("squeue -h -j \(report["jobId"] as! String) -o %T").stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "PENDING")
        #expect(ws.sql("SELECT group_concat(run_id || '<' || upstream_run_id || ':' || kind || ':' || upstream_state, ' ') FROM (SELECT * FROM run_dependencies ORDER BY run_id)")
                == "\(reportId)<\(trainId):ok:FAILED \(trainId)<\(prepId):ok:COMPLETED")
        let shown = ws.cli(["runs", "show", trainId]).stdout
        #expect(shown.contains("\(prepId) ──ok──▶ this run ──ok──▶ \(reportId)"), "\(shown)")

        // After an upstream that already ended: satisfied now, or refused with nothing submitted.
        let late = ws.tool(["action": "run_workload", "prefix": "late", "command": "echo late", "after": [prepId]]).json
        #expect((late["after"] as? [[String: Any]])?.first?["resolution"] as? String == "satisfied", "\(late)")
        #expect((late["clusterSelection"] as? [String: Any])?["reason"] as? String == "upstream_run", "goes where its upstream ran: \(late)")
        let jobsBefore = ws.sql("SELECT count(*) FROM job")
        let refused = ws.tool(["action": "run_workload", "prefix": "refused", "command": "echo x", "after": [trainId]])
        #expect(refused.status != 0)
        #expect(refused.json["path"] as? String == "after[0]" && (refused.json["error"] as? String)?.contains("ended FAILED") == true, "\(refused.stdout)")
        #expect(ws.sql("SELECT count(*) FROM job") == jobsBefore)
        let unknown = ws.tool(["action": "run_workload", "command": "echo x", "after": ["no-such-run"]])
        #expect(unknown.status != 0 && unknown.json["path"] as? String == "after[0]", "\(unknown.stdout)")
    }

    /// The other site setting: with `DependencyParameters=kill_invalid_depend`
    /// SLURM cancels the run that can never start itself (reason
    /// `Dependency`); the check still says it never started and why.
    @Test func slurmCancelsTheRunThatCanNeverStart() throws {
        let script = Harness.repository.appendingPathComponent("scripts/testcluster").path
        #expect(Harness.run("/bin/bash", [script, "set", "DependencyParameters", "kill_invalid_depend"]).status == 0)
        defer { Harness.run("/bin/bash", [script, "unset", "DependencyParameters"]) }
        let ws = Harness.Workspace()
        let failing = ws.tool(["action": "run_workload", "prefix": "fails", "command": "sleep 1; exit 5"]).json
        let failingId = try #require(failing["runId"] as? String, "\(failing)")
        let next = ws.tool(["action": "run_workload", "prefix": "next", "command": "echo next", "after": [failingId]]).json
        let nextId = try #require(next["runId"] as? String, "\(next)")
        // SLURM cancels it as soon as the upstream fails, before this ledger looks at either.
        #expect(Self.waitFor { Harness.ssh("sacct -n -X -P -j \(next["jobId"] as! String) -o State").stdout.hasPrefix("CANCELLED") })
        #expect(ws.waitUntilDone(runId: failingId)["state"] as? String == "FAILED")
        let never = ws.waitUntilDone(runId: nextId)
        #expect(never["state"] as? String == "CANCELLED" && never["neverStarted"] as? Bool == true, "\(never)")
        #expect(((never["status"] as? [String: Any])?["reason"] as? String)?.hasPrefix("DependencyNeverSatisfied: \(failingId) ended FAILED") == true, "\(never)")
    }

    /// A TIMEOUT is retried once with a longer time limit, as a new job of
    /// the same run; the retry completes.
    @Test func timeoutIsRetriedWithALongerLimit() throws {
        let ws = Harness.Workspace(config: Harness.derivedConfig(profileFields: #""retry": {"on": ["TIMEOUT"], "max": 1, "timeMultiplier": 2}"#))
        // The first attempt outlives its one-minute limit; the retry finds its marker and finishes.
        let started = ws.tool(["action": "run_workload", "prefix": "slow", "headerOverrides": ["time": "00:01:00"],
                               "command": "if [ -e attempt1 ]; then echo second attempt; else touch attempt1; sleep 600; fi"]).json
        let runId = try #require(started["runId"] as? String, "\(started)")
        let firstJob = try #require(started["jobId"] as? String)
        // A run waiting for it follows the retry instead of waiting for ever.
        let after = ws.tool(["action": "run_workload", "prefix": "after-slow", "command": "echo after", "after": [runId]]).json
        let afterId = try #require(after["runId"] as? String, "\(after)")
        var retried: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            retried = ws.tool(["action": "check_workload", "runId": runId]).json
            if retried["retry"] != nil || retried["done"] as? Bool == true { break }
            Thread.sleep(forTimeInterval: 2)
        }
        let retry = try #require(retried["retry"] as? [String: Any], "no retry: \(retried)")
        // The first attempt ended by its time limit, as SLURM says, and the check says what to do about it.
        #expect((retried["failure"] as? [String: Any])?["state"] as? String == "TIMEOUT", "\(retried)")
        #expect(((retried["failure"] as? [String: Any])?["hint"] as? String)?.contains("time limit") == true, "\(retried)")
        #expect(ws.sql("SELECT state FROM jobEnd WHERE jobId = '\(firstJob)'") == "TIMEOUT")
        #expect(retry["endedJobId"] as? String == firstJob && retry["endedState"] as? String == "TIMEOUT")
        #expect(retry["timeLimit"] as? String == "00:02:00" && retry["attempt"] as? Int == 1)
        let secondJob = try #require(retry["jobId"] as? String)
        #expect(retried["done"] as? Bool == false && retried["jobId"] as? String == secondJob)
        #expect(Harness.ssh("scontrol show job \(secondJob) | grep -o 'TimeLimit=[^ ]*'").stdout.contains("TimeLimit=00:02:00"))
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "COMPLETED" && done["jobId"] as? String == secondJob, "\(done)")
        #expect(done["retry"] == nil)
        #expect(ws.sql("SELECT group_concat(job_id || ':' || state || ':' || coalesce(retry_of, '-'), ' ') FROM (SELECT * FROM job_attempts WHERE run_id = '\(runId)' ORDER BY submitted)")
                == "\(firstJob):TIMEOUT:- \(secondJob):COMPLETED:\(firstJob)")
        #expect(ws.sql("SELECT count(*) FROM submitAttempt WHERE runId = '\(runId)'") == "2")
        #expect(ws.waitUntilDone(runId: afterId)["state"] as? String == "COMPLETED")
        #expect(ws.sql("SELECT upstream_job_id FROM run_dependencies WHERE run_id = '\(afterId)'") == secondJob)
        #expect((ws.tool(["action": "fetch_workload_logs", "runId": runId]).json["log"] as? String)?.contains("second attempt") == true)
        let shown = ws.cli(["runs", "show", runId]).stdout
        #expect(shown.contains("job \(firstJob) → \(secondJob) (TIMEOUT: retry 1 of 1; time 00:01:00 → 00:02:00)"), "\(shown)")
    }

    /// A requeue (`scontrol requeue`, as preemption does) after the warning
    /// signal: the workload saved a checkpoint when told, the ledger records
    /// REQUEUED, and the job resumes from the checkpoint.
    @Test func requeueAfterTheWarningSignalResumesFromTheCheckpoint() throws {
        let ws = Harness.Workspace(config: Harness.derivedConfig(profileFields: #""preemption": {"requeue": true, "signal": "USR1", "secondsBefore": 60}"#))
        let command = #"if [ -e ckpt ]; then echo "resumed from $(cat ckpt) after ${SLURM_RESTART_COUNT:-0} restart(s)"; exit 0; fi; trap 'echo 42 > ckpt' USR1; touch started; for i in $(seq 600); do sleep 1; done"#
        let started = ws.tool(["action": "run_workload", "prefix": "ckpt", "command": command]).json
        let runId = try #require(started["runId"] as? String, "\(started)")
        let jobId = try #require(started["jobId"] as? String)
        let runDir = try #require(started["remoteRunDir"] as? String)
        let script = try String(contentsOfFile: try #require(started["localScriptPath"] as? String), encoding: .utf8)
        #expect(script.contains("#SBATCH --requeue\n#SBATCH --signal=B:USR1@60\n"))
        // Running, workload started: SLURM's warning signal, as it sends it before the limit (to the batch shell).
        #expect(Self.waitFor { Harness.ssh("test -e \(Harness.quote(runDir))/started").status == 0 })
        #expect(ws.tool(["action": "check_workload", "runId": runId]).json["state"] as? String == "RUNNING")
        let told = Harness.ssh("scancel --batch --signal=USR1 \(jobId)")
        #expect(told.status == 0, "scancel --signal: \(told.stderr)")
        #expect(Self.waitFor { Harness.ssh("test -e \(Harness.quote(runDir))/ckpt").status == 0 }, "the workload was told and saved")
        #expect(Harness.ssh("scontrol requeue \(jobId)").status == 0)
        #expect(Self.waitFor { ws.tool(["action": "check_workload", "runId": runId]).json["state"] as? String == "PENDING" })
        // (a look may also catch it COMPLETING on its way back to the queue)
        let transitions = ws.sql("SELECT group_concat(state, ',') FROM (SELECT state FROM jobObservation WHERE isTransition = 1 ORDER BY id)")
        #expect(transitions.hasPrefix("RUNNING,") && transitions.contains(",REQUEUED,PENDING"), "\(transitions)")
        // A requeued job waits two minutes before it may start again; the test does not.
        Harness.ssh("scontrol update JobId=\(jobId) StartTime=now")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "COMPLETED")
        let log = ws.tool(["action": "fetch_workload_logs", "runId": runId]).json["log"] as? String ?? ""
        #expect(log.contains("resumed from 42 after 1 restart(s)"), "\(log)")
    }

    /// Polls `condition` (a bounded wait on the cluster's own progress).
    static func waitFor(_ limit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return false
    }
}
