import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable), .serialized)
struct WorkloadFlowTests {
    /// The reference's natural flow: run → check until done → logs → download, and the ledger records it all.
    @Test func naturalRunCheckLogsDownload() throws {
        let ws = Harness.Workspace()
        ws.write("numpy_stats.py", try String(contentsOf: Harness.repository.appendingPathComponent("examples/local/numpy_stats.py"), encoding: .utf8))
        ws.write("input.csv", "a,b\n1,2\n3,4\n5,6\n")
        let started = ws.tool(["action": "run_workload", "prefix": "numpy",
                               "command": "python3 numpy_stats.py input.csv outputs/stats.json",
                               "localPaths": ["numpy_stats.py", "input.csv"]])
        #expect(started.status == 0, "\(started.stdout) \(started.stderr)")
        let result = started.json
        let runId = try #require(result["runId"] as? String)
        #expect(result["jobId"] as? String != nil)
        #expect(result["mode"] as? String == "run_workload")
        #expect((result["clusterSelection"] as? [String: Any])?["reason"] as? String == "configured_default")
        #expect((result["uploaded"] as? [[String: Any]])?.count == 2)

        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "COMPLETED")

        let logs = ws.tool(["action": "fetch_workload_logs", "runId": runId]).json
        #expect((logs["log"] as? String)?.contains("wrote outputs/stats.json: 3x2 matrix") == true, "\(logs)")
        #expect(logs["missing"] as? Bool == false)

