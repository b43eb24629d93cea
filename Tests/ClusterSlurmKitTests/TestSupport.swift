import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

enum TestSupport {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: testsDirectory.appendingPathComponent("Slurm/Fixtures/\(name)"), encoding: .utf8)
    }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cs-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A temporary directory removed when the value goes: tests remove what they create.
    final class Scratch: @unchecked Sendable {
        let path = TestSupport.temporaryDirectory()
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func config(_ json: String) throws -> PluginConfig {
        try ConfigLoader.load(data: Data(json.utf8), source: "test.json").config
    }

    /// A two-profile config shaped like the seed.
    static let seedLike = """
    {
      "defaultCluster": "cpu",
      "routing": {"defaultProfile": "cpu", "gpuProfile": "gpu"},
      "clusters": {
        "cpu": {"sshTarget": "c", "remoteRoot": "/scratch/u/runs", "loginShell": true,
                "setupCommands": ["module --force purge", "module load rcac"],
                "slurmDefaults": {"partition": "cpu", "account": "acct", "time": "01:00:00", "mem": "8G", "modules": ["python/3.11"],
                                  "output": "slurm-%j.out", "error": "slurm-%j.err"}},
        "gpu": {"sshTarget": "c", "remoteRoot": "~/runs",
                "slurmDefaults": {"partition": "ai", "gpusPerNode": 1, "time": "04:00:00"}}
      }
    }
    """
}
