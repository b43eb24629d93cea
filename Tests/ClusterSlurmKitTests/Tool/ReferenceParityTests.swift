import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The reference plugin's own test suite (gg2uah/openclaw,
/// extensions/cluster-slurm/src/{config,routing,slurm,service,tool}.test.ts),
/// case by case where it is observable through the tool interface: the same
/// call, the same outcome (values, or the reference's refusal phrase at the
/// start of ours). Intentional differences are in README's table.
@Suite struct ReferenceParityTests {
    static let twoProfiles = """
    {"defaultCluster": "gautschi-cpu",
     "clusters": {"gautschi-cpu": {"sshTarget": "cpu-host", "remoteRoot": "~/runs/cpu", "slurmDefaults": {"time": "00:10:00"}},
                  "gautschi-gpu": {"sshTarget": "gpu-host", "remoteRoot": "~/runs/gpu", "slurmDefaults": {"time": "00:10:00", "gpus": 1}}},
     "routing": {"gpuProfile": "gautschi-gpu", "gpuIndicators": ["torch.cuda", "/--device\\\\s+cuda/i"],
                 "gpuRequiredErrorSignatures": ["cuda is required", "gpu is required"]}}
    """

    func call(_ bed: ScriptedBed, _ json: String) async throws -> [String: JSONValue] {
        let out = try await ToolDispatcher.run(try ToolCall.parse(try JSONValue.parse(Data(json.utf8))), context: bed.context)
        guard case .object(let object) = try JSONValue.parse(Data(out.utf8)) else { throw ClusterSlurmError(.internal, "not an object") }
        return object
    }

    func refusal(_ bed: ScriptedBed, _ json: String) async -> String {
        do { _ = try await call(bed, json); return "(accepted)" } catch { return ClusterSlurmError.wrapping(error).description }
    }

    func scriptedSubmits(_ bed: ScriptedBed, cpuFails: Bool = false) {
        bed.transport.on("upload") { call in .init(stdout: ActionTests.receiveAnswer(call.stdin, signature: "1 4 m c")) }
        bed.transport.on("submit") { call in
            if cpuFails, call.arguments.first?.contains("/cpu/") == true {
                return .init(exitStatus: 1, stdout: "@@CLUSTER_SLURM_SUBMIT@@\n", stderr: "sbatch: gpu is required for this job")
            }
            return ScriptedBed.submitted("67890", scontrol: ScriptedBed.heldJob("67890", fields: "Partition=x Account=y QOS=normal TimeLimit=00:10:00 TRES=cpu=1,mem=1G,node=1 OverSubscribe=OK"))
        }
    }

