import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable))
struct GuardrailTests {
    func workspace(policy: String, profilePolicy: (String, String)? = nil) throws -> Harness.Workspace {
        var base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        if let (profile, json) = profilePolicy {
            base = base.replacingOccurrences(of: "\"\(profile)\": {", with: "\"\(profile)\": {\n      \"policy\": \(json),")
        }
        return Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"policy\": \(policy),\n  \"localRunsDir\""))
    }

    func expectRefused(_ out: Harness.Output, rule: String, _ comment: String = "") {
        #expect(out.status == 3, "\(comment) \(out.stdout)")
        #expect(out.json["code"] as? String == "policy_violation", "\(comment) \(out.stdout)")
        #expect(out.json["rule"] as? String == rule, "\(comment) \(out.stdout)")
        #expect(out.json["limit"] != nil && out.json["requested"] != nil)
    }

    /// Each per-job limit: accepted at the limit, refused just over it, before anything reaches the cluster.
    @Test func perJobLimitsAtTheBoundary() throws {
        let ws = try workspace(policy: #"{"maxWalltime": "00:10:00", "maxCpusPerJob": 2, "maxMemoryPerJob": "512M", "maxNodesPerJob": 1, "maxGpusPerJob": 1}"#,
                               profilePolicy: ("local-cpu", #"{"allowedPartitions": ["cpu"], "allowedAccounts": ["lilly-agentic-cpu"]}"#))
        let cases: [(String, [String: Any], [String: Any], String)] = [
            ("max_walltime", ["time": "00:10:00"], ["time": "00:10:01"], "local-cpu"),
            ("max_cpus_per_job", ["cpusPerTask": 2], ["cpusPerTask": 3], "local-cpu"),
            ("max_memory_per_job", ["mem": "512M"], ["mem": "513M"], "local-cpu"),
            ("max_nodes_per_job", ["nodes": 1], ["nodes": 2], "local-cpu"),
            ("max_gpus_per_job", ["gpusPerNode": 1], ["gpusPerNode": 2], "local-gpu"),
            ("allowed_partitions", ["partition": "cpu"], ["partition": "ai"], "local-cpu"),
            ("allowed_accounts", ["account": "lilly-agentic-cpu"], ["account": "lilly-ibil"], "local-cpu"),
        ]
        for (rule, ok, over, cluster) in cases {
            let accepted = ws.tool(["action": "run_workload", "cluster": cluster, "command": "true # \(rule)", "headerOverrides": ok])
            #expect(accepted.status == 0, "\(rule) at the limit: \(accepted.stdout)")
            let refused = ws.tool(["action": "run_workload", "cluster": cluster, "command": "true # \(rule) over", "headerOverrides": over])
            expectRefused(refused, rule: rule)
        }
        #expect(ws.sql("SELECT count(*) FROM actionLog WHERE error LIKE 'policy %'") == String(cases.count))
        #expect(ws.sql("SELECT count(*) FROM submitAttempt") == String(cases.count), "refused requests never reached sbatch")
        // every job needs a time limit
        ws.write("notime.sh", "#!/bin/bash\necho no time\n")
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        // (a script the ledger did not render is refused to agents; a person's is checked like any other)
        expectRefused(ws.tool(["action": "submit_job", "runId": runId, "scriptPath": "notime.sh"]), rule: "custom_script")
        expectRefused(ws.cli(["submit-job", "--run-id", runId, "--script-path", "notime.sh", "--custom-script", "--json"]), rule: "time_limit_required")
        let policy = ws.cli(["policy", "show", "local-cpu"])
        #expect(policy.stdout.contains("max walltime: 00:10:00") && policy.stdout.contains("allowed partitions cpu"), "\(policy.stdout)")
    }

    @Test func activeJobsAndSubmissionRate() throws {
        let ws = try workspace(policy: #"{"maxActiveJobs": 2, "maxSubmissionsPerHour": 3}"#)
        var jobs: [String] = []
        for index in 0..<2 {
            let out = ws.tool(["action": "run_workload", "command": "sleep 120 # \(index)"])
            #expect(out.status == 0, "\(out.stdout)")
            jobs.append(out.json["jobId"] as? String ?? "")
        }
        expectRefused(ws.tool(["action": "run_workload", "command": "sleep 120 # 2"]), rule: "max_active_jobs")
        for job in jobs { _ = ws.tool(["action": "cancel_job", "jobId": job]) }
        let deadline = Date().addingTimeInterval(60)
        var third = ws.tool(["action": "run_workload", "command": "true # 3"])
        while third.status != 0 && Date() < deadline {   // the cancels need a moment to show in sacct
            Thread.sleep(forTimeInterval: 1)
            third = ws.tool(["action": "run_workload", "command": "true # 3"])
        }
        #expect(third.status == 0, "\(third.stdout)")
        expectRefused(ws.tool(["action": "run_workload", "command": "true # 4"]), rule: "max_submissions_per_hour")
    }

    @Test func gpuHoursPerDay() throws {
        let ws = try workspace(policy: #"{"gpuHoursPerDay": 0.5}"#)
        expectRefused(ws.tool(["action": "run_workload", "cluster": "local-gpu", "command": "true", "headerOverrides": ["time": "00:31:00"]]),
                      rule: "gpu_hours_per_day")
        #expect(ws.tool(["action": "run_workload", "cluster": "local-gpu", "command": "true", "headerOverrides": ["time": "00:30:00"]]).status == 0)
    }

    /// The fourth identical failing submission is refused; a changed workload is not; a person can override from the CLI only.
    @Test func loopBreaker() throws {
        let ws = Harness.Workspace()
        var failed: [String] = []
        for _ in 0..<3 {
            let out = ws.tool(["action": "run_workload", "command": "echo trying; exit 7"])
            let runId = try #require(out.json["runId"] as? String, "\(out.stdout)")
            #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "FAILED")
            failed.append(runId)
        }
        let fourth = ws.tool(["action": "run_workload", "command": "echo trying; exit 7"])
        expectRefused(fourth, rule: "loop_breaker")
        for runId in failed { #expect((fourth.json["error"] as? String)?.contains(runId) == true, "\(fourth.stdout)") }
        #expect((fourth.json["error"] as? String)?.contains("FAILED exit 7:0") == true)
        #expect(ws.tool(["action": "run_workload", "command": "echo trying again; exit 7"]).status == 0, "a changed workload is not blocked")
        let agentOverride = ws.tool(["action": "run_workload", "command": "echo trying; exit 7", "allowRepeatedFailures": true])
        #expect(agentOverride.status == 2, "no tool parameter can override the loop breaker")
        let person = ws.cli(["run-workload", "--command", "echo trying; exit 7", "--allow-repeated-failures", "--json"])
        #expect(person.status == 0, "\(person.stdout) \(person.stderr)")
    }

    /// A secret env value reaches the job but is nowhere in the ledger (database and WAL), the action log or any tool output.
    @Test func secretsStayOutOfTheLedger() throws {
        let ws = Harness.Workspace()
        let secret = "s3cr3t-\(UUID().uuidString)"
        var outputs: [String] = []
        let started = ws.tool(["action": "run_workload", "env": ["API_TOKEN": secret, "PLAIN_SETTING": "visible"],
                               "command": "printf '%s' \"$API_TOKEN\" | sha256sum | cut -c1-64 > seen.txt; echo plain=$PLAIN_SETTING"])
        outputs.append(started.stdout)
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        _ = ws.waitUntilDone(runId: runId)
        outputs.append(ws.tool(["action": "fetch_workload_logs", "runId": runId]).stdout)
        #expect(Harness.ssh("test -e /scratch/hpcuser/openclaw-runs/\(runId)/.cluster-slurm-secrets.sh").status != 0, "the job removed the secrets file")
        outputs.append(ws.tool(["action": "render_job", "runId": runId, "command": "true", "env": ["DB_PASSWORD": secret]]).stdout)
        outputs.append(ws.cli(["runs", "show", runId, "--json"]).stdout)
        let seen = Harness.ssh("cat /scratch/hpcuser/openclaw-runs/\(runId)/seen.txt").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = Harness.run("/bin/bash", ["-c", "printf '%s' \"$0\" | sha256sum | cut -c1-64", secret]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(seen == expected, "the job saw the secret")
        // render_job sent the new value straight to the cluster: private there, never on the local disk
        #expect(Harness.ssh("stat -c %a /scratch/hpcuser/openclaw-runs/\(runId)/.cluster-slurm-secrets.sh").stdout.hasPrefix("600"))
        #expect(Harness.run("/bin/grep", ["-r", "-a", "-l", "-F", secret, ws.path]).stdout.isEmpty, "no secret in the workspace")
        for output in outputs { #expect(!output.contains(secret)) }
        for file in [ws.ledger, ws.ledger + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let grep = Harness.run("/bin/grep", ["-a", "-c", secret, file])
            #expect(grep.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(file) holds the secret")
        }
        #expect(Harness.run("/usr/bin/stat", ["-c", "%a", ws.path + "/.openclaw/cluster-runs/\(runId)"]).stdout.hasPrefix("700"))
    }

    /// cancel-all asks first (and cancels nothing on "no"), then cancels the run's active jobs with --yes.
    @Test func cancelAllNeedsConfirmation() throws {
        let ws = Harness.Workspace()
        let runId = try #require(ws.tool(["action": "run_workload", "command": "sleep 120"]).json["runId"] as? String)
        let declined = Harness.run(Harness.binary, ["cancel-all", "--run-id", runId, "--config", ws.config, "--workspace", ws.path], stdin: "n\n",
                                   environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir])
        #expect(declined.status == 1)
        #expect(declined.stderr.contains("nothing cancelled"))
        let jobId = ws.sql("SELECT jobId FROM job")
        #expect(!Harness.ssh("squeue -h -j \(jobId) -o %T").stdout.isEmpty, "still queued or running")
        let confirmed = ws.cli(["cancel-all", "--run-id", runId, "--yes", "--json"])
        #expect(confirmed.status == 0, "\(confirmed.stdout) \(confirmed.stderr)")
        #expect(confirmed.json["cancelled"] as? Bool == true)
        #expect(ws.waitUntilDone(runId: runId, limit: 60)["state"] as? String == "CANCELLED")
    }

    /// Inputs over the login-node hashing budget are verified by the job on
    /// the compute node; a tampered input stops the job before its workload.
    @Test func largeInputsAreVerifiedOnTheComputeNode() throws {
        let ws = try workspace(policy: #"{"maxLoginNodeHashBytes": 1000}"#)
        ws.write("small.txt", "tiny\n")
        ws.write("big.txt", String(repeating: "0123456789", count: 500))
        let started = ws.tool(["action": "run_workload", "command": "wc -c big.txt small.txt > sizes.txt", "localPaths": ["small.txt", "big.txt"]])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        let uploaded = (started.json["uploaded"] as? [[String: Any]]) ?? []
        #expect(uploaded.first { $0["relativePath"] as? String == "big.txt" }?["verified"] as? Bool == false)
        #expect(uploaded.first { $0["relativePath"] as? String == "small.txt" }?["verified"] as? Bool == true)
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        #expect(ws.tool(["action": "download_workload_outputs", "runId": runId, "remoteFile": "sizes.txt"]).status == 0)
        #expect(ws.sql("SELECT json FROM runInfo").contains("\"inputs_verified\":\"ok\""))
        #expect(ws.sql("SELECT count(*) FROM uploadEntry WHERE verified = 0") == "0", "the job's verification was ingested")

        let tampered = try #require(ws.tool(["action": "init_run"]).json["run"] as? [String: Any])
        let tamperedId = try #require(tampered["runId"] as? String)
        #expect(ws.tool(["action": "upload", "runId": tamperedId, "localPath": "big.txt"]).status == 0)
        #expect(Harness.ssh("echo x >> /scratch/hpcuser/openclaw-runs/\(tamperedId)/big.txt").status == 0)
        #expect(ws.tool(["action": "render_job", "runId": tamperedId, "command": "echo workload ran > ran.txt"]).status == 0)
        #expect(ws.tool(["action": "submit_job", "runId": tamperedId]).status == 0)
        #expect(ws.waitUntilDone(runId: tamperedId)["state"] as? String == "FAILED")
        #expect(Harness.ssh("test -e /scratch/hpcuser/openclaw-runs/\(tamperedId)/ran.txt").status != 0, "the workload never ran")
        let logs = ws.tool(["action": "fetch_workload_logs", "runId": tamperedId]).json["log"] as? String ?? ""
        #expect(logs.contains("inputs do not match their sha256"), "\(logs)")
    }
}
