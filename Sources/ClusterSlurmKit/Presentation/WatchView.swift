import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `watch`: a line per change of state, and at the end one summary: how it
/// ended, how long it queued and ran, its peak memory, and when it failed
/// the last lines of its stderr.
public enum WatchView {
    public static func stateLine(_ result: CheckWorkload.Result, at date: Date, watchingSince start: Date, utcOffset: Int, palette: Palette) -> String {
        let clock = String(HumanTime.absolute(date, utcOffset: utcOffset).dropFirst(11).prefix(8))
        var detail: [String] = []
        if let nodes = result.status.nodeList, !nodes.isEmpty, result.state != "PENDING" { detail.append("on \(nodes)") }
        if let reason = EndFacts.reason(result.status.reason) { detail.append("(\(reason))") }
        if let exit = result.status.exitCode { detail.append("exit \(RunListView.exitText(exit))") }
        if let tasks = result.tasks { detail.append("· " + tasks.text) }
        detail.append(result.status.cached == true ? "from the ledger" : "by \(result.status.source.rawValue)")
        return "\(clock)  +\(HumanTime.duration(Int(date.timeIntervalSince(start))))  job \(result.jobId) "
            + palette.paint(result.state, Palette.role(forState: result.state) ?? .emphasis) + " " + detail.joined(separator: " ")
    }

    /// What a check did about an ended job under the profile's `retry`.
    public static func retryLine(_ retry: RetryOnEnd.Outcome, palette: Palette) -> String {
        if let job = retry.jobId {
            return palette.paint("  job \(retry.endedJobId) ended \(retry.endedState): retry \(retry.attempt) of \(retry.maxRetries) submitted as job \(job)"
                                 + (retry.timeLimit.map { " (time limit \($0))" } ?? ""), .emphasis)
        }
        return palette.paint("  job \(retry.endedJobId) ended \(retry.endedState): not retried: \(retry.notRetried ?? "")", .muted)
    }

    /// The heartbeat shown (on a terminal) while waiting for the next check.
    public static func heartbeat(state: String, jobId: String, watching seconds: Int, nextCheckIn: Int) -> String {
        "job \(jobId) \(state) · watching \(HumanTime.duration(seconds)) · next check in \(nextCheckIn)s"
    }

    public static func summary(_ archive: RunArchive, palette: Palette) -> String {
        let end = archive.ends.last
        let final = archive.finalObservation
        let state = end?.state ?? final?.state ?? "UNKNOWN"
        var facts: [String] = []
        if let exit = end?.exitCode ?? final?.exitCode { facts.append("exit \(RunListView.exitText(exit))") }
        if let queued = EndFacts.queuedSeconds(end) { facts.append("queued \(HumanTime.duration(queued))") }
        if let elapsed = end?.elapsedSeconds ?? final?.elapsedSeconds { facts.append("ran \(HumanTime.duration(elapsed))") }
        if let rss = end?.maxRssBytes ?? final?.maxRssBytes { facts.append("MaxRSS \(HumanTime.bytes(rss))") }
        else { facts.append("MaxRSS not recorded by SLURM") }
        if let nodes = end?.nodeList ?? final?.nodeList { facts.append("on \(nodes)") }
        var lines = [palette.paint("run \(archive.run.id) ", .header) + palette.paint(state, Palette.role(forState: state) ?? .emphasis)
                     + " · " + facts.joined(separator: " · ")]
        if state != "COMPLETED", let end {
            if let reason = EndFacts.reason(end.reason) { lines.append("  SLURM's reason: \(reason)") }
            lines += EndFacts.stderrLines(end)
            lines.append(palette.paint("  more: cluster-slurm fetch-workload-logs \(archive.run.id) · cluster-slurm runs show \(archive.run.id)", .muted))
        }
        return lines.joined(separator: "\n")
    }
}
