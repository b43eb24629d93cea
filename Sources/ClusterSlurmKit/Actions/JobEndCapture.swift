import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Stores how jobs ended, the first time any action sees them end: state,
/// exit code and signal, reason, elapsed, MaxRSS, TRES, nodes, and the last
/// lines of stdout and stderr (bounded), so "which runs failed and why" is
/// answered from the ledger alone. Best effort: it never fails the action
/// that triggered it.
package enum JobEndCapture {
    package static let tailLines = 200
    package static let tailBytes = 64 * 1024

    package static func capture(_ statuses: [JobStatus], cluster: String, context: ActionContext) async {
        guard let profile = try? context.profile(cluster) else { return }
        for status in statuses {
            guard let job = try? context.ledger.job(cluster: cluster, jobId: status.jobId),
                  let run = try? context.ledger.run(id: job.runId), let runDir = try? context.remoteRunDirectory(run) else { continue }
            var stdoutTail: String?
            var stderrTail: String?
            if let paths = try? JobLogs.logPaths(job: representative(job, cluster: cluster, context: context), context: context) {
                var words = [paths.stdout.word]
                if let stderr = paths.stderr { words.append(stderr.word) }
                if let tails = try? await RemoteLogs.tails(of: words, in: runDir, within: runDir, lines: tailLines, endpoint: SSHEndpoint(profile: profile),
                                                           transport: context.transport) {
                    let redactor = context.ledger.redactor(runId: run.id)
                    let clean = { (text: String) in redactor?.redact(text) ?? text }
                    stdoutTail = tails.first.flatMap { $0.present ? bounded(clean($0.text)) : nil }
                    stderrTail = tails.count > 1 ? (tails[1].present ? bounded(clean(tails[1].text)) : nil) : nil
                }
            }
            await captureEnvironment(job: representative(job, cluster: cluster, context: context), run: run, runDir: runDir, profile: profile, context: context)
            let record = JobEndRecord(
                cluster: cluster, jobId: status.jobId, runId: job.runId, state: status.state, rawState: status.rawState,
                exitCode: status.exitCode, signal: signal(of: status.exitCode), reason: status.reason, elapsedSeconds: status.elapsedSeconds,
                maxRss: status.maxRss, maxRssBytes: status.maxRssBytes, allocTres: status.allocTres, nodeList: status.nodeList,
                stdoutTail: stdoutTail, stderrTail: stderrTail, capturedAt: Timestamp.string(context.now()),
                submitTime: status.submitTime, startTime: status.startTime, endTime: status.endTime)
            try? context.ledger.recordJobEnd(record)
        }
    }

    /// The environment file the job wrote (its task's, for an array), into the ledger.
    package static func captureEnvironment(job: JobRecord, run: RunRecord, runDir: RemotePath, profile: ClusterProfile, context: ActionContext) async {
        let parts = job.jobId.split(separator: "_")
        let path = (parts.count == 2 ? "tasks/\(parts[1])/" : "") + ScriptRenderer.environmentFile
        let endPath = (parts.count == 2 ? "tasks/\(parts[1])/" : "") + ScriptRenderer.environmentAtEndFile
        guard let tails = try? await RemoteLogs.tails(of: [.literal(path), .literal(endPath)], in: runDir, within: runDir, lines: 20_000,
                                                       endpoint: SSHEndpoint(profile: profile), transport: context.transport,
                                                       label: "read environment"),
              let file = tails.first, file.present, !file.text.isEmpty else { return }
        try? context.ledger.recordEnvironment(runId: run.id, jobId: job.jobId, text: file.text, now: context.now())
        // What the workload changed while it ran (a module loaded however it was spelled, a package installed):
        // it cannot be prevented from here, it must not pass unseen. Under a policy that sets limits it counts
        // against the breakers.
        if tails.count > 1, tails[1].present, !tails[1].text.isEmpty {
            let changes = EnvironmentChange.changes(before: file.text, after: tails[1].text)
            if !changes.isEmpty {
                let strict = context.config.policy(for: run.cluster).setsLimits
                _ = try? context.ledger.recordGuardrailEvent(GuardrailEvent(
                    cluster: run.cluster, jobId: job.jobId, runId: run.id, rule: "environment_changed",
                    detail: "the workload changed its environment while it ran: " + changes.joined(separator: "; "),
                    tasks: 1, action: strict ? "violation" : "reported", observedAt: Timestamp.string(context.now())))
            }
        }
    }

    /// Whose logs tell how a job ended: for an array, its first task that
    /// did not complete (else its first task).
    package static func representative(_ job: JobRecord, cluster: String, context: ActionContext) -> JobRecord {
        guard job.arraySpec != nil, let tasks = try? context.ledger.arrayTasks(cluster: cluster, arrayJobId: job.jobId), let first = tasks.first else { return job }
        let failed = tasks.first { $0.lastState.flatMap(JobState.init(rawValue:)).map { $0.isTerminal && $0 != .completed } ?? false }
        var task = job
        task.jobId = (failed ?? first).jobId
        return task
    }

    /// The last `tailBytes` of a text, cut at a line start when it can be.
    package static func bounded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > tailBytes else { return text }
        var tail = bytes.suffix(tailBytes)
        if let newline = tail.firstIndex(of: 10) { tail = tail[(newline + 1)...] }
        return String(decoding: tail, as: UTF8.self)
    }

    /// `EXIT:SIGNAL` → the signal, when non-zero.
    package static func signal(of exitCode: String?) -> Int? { SlurmExitCode.signal(of: exitCode) }
}
