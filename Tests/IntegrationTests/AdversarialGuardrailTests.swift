import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The guardrails against an adversarial agent, on the real cluster: every
/// bypass found is refused, and SLURM's own view confirms no job ran.
@Suite(.enabled(if: Harness.clusterAvailable))
struct AdversarialGuardrailTests {
    static let strictCpu = #"{"allowedPartitions": ["cpu"], "allowedAccounts": ["lilly-agentic-cpu"], "maxGpusPerJob": 1, "maxMemoryPerJob": "1G", "maxWalltime": "00:10:00", "maxActiveJobs": 3}"#

    func workspace(extraPolicy: String = "", gpuPolicy: String = #"{"maxGpusPerJob": 1, "maxMemoryPerJob": "1G"}"#) throws -> Harness.Workspace {
        var base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        base = base.replacingOccurrences(of: "\"local-cpu\": {", with: "\"local-cpu\": {\n      \"policy\": \(Self.strictCpu),")
        base = base.replacingOccurrences(of: "\"local-gpu\": {", with: "\"local-gpu\": {\n      \"policy\": \(gpuPolicy),")
        let policy = extraPolicy.isEmpty ? "" : "\"policy\": \(extraPolicy),\n  "
        return Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: policy + "\"localRunsDir\""))
    }

    func expectRefused(_ out: Harness.Output, rule: String, _ comment: String) {
        #expect(out.status == 3 && out.json["rule"] as? String == rule, "\(comment): \(out.stdout) \(out.stderr)")
    }

    /// The user's jobs SLURM knows by these names (squeue, and scontrol for
    /// jobs that ended a moment ago), with their states.
    func slurmJobs(named names: [String]) -> [String] {
        let listed = Harness.ssh("squeue -h -u hpcuser -t all -o '%j|%i|%T'; sacct -X -n -P -u hpcuser --starttime=now-1hour -o JobName,JobID,State").stdout
        return listed.split(separator: "\n").map(String.init).filter { line in names.contains { line.hasPrefix($0 + "|") } }
    }

    @Test func numberedBypassesAreRefused() throws {
        let ws = try workspace()
        var names: [String] = []
        func refused(_ call: [String: Any], rule: String, _ comment: String) {
            var call = call
            call["action"] = call["action"] ?? "run_workload"
            if call["action"] as? String == "run_workload" { call["command"] = call["command"] ?? "hostname" }
            let out = ws.tool(call)
            expectRefused(out, rule: rule, comment)
            if let run = out.json["runId"] as? String { names.append(run) }
        }
        // 1. unrecorded jobs; 2. abbreviations and combined flags; 10. outside the run dir
        refused(["submitArgs": ["-Q", "--hold"]], rule: "submit_args", "quiet and held")
        refused(["submitArgs": ["-Qpai"]], rule: "submit_args", "combined short flags")
        refused(["submitArgs": ["--part=ai"]], rule: "allowed_partitions", "abbreviated --partition")
        refused(["submitArgs": ["--accou=lilly-ibil"]], rule: "allowed_accounts", "abbreviated --account")
        refused(["submitArgs": ["--chdir=/tmp", "--output=/tmp/x-%j.txt"]], rule: "submit_args", "outside the run dir")
        // 3. unlimited time
        refused(["submitArgs": ["--time=0"]], rule: "time_limit_required", "--time=0")
        refused(["headerOverrides": ["time": "0"]], rule: "time_limit_required", "headerOverrides.time 0")
        // 4. memory and GPUs
        refused(["submitArgs": ["--mem=0"]], rule: "unreadable_value", "--mem=0")
        refused(["submitArgs": ["--mem=20GB"]], rule: "unreadable_value", "--mem=20GB")
        refused(["submitArgs": ["--exclusive"]], rule: "submit_args", "--exclusive")
        refused(["submitArgs": ["--mem-per-cpu=2G"]], rule: "max_memory_per_job", "--mem-per-cpu")
        refused(["cluster": "local-gpu", "submitArgs": ["--gres=gpu:2"]], rule: "max_gpus_per_job", "--gres over the profile's gpus-per-node")
        refused(["cluster": "local-gpu", "submitArgs": ["--gpus-per-task=2"]], rule: "max_gpus_per_job", "--gpus-per-task")
        // 5. arrays
        refused(["submitArgs": ["--array=0-9"]], rule: "submit_args", "--array")
        // 6. a script of the agent's own
        ws.write("mine.sh", "#!/bin/bash\n#x\u{0B}true\n#SBATCH -p ai -A lilly-ibil -t 0\nhostname\n")
        let run = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        names.append(run)
        refused(["action": "submit_job", "runId": run, "scriptPath": "mine.sh"], rule: "custom_script", "own script")
        // 8. environment evasions
        for evasion in ["eval module load rcac", "\\module list", "(module load rcac)", "{ module list; }", "time module list",
                        "env -i bash -lc \"module list\"", "source activate env", "conda run -n x python", "act\"\"ivate"] {
            let out = ws.tool(["action": "run_workload", "command": evasion])
            #expect(out.status == 2 && (out.json["error"] as? String)?.contains("rejected") == true, "\(evasion): \(out.stdout)")
        }
        // SLURM's own view: none of these runs has a job, queued or ended.
        #expect(slurmJobs(named: names).isEmpty, "\(slurmJobs(named: names))")
        #expect(ws.sql("SELECT count(*) FROM job") == "0" && ws.sql("SELECT count(*) FROM submitAttempt") == "0")
    }

    /// What only the scheduler's view shows (a `#PBS` directive sbatch obeys)
    /// is refused after sbatch made the job held; SLURM shows it cancelled,
    /// never started. A person may submit their own script, checked the same way.
    @Test func theHeldJobIsCheckedAsSlurmSeesIt() throws {
        let ws = try workspace()
        let run = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        ws.write("pbs.sh", "#!/bin/bash\n#PBS -q ai\n#SBATCH -A lilly-agentic-cpu -t 5 --mem=100M\nhostname\n")
        let started = Date()
        let out = ws.cli(["submit-job", "--run-id", run, "--script-path", "pbs.sh", "--custom-script", "--json"])
        #expect(out.status == 3 && out.json["rule"] as? String == "allowed_partitions", "\(out.stdout) \(out.stderr)")
        #expect((out.json["error"] as? String)?.contains("SLURM made held job") == true, "\(out.stdout)")
        let held = try #require(out.json["jobId"] as? String ?? (out.json["details"] as? [String: Any])?["jobId"] as? String, "\(out.stdout)")
        let view = Harness.ssh("scontrol show job -o \(held) | tr ' ' '\\n' | grep -E '^(JobState|Partition|RunTime)='").stdout
        #expect(view.contains("JobState=CANCELLED") && view.contains("Partition=ai") && view.contains("RunTime=00:00:00"), "\(view)")
        #expect(ws.sql("SELECT count(*) FROM job") == "0")
        // the same person's script within the policy is released and runs
        ws.write("ok.sh", "#!/bin/bash\n#SBATCH -p cpu -A lilly-agentic-cpu -t 5 --mem=100M\nhostname\n")
        let ok = ws.cli(["submit-job", "--run-id", run, "--script-path", "ok.sh", "--custom-script", "--json"])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        #expect(ws.waitUntilDone(runId: run)["state"] as? String == "COMPLETED")
        _ = started
    }

    /// job_logs reads only the run's files: no home dir, no /etc, no symlink out.
    @Test func jobLogsIsConfined() throws {
        let ws = try workspace()
        let out = ws.tool(["action": "run_workload", "command": "ln -s /etc/passwd link.txt; echo hi"])
        let run = try #require(out.json["runId"] as? String, "\(out.stdout)")
        #expect(ws.waitUntilDone(runId: run)["state"] as? String == "COMPLETED")
        for path in ["~/.ssh/authorized_keys", "/etc/passwd", "link.txt", "../../../etc/passwd"] {
            let read = ws.tool(["action": "job_logs", "runId": run, "remotePath": path])
            #expect(read.status == 2, "\(path): \(read.stdout)")
            #expect(!read.stdout.contains("root:x:0:0"), "\(path)")
        }
        let plain = ws.tool(["action": "job_logs", "remotePath": "/etc/passwd", "cluster": "local-cpu"])
        #expect(plain.status == 2 && !plain.stdout.contains("root:x:0:0"), "\(plain.stdout)")
        #expect((ws.tool(["action": "job_logs", "runId": run]).json["log"] as? String)?.trimmingCharacters(in: .newlines) == "hi")
    }

    /// Five failures in a row on a profile stop agent submissions, however
    /// each workload was edited; a person can override.
    @Test func circuitBreakerStopsEditedRetries() throws {
        let ws = try workspace(extraPolicy: #"{"maxFailuresInARow": 3}"#)
        for attempt in 0..<3 {
            let out = ws.tool(["action": "run_workload", "command": "echo attempt \(attempt); exit 3", "env": ["TRY": "\(attempt)"]])
            let run = try #require(out.json["runId"] as? String, "\(out.stdout)")
            #expect(ws.waitUntilDone(runId: run)["state"] as? String == "FAILED")
        }
        expectRefused(ws.tool(["action": "run_workload", "command": "echo something else; exit 3"]), rule: "circuit_breaker", "fourth edited try")
        let person = ws.cli(["run-workload", "--command", "echo fixed", "--allow-repeated-failures", "--json"])
        #expect(person.status == 0, "\(person.stdout) \(person.stderr)")
    }

    /// A secret the job prints is redacted in what job_logs returns, in the
    /// end-state capture and in the action log; the ledger never holds it.
    @Test func printedSecretsAreRedacted() throws {
        let ws = try workspace()
        let secret = "tok-\(UUID().uuidString)"
        let out = ws.tool(["action": "run_workload", "env": ["WANDB_KEY": secret], "command": "echo \"key is $WANDB_KEY\"; echo \"$WANDB_KEY\" >&2; exit 1"])
        let run = try #require(out.json["runId"] as? String, "\(out.stdout)")
        _ = ws.waitUntilDone(runId: run)
        let logs = ws.tool(["action": "job_logs", "runId": run])
        #expect((logs.json["log"] as? String)?.trimmingCharacters(in: .newlines) == "key is [redacted WANDB_KEY]", "\(logs.stdout)")
        #expect(!logs.stdout.contains(secret))
        #expect(ws.sql("SELECT stderrTail FROM jobEnd").contains("[redacted WANDB_KEY]"))
        // issue 27 case 14: a downloaded output holding the secret is recorded, its bytes never archived
        let down = ws.tool(["action": "download_workload_outputs", "runId": run, "remotePath": "slurm-\(out.json["jobId"] as? String ?? "").out"])
        #expect(down.status == 0, "\(down.stdout)")
        #expect(ws.sql("SELECT count(*) FROM artifact WHERE blobSha256 IS NULL AND remotePath LIKE '%.out'") == "1", "recorded without its bytes")
        for file in [ws.ledger, ws.ledger + "-wal"] where FileManager.default.fileExists(atPath: file) {
            #expect(Harness.run("/bin/grep", ["-a", "-c", secret, file]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(file)")
        }
        #expect(Harness.run("/usr/bin/stat", ["-c", "%a", ws.ledger + ".secret-key"]).stdout.hasPrefix("600"))
    }
}
