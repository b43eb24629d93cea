import Foundation
import Testing
@testable import ClusterSlurmKit

@Suite struct ScriptRendererTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        let cluster: String
        let configPath: String?
        let request: RenderRequest
        var testDescription: String { name }
    }

    static let seed = TestSupport.repository.appendingPathComponent("examples/gautschi/openclaw.json").path
    static let local = TestSupport.repository.appendingPathComponent("examples/local/cluster-slurm.json").path
    static let inline: [String: String] = [
        "plain": #"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x"}}}"#,
        "init": #"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "~/runs", "moduleInitScripts": ["/opt/site/init.sh", "~/my init.sh"], "setupCommands": ["module load a"], "slurmDefaults": {"modules": ["b/1.0"]}}}}"#,
        "nomodules": #"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x", "loginShell": true, "setupCommands": ["export OMP_NUM_THREADS=4"], "slurmDefaults": {"time": "10", "partition": "debug"}}}}"#,
        "gpus": #"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"gpus": "a100:2", "gres": "gpu:a100:2", "constraint": "a100", "jobName": "fixed-name"}}}}"#,
    ]

    static let scenarios: [Scenario] = [
        Scenario(name: "seed-cpu", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(runId: "run-20261129-101500", commands: ["python3 numpy_stats.py input.csv outputs/stats.json"])),
        Scenario(name: "seed-gpu", cluster: "gautschi-gpu", configPath: seed, request: RenderRequest(runId: "train-20261129-101500", commands: ["python3 train.py --device cuda"])),
        Scenario(name: "seed-cpu-overrides", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(
            runId: "r1", overrides: { var o = SlurmDirectives(); o.time = "00:30:00"; o.mem = "2G"; o.cpusPerTask = 2; o.jobName = "custom"; return o }(),
            commands: ["python3 a.py"])),
        Scenario(name: "seed-gpu-more-gpus-per-node", cluster: "gautschi-gpu", configPath: seed, request: RenderRequest(
            runId: "r2", overrides: { var o = SlurmDirectives(); o.gpusPerNode = "2"; return o }(), commands: ["nvidia-smi"])),
        Scenario(name: "env-exports", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(
            runId: "r3", env: ["OMP_NUM_THREADS": "4", "GREETING": "it's \"quoted\" $HOME `x`", "_PATHLIKE": "/a b/c"], commands: ["env | sort"])),
        Scenario(name: "quotes-and-dollars", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(
            runId: "r4", commands: [#"python3 -c "import sys; print('a b', sys.argv)" "$HOME" '$literal'"#, "echo \"done: $(date)\""])),
        Scenario(name: "extra-setup-and-modules", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(
            runId: "r5", extraSetupCommands: ["module use ~/privatemodules"], extraModules: ["cuda/12.1"], commands: ["python3 x.py"])),
        Scenario(name: "no-login-shell", cluster: "p", configPath: nil, request: RenderRequest(runId: "plain-run", commands: ["hostname"])),
        Scenario(name: "no-modules-login-shell", cluster: "p:nomodules", configPath: nil, request: RenderRequest(runId: "r6", commands: ["hostname"])),
        Scenario(name: "explicit-init-scripts", cluster: "p:init", configPath: nil, request: RenderRequest(runId: "r7", commands: ["module list"])),
        Scenario(name: "gpus-gres-constraint", cluster: "p:gpus", configPath: nil, request: RenderRequest(runId: "r8", commands: ["nvidia-smi"])),
        Scenario(name: "local-cpu", cluster: "local-cpu", configPath: local, request: RenderRequest(runId: "demo-20261129-000000", commands: ["python3 numpy_stats.py input.csv outputs/stats.json"])),
        Scenario(name: "local-gpu", cluster: "local-gpu", configPath: local, request: RenderRequest(runId: "gpu-20261129-000000", commands: ["echo $CUDA_VISIBLE_DEVICES"])),
        Scenario(name: "multi-line-commands", cluster: "gautschi-cpu", configPath: seed, request: RenderRequest(
            runId: "r9", commands: ["for i in 1 2 3; do\n  echo \"$i\"\ndone", "cat <<'EOF'\nheredoc $kept\nEOF"])),
    ]

    func profile(for scenario: Scenario) throws -> ClusterProfile {
        if let path = scenario.configPath { return try #require(ConfigLoader.load(path: path).config.clusters[scenario.cluster]) }
        let key = scenario.cluster.split(separator: ":").last.map(String.init) ?? "plain"
        let json = Self.inline[key == "p" ? "plain" : key]!
        return try #require(TestSupport.config(json).clusters["p"])
    }

    @Test(arguments: scenarios) func matchesGolden(_ scenario: Scenario) throws {
        let rendered = try ScriptRenderer.render(profile: profile(for: scenario), request: scenario.request)
        let path = TestSupport.testsDirectory.appendingPathComponent("Rendering/Snapshots/\(scenario.name).sh").path
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try rendered.text.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without RECORD_SNAPSHOTS")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if expected != rendered.text {
            let actualPath = path + ".actual"
            try rendered.text.write(toFile: actualPath, atomically: true, encoding: .utf8)
            Issue.record("\(scenario.name) differs from its golden; see: diff -u \(path) \(actualPath) (RECORD_SNAPSHOTS=1 re-records)")
        }
    }

    @Test(arguments: scenarios) func rendersValidBash(_ scenario: Scenario) throws {
        let rendered = try ScriptRenderer.render(profile: profile(for: scenario), request: scenario.request)
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.path + "/job.sh"
        try rendered.text.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", file]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func orderIsInitThenSetupThenModules() throws {
        let profile = try #require(ConfigLoader.load(path: Self.seed).config.clusters["gautschi-cpu"])
        let text = try ScriptRenderer.render(profile: profile, request: RenderRequest(runId: "r", commands: ["run"])).text
        let bootstrap = try #require(text.range(of: "command -v module"))
        let strict = try #require(text.range(of: "set -euo pipefail"))
        let purge = try #require(text.range(of: "module --force purge"))
        let load = try #require(text.range(of: "module load python/3.11"))
        let work = try #require(text.range(of: "set -euo pipefail\nrun\n"))
        #expect(bootstrap.lowerBound < strict.lowerBound && strict.lowerBound < purge.lowerBound)
        #expect(purge.lowerBound < load.lowerBound && load.lowerBound < work.lowerBound)
    }

    @Test func jobNameDefaultsToRunId() throws {
        let profile = try #require(TestSupport.config(Self.inline["plain"]!).clusters["p"])
        let text = try ScriptRenderer.render(profile: profile, request: RenderRequest(runId: "my-run", commands: ["x"])).text
        #expect(text.contains("#SBATCH --job-name=my-run\n"))
    }

    @Test func badEnvNameIsRefused() throws {
        let profile = try #require(TestSupport.config(Self.inline["plain"]!).clusters["p"])
        let error = try #require(throws: ClusterSlurmError.self) {
            try ScriptRenderer.render(profile: profile, request: RenderRequest(runId: "r", env: ["1BAD": "x"], commands: ["x"]))
        }
        #expect(error.path == "env.1BAD")
    }
}
