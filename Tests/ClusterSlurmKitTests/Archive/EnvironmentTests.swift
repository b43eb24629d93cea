import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The environment a job records on the compute node, and what changed between two.
@Suite struct EnvironmentTests {
    static let a = """
        @@host
        node-a
        @@os
        Debian GNU/Linux 12 (bookworm)
        @@kernel
        Linux 6.1.0
        @@cpu
        Intel(R) Xeon(R) Platinum 8480+
        @@python
        Python 3.11.2
        @@pip
        numpy==1.24.2
        scipy==1.11.0
        my_pkg @ file:///home/u/my_pkg
        @@modules
        python/3.11
        rcac
        @@slurm
        SLURM_JOB_PARTITION=cpu
        """
    static let b = a.replacingOccurrences(of: "numpy==1.24.2\nscipy==1.11.0", with: "numpy==1.26.4\ntorch==2.1.0")
        .replacingOccurrences(of: "node-a", with: "node-b").replacingOccurrences(of: "rcac", with: "cuda/12.1")

    @Test func readsSections() {
        let env = EnvironmentSnapshot(text: Self.a)
        #expect(env.python == "3.11.2")
        #expect(env.packages == ["numpy": "1.24.2", "scipy": "1.11.0", "my-pkg": "@ file:///home/u/my_pkg"])
        #expect(env.modules == ["python/3.11", "rcac"])
        #expect(env.summary == "Python 3.11.2 · 3 packages · modules python/3.11 rcac · Debian GNU/Linux 12 (bookworm) · on node-a (Intel(R) Xeon(R) Platinum 8480+)")
    }

    @Test func packageAndModuleChangesCountPlacementDoesNot() {
        let x = EnvironmentSnapshot(text: Self.a), y = EnvironmentSnapshot(text: Self.b)
        #expect(EnvironmentSnapshot.changes(from: x, to: y) == ["numpy 1.24.2 → 1.26.4", "- scipy 1.11.0", "+ torch 2.1.0", "+ module cuda/12.1", "- module rcac"])
        #expect(EnvironmentSnapshot.placementChanges(from: x, to: y) == ["host: node-a → node-b"])
        #expect(EnvironmentSnapshot.changes(from: x, to: x).isEmpty)
    }

    /// The rendered probes, run by bash here: every section comes back, and a
    /// probe that does not exist (no `module`, no GPU) fails nothing.
    @Test func probesRunAndNeverFail() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.path + "/env.sh"
        try (["set -euo pipefail", "cd \"$1\""] + ScriptRenderer.environmentLines(file: ScriptRenderer.environmentFile) + ["echo survived"])
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let out = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [file, scratch.path]
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "survived\n")
        let text = try String(contentsOfFile: scratch.path + "/" + ScriptRenderer.environmentFile, encoding: .utf8)
        let env = EnvironmentSnapshot(text: text)
        #expect(env.value("host")?.isEmpty == false)
        #expect(env.python?.first?.isNumber == true, "\(text)")
        #expect(env.value("kernel")?.hasPrefix("Linux") == true)
        #expect(env.modules.isEmpty, "no module command here: \(env.modules)")
    }

    @Test func diffCountsEnvironmentChanges() {
        var a = RunDiffTests.archive(id: "run-20261129-000001"), b = RunDiffTests.archive(id: "run-20261129-000002")
        a.environment = Self.a
        b.environment = Self.b
        let diff = RunDiff.compare(a, b)
        #expect(diff.differing == ["environment"])
        #expect(diff.categories.first { $0.name == "environment" }?.changes.contains("numpy 1.24.2 → 1.26.4") == true)
        #expect(diff.categories.first { $0.name == "host" }?.changes.contains("host: node-a → node-b") == true)
    }
}

/// A replay on another cluster takes that profile's placement, keeps the call's own choices.
@Suite struct ReplayMappingTests {
    @Test func placementFollowsTheNewProfile() throws {
        let config = try ConfigLoader.load(path: TestSupport.repository.appendingPathComponent("examples/local/cluster-slurm.json").path).config
        let cpu = try #require(config.clusters["local-cpu"]), gpu = try #require(config.clusters["local-gpu"])
        let cpuScript = try ScriptRenderer.render(profile: cpu, request: RenderRequest(runId: "r", commands: ["x"])).text
        let toGpu = ReplayMapping.directives(parentScript: cpuScript, from: cpu, to: gpu)
        #expect(toGpu["partition"] == .some("ai") && toGpu["account"] == .some("lilly-ibil") && toGpu["qos"] == .some("normal"))
        #expect(toGpu["gpus"] == nil && toGpu["gpusPerNode"] == nil, "no GPU asked, none added")
        let gpuScript = try ScriptRenderer.render(profile: gpu, request: RenderRequest(runId: "r", commands: ["x"])).text
        let toCpu = ReplayMapping.directives(parentScript: gpuScript, from: gpu, to: cpu)
        #expect(toCpu["partition"] == .some("cpu") && toCpu["qos"] == .some(nil), "a QOS the new profile has none of is removed")
        // The parent's own partition (not its profile's default) stays.
        var overrides = SlurmDirectives()
        overrides.partition = "debug"
        let own = try ScriptRenderer.render(profile: cpu, request: RenderRequest(runId: "r", overrides: overrides, commands: ["x"])).text
        #expect(ReplayMapping.directives(parentScript: own, from: cpu, to: gpu)["partition"] == nil)
        let replayed = Replay.applyOverrides(gpuScript, toCpu, flags: Dictionary(uniqueKeysWithValues: SlurmDirectives.renderOrder.map { ($0.key, $0.flag) }))
        #expect(replayed.contains("#SBATCH --partition=cpu\n") && !replayed.contains("--qos=") && replayed.contains("#SBATCH --gpus-per-node=1\n"))
    }
}
