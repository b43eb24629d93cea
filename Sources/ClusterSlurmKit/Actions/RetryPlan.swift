import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// The script of a retry: the same bytes as the attempt that ended, except
/// its `#SBATCH --time=` multiplied (rounded up to whole minutes, which is
/// how SLURM counts a limit).
package enum RetryPlan {
    package struct Adjusted: Equatable {
        package var text: String
        package var from: String?
        package var to: String?
    }

    package static func adjustedScript(_ text: String, multiplier: Double) -> Adjusted {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let prefix = "#SBATCH --time="
        var from: String?
        var to: String?
        for index in lines.indices {
            let line = lines[index]
            if !(line.hasPrefix("#SBATCH") || line.hasPrefix("#!") || line.isEmpty) { break }
            guard line.hasPrefix(prefix) else { continue }
            let value = String(line.dropFirst(prefix.count))
            guard case .success(let seconds?) = SlurmFormats.timeLimitSeconds(value), multiplier > 1 else { continue }
            let longer = Int((Double(seconds) * multiplier / 60).rounded(.up)) * 60
            from = value
            to = format(seconds: longer)
            lines[index] = prefix + to!
        }
        return Adjusted(text: lines.joined(separator: "\n"), from: from, to: to)
    }

    /// `D-HH:MM:SS` (or `HH:MM:SS` under a day).
    package static func format(seconds: Int) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        let clock = String(format: "%02d:%02d:%02d", hours, minutes, rest)
        return days > 0 ? "\(days)-\(clock)" : clock
    }
}
