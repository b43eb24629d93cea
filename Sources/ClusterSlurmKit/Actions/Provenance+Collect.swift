import Foundation
import Subprocess
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

extension Provenance {
    /// The local host and, when the workspace is a git repository, its
    /// commit and a hash of its uncommitted diff.
    package static func collect(workspace: String, toolVersion: String) async -> Provenance {
        var provenance = Provenance(toolVersion: toolVersion, localHost: ProcessInfo.processInfo.hostName)
        guard FileManager.default.fileExists(atPath: workspace + "/.git") else { return provenance }
        func git(_ args: [String]) async -> String? {
            guard let result = try? await Subprocess.run(ExecutableLookup.resolve("git", searchPath: ProcessInfo.processInfo.environment["PATH"]), arguments: Arguments(["-C", workspace] + args),
                                                         output: .string(limit: 64 << 20), error: .discarded),
                  result.terminationStatus.isSuccess else { return nil }
            return result.standardOutput
        }
        provenance.gitCommit = await git(["rev-parse", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let diff = await git(["diff", "HEAD"]), !diff.isEmpty { provenance.gitDirtySha256 = Hashing.sha256Hex(diff) }
        return provenance
    }
}
