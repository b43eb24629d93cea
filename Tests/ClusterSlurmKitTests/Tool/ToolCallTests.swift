import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct ToolCallTests {
    /// Malformed calls and the field each error must name.
    static let malformed: [(String, String)] = [
        (#"[]"#, "$"),
        (#""run_workload""#, "$"),
        (#"{}"#, "action"),
        (#"{"action": "launch"}"#, "action"),
        (#"{"action": 7}"#, "action"),
        (#"{"action": "list_clusters", "verbose": true}"#, "verbose"),
        (#"{"action": "run_workload", "comands": ["x"]}"#, "comands"),
        (#"{"action": "run_workload", "command": ["x"]}"#, "command"),
        (#"{"action": "run_workload", "commands": "x"}"#, "commands"),
        (#"{"action": "run_workload", "commands": [1]}"#, "commands[0]"),
        (#"{"action": "job_status", "jobId": "1; rm -rf ~"}"#, "jobId"),
        (#"{"action": "job_status", "jobId": 12345}"#, "jobId"),
        (#"{"action": "job_status", "jobId": "$(reboot)"}"#, "jobId"),
        (#"{"action": "job_logs", "tail": 0}"#, "tail"),
        (#"{"action": "job_logs", "tail": 20001}"#, "tail"),
        (#"{"action": "job_logs", "tail": "10"}"#, "tail"),
        (#"{"action": "job_logs", "tail": 1.5}"#, "tail"),
        (#"{"action": "render_job", "env": {"BAD-NAME": "x"}}"#, "env.BAD-NAME"),
        (#"{"action": "render_job", "env": {"A": 1}}"#, "env.A"),
        (#"{"action": "render_job", "env": ["A=1"]}"#, "env"),
        (#"{"action": "render_job", "headerOverrides": {"partiton": "x"}}"#, "headerOverrides.partiton"),
        (#"{"action": "render_job", "headerOverrides": {"nodes": 0}}"#, "headerOverrides.nodes"),
        (#"{"action": "render_job", "headerOverrides": {"time": "forever"}}"#, "headerOverrides.time"),
        (#"{"action": "render_job", "headerOverrides": {"gpus": 1, "gpusPerNode": 1}}"#, "headerOverrides.gpusPerNode"),
        (#"{"action": "render_job", "headerOverrides": "time=1"}"#, "headerOverrides"),
        (#"{"action": "render_job", "headerOverrides": {"account": "a b"}}"#, "headerOverrides.account"),
        (#"{"action": "run_workload", "allowEnvOverrides": "yes"}"#, "allowEnvOverrides"),
        (#"{"action": "job_status", "includeAccounting": 1}"#, "includeAccounting"),
        (#"{"action": "init_run", "runId": "../../etc"}"#, "runId"),
        (#"{"action": "init_run", "runId": ".hidden"}"#, "runId"),
        (#"{"action": "init_run", "runId": "UPPER case"}"#, "runId"),
        (#"{"action": "upload", "localPaths": [null]}"#, "localPaths[0]"),
        (#"{"action": "download", "remotePath": {"a": 1}}"#, "remotePath"),
        (#"{"action": "run_workload", "submitArgs": "--exclusive"}"#, "submitArgs"),
    ]

    @Test(arguments: malformed) func malformedCallNamesItsField(json: String, field: String) throws {
        let value = try JSONValue.parse(Data(json.utf8))
        let error = try #require(throws: ClusterSlurmError.self) { try ToolCall.parse(value) }
        #expect(error.path == field, "\(error)")
        #expect(error.exitCode == 2)
    }

    @Test func referenceParametersParse() throws {
        let call = try ToolCall.parse(JSONValue.parse(Data("""
            {"action": "run_workload", "cluster": "cpu", "runId": "r-1", "prefix": "p", "localPath": "a", "localPaths": ["b"],
             "scriptName": "job.slurm", "command": "python3 a.py", "commands": ["echo 1", " "], "workload": "w", "env": {"A": "1"},
             "setupCommands": [], "modules": [], "headerOverrides": {"time": "00:10:00", "gpus": 1}, "submitArgs": ["--exclusive"],
             "autoFallbackToGpu": false, "allowEnvOverrides": false}
            """.utf8)))
        // every other reference parameter, with the actions that take it
        let others = try ToolCall.parse(JSONValue.parse(Data("""
            {"action": "fetch_workload_logs", "runId": "r-1", "jobId": "12", "cluster": "cpu", "remotePath": "out", "tail": 50}
            """.utf8)))
        #expect(others.text(.jobId) == "12" && others.text(.remotePath) == "out")
        _ = try ToolCall.parse(JSONValue.parse(Data(#"{"action": "download_workload_outputs", "runId": "r-1", "remoteFile": "result.json", "localPath": "x"}"#.utf8)))
        _ = try ToolCall.parse(JSONValue.parse(Data(#"{"action": "upload", "runId": "r-1", "localPath": "a", "remoteDir": "in"}"#.utf8)))
        _ = try ToolCall.parse(JSONValue.parse(Data(#"{"action": "submit_job", "runId": "r-1", "scriptPath": "s"}"#.utf8)))
        _ = try ToolCall.parse(JSONValue.parse(Data(#"{"action": "job_status", "jobId": "12", "includeAccounting": true}"#.utf8)))
        #expect(call.action == .runWorkload)
        #expect(call.mergedCommands == ["python3 a.py", "echo 1"])
        #expect(call.mergedLocalPaths == ["a", "b"])
        #expect(call.headerOverrides?.gpus == "1")
        #expect(others.integer(.tail) == 50)
    }

    @Test func environmentPolicy() throws {
        func check(_ commands: [String] = ["python3 x.py"], setup: [String] = [], modules: [String] = [], header: [String]? = nil,
                   allow: Bool = false, config: Bool = false) throws {
            try EnvironmentPolicy.check(.init(setupCommands: setup, modules: modules, headerModules: header, commands: commands),
                                        allowEnvOverrides: allow, configAllows: config, action: "run_workload")
        }
        try check()
        #expect(throws: ClusterSlurmError.self) { try check(setup: ["module load x"]) }
        #expect(throws: ClusterSlurmError.self) { try check(modules: ["x"]) }
        #expect(throws: ClusterSlurmError.self) { try check(header: ["x"]) }
        for line in ["module load cuda", "ml cuda", "echo a && module purge", "conda activate env", "mamba create -n x",
                     "source .venv/bin/activate", ". venv/bin/activate", "python3 -m venv v", "virtualenv v", "uv venv",
                     "eval \"$(conda shell.bash hook)\""] {
            #expect(throws: ClusterSlurmError.self, "\(line)") { try check([line]) }
        }
        #expect(throws: ClusterSlurmError.self) { try check(allow: true, config: false) }
        try check(["module load cuda", "conda activate x"], setup: ["module load y"], allow: true, config: true)
        try check(["python3 -c 'print(\"modules\")'", "echo module"])
    }

    @Test func missingPackageHint() throws {
        let hint = try #require(FetchWorkloadLogs.hint("Traceback...\nModuleNotFoundError: No module named 'sklearn'\n", cluster: "cpu"))
        #expect(hint.module == "sklearn")
        #expect(hint.suggestedCommands.first == "python3 -m pip install scikit-learn")
        #expect(FetchWorkloadLogs.hint("ImportError: No module named yaml", cluster: "c")?.package == "pyyaml")
        #expect(FetchWorkloadLogs.hint("all good", cluster: "c") == nil)
    }
}