        let download = ws.tool(["action": "download_workload_outputs", "runId": runId, "remoteFile": "outputs/stats.json"])
        #expect(download.status == 0, "\(download.stdout)")
        let localPath = try #require(download.json["localPath"] as? String)
        #expect(localPath.hasPrefix(ws.path + "/.openclaw/cluster-runs/\(runId)/"))
        let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: localPath))) as? [String: Any]
        #expect(stats?["rows"] as? Int == 3)
        #expect(stats?["column_means"] as? [Double] == [3.0, 4.0])

        #expect(ws.sql("SELECT count(*) FROM uploadEntry WHERE verified = 1") == "2")
        #expect(ws.sql("SELECT outcome FROM submitAttempt") == "submitted")
        #expect(ws.sql("SELECT state FROM jobObservation WHERE isTransition = 1 ORDER BY id DESC LIMIT 1") == "COMPLETED")
        #expect(ws.sql("SELECT count(*) FROM artifact WHERE localPath = '\(localPath)'") == "1")
        #expect(ws.sql("SELECT count(*) FROM actionLog") == "5" || Int(ws.sql("SELECT count(*) FROM actionLog"))! >= 5)
        #expect(ws.sql("PRAGMA integrity_check") == "ok")
        let mode = Harness.run("/usr/bin/stat", ["-c", "%a", ws.ledger]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(mode == "600")
    }

    @Test func loginShellLoadsPythonModuleThroughProfile() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "commands": ["echo PY=$TESTCLUSTER_PYTHON RCAC=$RCAC_TESTCLUSTER", "python3 --version"]])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        let log = ws.tool(["action": "fetch_workload_logs", "runId": runId]).json["log"] as? String ?? ""
        #expect(log.contains("PY=3.11 RCAC=1"), "\(log)")
        // the 22.05 cluster's python/3.11 module puts a 3.11 first; the 24.11 chroot has only 3.13
        #expect(log.contains(ProcessInfo.processInfo.environment["TC_CONFIG"] == nil ? "Python 3.11" : "Python 3."), "\(log)")
    }

    @Test func gpuJobByIndicatorSeesCudaDevices() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "(nvidia-smi || true) 2>/dev/null; echo CVD=$CUDA_VISIBLE_DEVICES MODTREE=$MODTREE"])
        let result = started.json
        #expect(result["cluster"] as? String == "local-gpu", "\(started.stdout)")
        #expect((result["clusterSelection"] as? [String: Any])?["matchedIndicator"] as? String == "nvidia-smi")
        let runId = try #require(result["runId"] as? String)
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        let log = ws.tool(["action": "fetch_workload_logs", "runId": runId]).json["log"] as? String ?? ""
        #expect(log.contains("CVD=0") || log.contains("CVD=1"), "\(log)")
        #expect(log.contains("MODTREE=gpu"))
        let status = ws.tool(["action": "job_status", "jobId": result["jobId"] as! String, "includeAccounting": true]).json
        #expect(((status["status"] as? [String: Any])?["allocTres"] as? String)?.contains("gres/gpu=1") == true, "\(status)")
    }

    @Test func missingModuleGivesPipHint() throws {
        let ws = Harness.Workspace()
        let runId = try #require(ws.tool(["action": "run_workload", "command": "python3 -c 'import definitely_not_installed_pkg'"]).json["runId"] as? String)
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "FAILED")
        let logs = ws.tool(["action": "fetch_workload_logs", "runId": runId]).json
        let hint = try #require(logs["missingPackageHint"] as? [String: Any], "\(logs)")
        #expect(hint["module"] as? String == "definitely_not_installed_pkg")
        #expect((hint["suggestedCommands"] as? [String])?.first == "python3 -m pip install definitely_not_installed_pkg")
    }

    @Test func envOverridesAreRejectedWithoutTouchingTheCluster() throws {
        let ws = Harness.Workspace()
        for call: [String: Any] in [
            ["action": "run_workload", "command": "python3 x.py", "setupCommands": ["module load x"]],
            ["action": "run_workload", "command": "python3 x.py", "modules": ["cuda"]],
            ["action": "run_workload", "command": "python3 x.py", "headerOverrides": ["modules": ["cuda"]]],
            ["action": "run_workload", "command": "module load cuda && python3 x.py"],
            ["action": "run_workload", "command": "conda activate myenv"],
            ["action": "run_workload", "command": "source .venv/bin/activate"],
            ["action": "run_workload", "command": "python3 x.py", "allowEnvOverrides": true],
            ["action": "render_job", "command": "python3 x.py", "setupCommands": ["module load x"]],
            ["action": "render_job", "command": "python3 x.py", "modules": ["x"], "allowEnvOverrides": true],
        ] {
            let out = ws.tool(call)
            #expect(out.status == 2, "\(call) -> \(out.stdout)")
            #expect(out.json["status"] as? String == "error")
            #expect(out.json["tool"] as? String == "cluster_slurm")
        }
        #expect(!FileManager.default.fileExists(atPath: ws.ledger) || ws.sql("SELECT count(*) FROM run") == "0")
    }

    @Test func overridesAllowedThroughConfig() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let ws = Harness.Workspace(config: Self.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"execution\": {\"allowCustomEnvOverride\": true},\n  \"localRunsDir\""))
        let started = ws.tool(["action": "run_workload", "command": "echo MT=$MODTREE", "modules": ["modtree/cpu"], "allowEnvOverrides": true])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        #expect((ws.tool(["action": "fetch_workload_logs", "runId": runId]).json["log"] as? String)?.contains("MT=cpu") == true)
        let rendered = ws.tool(["action": "render_job", "command": "true", "setupCommands": ["module load modtree/gpu"], "allowEnvOverrides": true])
        #expect((rendered.json["script"] as? String)?.contains("module load modtree/gpu") == true)
    }

    /// A submit that fails with a configured GPU-required signature is retried once on the GPU profile.
    @Test func cpuToGpuFallbackOnSignature() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        var config = Self.derivedConfig(from: base, replacing: "\"autoFallbackToGpuOnSignatures\": true",
                                        with: "\"autoFallbackToGpuOnSignatures\": true, \"gpuRequiredErrorSignatures\": [\"invalid generic resource\"]")
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
            of: "\"setupCommands\": [\"module --force purge\", \"module load rcac\"],",
            with: "\"setupCommands\": [\"module --force purge\", \"module load rcac\"], \"submitArgs\": [\"--gres=nvme:1\"],")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let ws = Harness.Workspace(config: config)
        let out = ws.tool(["action": "run_workload", "command": "echo fell back", "prefix": "fb"])
        #expect(out.status == 0, "\(out.stdout)")
        let fallback = try #require(out.json["fallback"] as? [String: Any])
        #expect(fallback["triggered"] as? Bool == true)
        #expect(fallback["fromCluster"] as? String == "local-cpu")
        #expect(fallback["toCluster"] as? String == "local-gpu")
        #expect(fallback["matchedSignature"] as? String == "invalid generic resource")
        #expect((out.json["runId"] as? String)?.hasPrefix("fb-gpu-fallback-") == true)
        #expect(ws.sql("SELECT group_concat(outcome, ',') FROM (SELECT outcome FROM submitAttempt ORDER BY id)") == "failed,submitted")
        config = ""
        let noFallback = ws.tool(["action": "run_workload", "command": "echo x", "autoFallbackToGpu": false])
        #expect(noFallback.status != 0)
        #expect((noFallback.json["error"] as? String)?.contains("Invalid generic resource") == true, "\(noFallback.stdout)")
    }

    static func derivedConfig(from base: String, replacing: String, with: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cs-config-\(UUID().uuidString.prefix(8)).json").path
        try! base.replacingOccurrences(of: replacing, with: with).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
