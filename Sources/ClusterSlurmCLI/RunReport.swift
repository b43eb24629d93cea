import ClusterSlurmKit
/// The human rendering of `runs show`.
enum RunReport {
    static func render(_ a: RunArchive) -> String {
        var lines: [String] = []
        let r = a.run
        lines.append("run \(r.id) on \(r.cluster) — \(r.status)")
        lines.append("created \(r.createdAt), updated \(r.updatedAt); tool \(r.toolVersion); host \(r.localHost ?? "-")")
        lines.append("routing: \(r.routingReason ?? "-")\(r.matchedIndicator.map { " (matched \"\($0)\")" } ?? "")")
        lines.append("workload: \(r.workload ?? "-")")
        lines.append("commands: \(r.commandsJson ?? "-")")
        lines.append("local dir: \(r.localRunDir); remote dir: \(r.remoteRunDir)")
        lines.append("provenance: git \(r.gitCommit ?? "-")\(r.gitDirtySha256.map { " + uncommitted diff \($0.prefix(12))" } ?? ""); config \(r.configSha256?.prefix(12) ?? "-")")
        if let parent = r.parentRunId { lines.append("replay of \(parent): \(a.replay?.verdict ?? "not verified yet") \(a.replay?.deltasJson ?? "")") }
        if !a.replays.isEmpty { lines.append("replays: " + a.replays.map { "\($0.runId) (\($0.verdict ?? "unverified"))" }.joined(separator: ", ")) }
        lines.append("\ninputs\(r.inputsNotArchived ? " (some not archived: over the cap)" : ""):")
        for e in a.inputs { lines.append("  \(e.relativePath)  \(e.size) B  \(e.sha256.prefix(16))  \(e.verified ? "verified" : "unverified")\(e.blobSha256 == nil ? "" : ", archived")") }
        lines.append("\nsubmissions:")
        for s in a.submissions { lines.append("  #\(s.attempt) \(s.submittedAt) \(s.outcome.rawValue) \(s.jobId ?? "-"): \(s.command)\(s.stderr.isEmpty ? "" : " — \(s.stderr)")") }
        lines.append("\ntimeline:")
        for o in a.observations where o.isTransition {
            lines.append("  \(o.observedAt) job \(o.jobId) \(o.state) (\(o.source.rawValue))\(o.exitCode.map { " exit \($0)" } ?? "")\(o.reason.map { " \($0)" } ?? "")")
        }
        if let f = a.finalObservation {
            lines.append("\naccounting: state \(f.state), exit \(f.exitCode ?? "-"), elapsed \(f.elapsed ?? "-"), MaxRSS \(f.maxRss ?? "-"), TotalCPU \(f.totalCpu ?? "-"), AllocTRES \(f.allocTres ?? "-"), nodes \(f.nodeList ?? "-")")
        }
        for end in a.ends where end.state != "COMPLETED" {
            lines.append("ended: job \(end.jobId) \(end.state)\(end.exitCode.map { " exit \($0)" } ?? "")\(end.signal.map { " signal \($0)" } ?? "")\(end.reason.map { " (\($0))" } ?? "")")
            if let tail = end.stderrTail?.split(separator: "\n", omittingEmptySubsequences: false).suffix(10), !tail.joined().isEmpty {
                lines.append("  stderr (last lines):")
                for line in tail where !line.isEmpty { lines.append("    \(line)") }
            }
        }
        if let info = a.runInfoJSON { lines.append("ran with: \(info)") }
        lines.append("\noutputs:")
        for o in a.artifacts { lines.append("  \(o.remotePath) → \(o.localPath)  \(o.size) B  \(o.sha256.prefix(16))") }
        if let script = a.scriptText {
            lines.append("\nscript \(a.script?.scriptName ?? "") (sha256 \(a.script?.scriptSha256.prefix(16) ?? "")):")
            lines.append(script)
        }
        return lines.joined(separator: "\n")
    }
}
