import ClusterSlurmSupport

/// Parses `squeue` for any number of jobs at once; the job-status program
/// asks squeue for exactly this `format` (given to it as SQUEUE_FORMAT).
public enum SqueueOutput {
    /// `%i` id, `%T` long state, `%r` reason, `%N` nodes, `%M` time used, `%j` name.
    public static let format = "%i|%T|%r|%N|%M|%j"


    /// Whether a failed squeue means "these ids are gone" (purged from
    /// slurmctld) rather than a real failure.
    public static func isInvalidJobIdError(_ stderr: String) -> Bool {
        stderr.localizedCaseInsensitiveContains("Invalid job id")
    }

    public static func parse(_ stdout: String) -> [JobStatus] {
        var out: [JobStatus] = []
        for line in stdout.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            var status = JobStatus(jobId: fields[0].trimmingCharacters(in: .whitespaces), source: .squeue, rawState: fields[1])
            if fields.count > 2, !["None", "(null)", ""].contains(fields[2]) { status.reason = fields[2] }
            if fields.count > 3, !["", "(null)"].contains(fields[3]) { status.nodeList = fields[3] }
            if fields.count > 4, !fields[4].isEmpty {
                status.elapsed = fields[4]
                status.elapsedSeconds = SacctOutput.seconds(fromDuration: fields[4])
            }
            if fields.count > 5 { status.jobName = fields[5] }
            out.append(status)
        }
        return out
    }
}