    // config.test.ts
    @Test func configDefaultsAndValidProfile() throws {
        let empty = try ConfigLoader.load(data: Data("{}".utf8), source: "t")
        #expect(empty.config.localRunsDir == ".openclaw/cluster-runs" && empty.config.clusters.isEmpty)
        let valid = try ConfigLoader.load(data: Data(#"{"defaultCluster": "gautschi", "clusters": {"gautschi": {"sshTarget": "gautschi", "remoteRoot": "~/agentic-labs/runs", "slurmDefaults": {"partition": "gpu", "time": "01:00:00", "gpus": 1}}}}"#.utf8), source: "t")
        #expect(valid.config.defaultCluster == "gautschi" && valid.config.clusters["gautschi"]?.slurmDefaults.partition == "gpu")
        #expect(valid.config.clusters["gautschi"]?.slurmDefaults.gpus == "1")
        let missing = try #require(throws: ClusterSlurmError.self) {
            _ = try ConfigLoader.load(data: Data(#"{"defaultCluster": "bell", "clusters": {"gautschi": {"sshTarget": "gautschi", "remoteRoot": "~/runs"}}}"#.utf8), source: "t")
        }
        #expect(missing.description.contains("defaultCluster"))
    }

    // routing.test.ts, through run_workload's clusterSelection
    @Test func routingAsTheReference() async throws {
        let bed = try ScriptedBed(config: Self.twoProfiles)
        scriptedSubmits(bed)
        let explicit = try await call(bed, #"{"action": "run_workload", "cluster": "gautschi-cpu", "workload": "train with torch.cuda", "command": "true"}"#)
        #expect(explicit["clusterSelection"]?["reason"] == .string("explicit_cluster") && explicit["cluster"] == .string("gautschi-cpu"))
        let indicator = try await call(bed, #"{"action": "run_workload", "workload": "run this with --device cuda", "command": "true"}"#)
        #expect(indicator["cluster"] == .string("gautschi-gpu") && indicator["clusterSelection"]?["reason"] == .string("gpu_indicator"))
        #expect(indicator["clusterSelection"]?["matchedIndicator"] == .string("/--device\\s+cuda/i"))
        let plain = try await call(bed, #"{"action": "run_workload", "workload": "preprocess csv files", "command": "true"}"#)
        #expect(plain["cluster"] == .string("gautschi-cpu") && plain["clusterSelection"]?["reason"] == .string("configured_default"))
        let listed = try await call(bed, #"{"action": "list_clusters"}"#)
        #expect(listed["routing"]?["defaultProfile"] == .string("gautschi-cpu"), "derived from defaultCluster")
    }

    // tool.test.ts "falls back once from cpu to gpu when submit error matches signature"
    @Test func fallbackFromCpuToGpu() async throws {
        let bed = try ScriptedBed(config: Self.twoProfiles)
        scriptedSubmits(bed, cpuFails: true)
        try bed.write("analyze.py", "print('ok')\n")
        let run = try await call(bed, #"{"action": "run_workload", "workload": "run python workload", "command": "python3 analyze.py", "localPath": "analyze.py"}"#)
        #expect(run["cluster"] == .string("gautschi-gpu"))
        #expect(run["fallback"]?["triggered"] == .bool(true) && run["fallback"]?["fromCluster"] == .string("gautschi-cpu"))
        #expect(run["fallback"]?["toCluster"] == .string("gautschi-gpu") && run["fallback"]?["matchedSignature"] == .string("gpu is required"))
    }

    // tool.test.ts environment gating, render_job and run_workload: the reference's phrases
    @Test func environmentRefusalsKeepTheReferenceWording() async throws {
        let bed = try ScriptedBed(config: Self.twoProfiles)
        let cases: [(String, String)] = [
            (#"{"action": "run_workload", "command": "python3 a.py", "setupCommands": ["echo X"], "modules": ["m"]}"#, "rejected call-level environment overrides"),
            (#"{"action": "run_workload", "command": "python3 a.py", "allowEnvOverrides": true}"#, "allowEnvOverrides is disabled by cluster-slurm config"),
            (#"{"action": "run_workload", "command": "python3 a.py", "headerOverrides": {"modules": ["anaconda"]}}"#, "headerOverrides.modules"),
            (#"{"action": "run_workload", "command": "module load anaconda\npython3 a.py"}"#, "rejected inline module command"),
            (#"{"action": "run_workload", "command": "conda create -y -p /scratch/envs/test python=3.11\npython3 a.py"}"#, "rejected custom environment mutation"),
            (#"{"action": "render_job", "command": "module load anaconda\npython3 app.py"}"#, "render_job rejected inline module command"),
            (#"{"action": "render_job", "command": "python3 app.py", "setupCommands": ["module load conda"]}"#, "render_job rejected call-level environment overrides"),
            (#"{"action": "render_job", "command": "python3 app.py", "headerOverrides": {"modules": ["anaconda"]}}"#, "headerOverrides.modules"),
            (#"{"action": "render_job", "command": "python3 app.py", "allowEnvOverrides": true}"#, "allowEnvOverrides is disabled by cluster-slurm config"),
        ]
        for (json, phrase) in cases {
            let message = await refusal(bed, json)
            #expect(message.contains(phrase), "\(json) → \(message)")
        }
    }

    @Test func overridesAllowedOnlyWithTheSwitch() async throws {
        let config = Self.twoProfiles.replacingOccurrences(of: "\"routing\":", with: "\"execution\": {\"allowCustomEnvOverride\": true}, \"routing\":")
        let bed = try ScriptedBed(config: config)
        let rendered = try await call(bed, #"{"action": "render_job", "command": "conda create -y -p /scratch/envs/test python=3.11\nsource activate /scratch/envs/test\npython3 app.py", "allowEnvOverrides": true}"#)
        guard case .string(let path)? = rendered["localScriptPath"] else { Issue.record("no script path"); return }
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(script.contains("conda create -y -p /scratch/envs/test python=3.11") && script.contains("source activate /scratch/envs/test"))
    }

    // slurm.test.ts through render_job
    @Test func renderingAsTheReference() async throws {
        let config = #"{"defaultCluster": "c", "clusters": {"c": {"sshTarget": "h", "remoteRoot": "~/runs", "loginShell": true, "moduleInitScripts": ["/custom/modules.sh"], "slurmDefaults": {"partition": "gpu", "cpusPerTask": 4, "modules": ["python/3.11"], "time": "00:10:00"}}}}"#
        let bed = try ScriptedBed(config: config)
        let rendered = try await call(bed, #"{"action": "render_job", "command": "python3 run.py", "env": {"OMP_NUM_THREADS": "2"}, "headerOverrides": {"cpusPerTask": 8, "jobName": "demo", "gpusPerNode": 1}}"#)
        guard case .string(let path)? = rendered["localScriptPath"] else { Issue.record("no script path"); return }
        let script = try String(contentsOfFile: path, encoding: .utf8)
        for expected in ["#!/bin/bash -l\n", "#SBATCH --job-name=demo", "#SBATCH --partition=gpu", "#SBATCH --cpus-per-task=8", "#SBATCH --gpus-per-node=1",
                         "export OMP_NUM_THREADS=2", "module load python/3.11", "/custom/modules.sh", "python3 run.py"] {
            #expect(script.contains(expected), "\(expected)")
        }
        #expect(!script.contains("--cpus-per-task=4"), "the override wins")
        let ambiguous = await refusal(bed, #"{"action": "render_job", "command": "echo hello", "headerOverrides": {"gpus": 1, "gpusPerNode": 1}}"#)
        #expect(ambiguous.contains("either gpus or gpusPerNode"), "\(ambiguous)")
        let gpuBed = try ScriptedBed(config: Self.twoProfiles)
        let merged = await refusal(gpuBed, #"{"action": "render_job", "cluster": "gautschi-gpu", "command": "nvidia-smi", "headerOverrides": {"gpusPerNode": 2}}"#)
        #expect(merged.contains("both gpus and gpusPerNode"), "the profile's gpus and the call's gpusPerNode: \(merged)")
    }

    // service.test.ts "blocks paths outside workspace", "rejects cross-cluster run usage"
    @Test func guardsAsTheReference() async throws {
        let bed = try ScriptedBed(config: Self.twoProfiles)
        let run = try await call(bed, #"{"action": "init_run", "cluster": "gautschi-cpu", "prefix": "guard"}"#)
        guard case .object(let record)? = run["run"], case .string(let runId)? = record["runId"] else { Issue.record("no run"); return }
        #expect(runId.hasPrefix("guard-"))
        let cross = await refusal(bed, #"{"action": "render_job", "cluster": "gautschi-gpu", "runId": "\#(runId)", "command": "echo hi"}"#)
        #expect(cross.contains("belongs to cluster"), "\(cross)")
        let escape = await refusal(bed, #"{"action": "download", "runId": "\#(runId)", "remotePath": "out/stats.json", "localPath": "../escape.txt"}"#)
        #expect(escape.contains("inside workspace"), "\(escape)")
    }

    // tool.test.ts "returns missing-package hint when stderr reports ModuleNotFoundError"
    @Test func missingPackageHint() throws {
        let hint = try #require(FetchWorkloadLogs.hint("Traceback (most recent call last):\n  File \"/tmp/job.py\", line 1, in <module>\n    import matplotlib\nModuleNotFoundError: No module named 'matplotlib'\n", cluster: "gautschi-cpu"))
        #expect(hint.module == "matplotlib" && hint.strategy == "install-into-profile-env")
        #expect(hint.suggestedCommands.joined(separator: "\n").contains("python3 -m pip install matplotlib"))
    }
}
