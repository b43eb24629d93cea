import ClusterSlurmSupport

/// SLURM's `EXIT:SIGNAL` exit code pair (sacct's ExitCode).
public enum SlurmExitCode {
    /// The signal that ended the job, when non-zero.
    public static func signal(of exitCode: String?) -> Int? {
        guard let parts = exitCode?.split(separator: ":"), parts.count == 2, let signal = Int(parts[1]), signal != 0 else { return nil }
        return signal
    }
}
