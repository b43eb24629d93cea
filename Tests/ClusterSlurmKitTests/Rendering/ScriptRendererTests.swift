import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

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
        "preempt": #"{"clusters": {"p": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"time": "01:00:00", "output": "logs/%x-%j.out", "error": "logs/%x-%j.err"}, "preemption": {"requeue": true, "signal": "USR1", "secondsBefore": 90}}}}"#,
    ]
    static let sweep = JobArray(spec: .tasks(count: 3, maxRunning: 2),
                                taskParams: [.object(["lr": .double(0.1)]), .object(["lr": .double(0.01), "name": .string("it's \"b\"\nline")]), .object([:])])

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
        Scenario(name: "array-of-params", cluster: "p", configPath: nil, request: RenderRequest(
            runId: "sweep-1", commands: ["python3 train.py"], params: .object(["epochs": .int(3)]), array: sweep)),
        Scenario(name: "array-spec", cluster: "p:preempt", configPath: nil, request: RenderRequest(
            runId: "seeds-1", commands: ["python3 seed.py \"$SLURM_ARRAY_TASK_ID\""],
            array: JobArray(spec: try! ArraySpec.parse("0-19:2%4").get()))),
        Scenario(name: "preemption-signal", cluster: "p:preempt", configPath: nil, request: RenderRequest(runId: "ckpt-1", commands: ["python3 ckpt.py"])),
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

    /// Runs a rendered script's parameter block in bash as task `index`
    /// would: the task sees its own parameters, byte for byte.
    @Test(arguments: [0, 1, 2]) func eachTaskSeesItsOwnParameters(_ index: Int) throws {
        let lines = try ScriptRenderer.parameterLines(params: nil, array: Self.sweep)
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.path + "/params.sh"
        try (["cd \"$1\"", "SLURM_ARRAY_TASK_ID=\(index)"] + lines + ["printf '%s|%s' \"$CLUSTER_SLURM_PARAMS\" \"$CLUSTER_SLURM_TASK_DIR\""])
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let out = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [file, scratch.path]
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let expected = try CanonicalJSON.encode(Self.sweep.taskParams![index])
        #expect(text == "\(expected)|tasks/\(index)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/tasks/\(index)"))
    }

    /// The batch shell passes the warning signal on to the workload, and
    /// exits with the workload's status once it has ended — also when the
    /// workload ends at once (a race 1 run in 15 lost, exiting 138: repeated).
    @Test(arguments: 0..<40) func warningSignalReachesTheWorkload(_ attempt: Int) throws {
        let lines = ScriptRenderer.forwardedWorkload(commands: [
            "trap 'echo saved > \"$1\"/checkpoint; exit 7' USR1",
            "touch \"$1\"/started",
            "for i in $(seq 100); do sleep 0.1; done",
        ], signal: "USR1")
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.path + "/job.sh"
        try (["set +e"] + lines + ["exit \"$cluster_slurm_status\""]).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        // The test runner's threads block most signals and Process passes that
        // mask on; a batch script under slurmstepd starts with none blocked,
        // so the script runs with an empty mask, in its own process group as there.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        process.arguments = ["-MPOSIX", "-e", "sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; setsid(); exec @ARGV or die", "/bin/bash", file, scratch.path]
        try process.run()
        // The signal is sent once the workload has started (its own marker file says so).
        let started = scratch.path + "/started"
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: started), Date() < deadline { usleep(10_000) }
        #expect(FileManager.default.fileExists(atPath: started))
        kill(process.processIdentifier, SIGUSR1)
        process.waitUntilExit()
        #expect(process.terminationStatus == 7)
        #expect((try? String(contentsOfFile: scratch.path + "/checkpoint", encoding: .utf8)) == "saved\n")
    }

    @Test func arrayLogPatternsNameTheTask() {
        let cases: [(String, String)] = [
            ("slurm-%j.out", "slurm-%A_%a.out"), ("logs/%x-%j.err", "logs/%x-%A_%a.err"), ("out-%A_%a.txt", "out-%A_%a.txt"),
            ("job.log", "job_%A_%a.log"), ("logs.d/out", "logs.d/out_%A_%a"), ("%%j-%j", "%%j-%A_%a"), ("x-%5j", "x-%A_%a"),
        ]
        for (pattern, expected) in cases { #expect(ArrayLogs.taskPattern(pattern) == expected, "\(pattern)") }
    }
}
