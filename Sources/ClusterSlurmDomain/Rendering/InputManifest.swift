import Foundation
import ClusterSlurmSupport

/// The file the job checks with `sha256sum --check --strict` on the compute
/// node before its workload runs (see `ScriptRenderer.inputVerificationLines`):
/// what runs is what the ledger says was uploaded, whatever happened to the
/// files between upload and job start.
public enum InputManifest {
    /// Its name in the run dir; matched by the job's `.cluster-slurm-inputs.*.sha256` loop.
    public static let fileName = ".cluster-slurm-inputs.all.sha256"

    /// `sha256sum` check lines for `(path relative to the run dir, sha256)`.
    /// Names holding a backslash or newline use coreutils' escaped form: the
    /// line starts with `\` and the name has `\\` and `\n` (the escapes
    /// every coreutils since 8.x reads; a carriage return stays as it is).
    public static func text(_ entries: [(path: String, sha256: String)]) -> String {
        entries.sorted { $0.path < $1.path }.map { entry in
            if entry.path.contains("\\") || entry.path.contains("\n") {
                let escaped = entry.path.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\n", with: "\\n")
                return "\\\(entry.sha256)  \(escaped)\n"
            }
            return "\(entry.sha256)  \(entry.path)\n"
        }.joined()
    }
}
