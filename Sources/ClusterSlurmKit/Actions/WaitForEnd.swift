import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// One change seen while `check_workload` waits, for whoever watches
/// (MCP progress notifications, OpenClaw's `onUpdate`, a terminal).
public struct WaitUpdate: Codable, Sendable, Equatable {
    public enum Event: String, Codable, Sendable {
        /// The job's script said it started.
        case started
        /// A scheduler check saw a (new) state: pending with its reason, running…
        case state
        /// The job's script said it ended; SLURM is asked at once.
        case announced
        /// SLURM shows the job ended.
        case ended
        /// Nothing changed; still waiting (sent now and then, from this machine, asking nobody).
        case waiting
        /// A scheduler check failed; the wait goes on.
        case schedulerFailed
    }
    public var event: Event
    public var runId: String?
    public var jobId: String?
    public var state: String?
    public var reason: String?
    public var elapsedSeconds: Int
    /// The update in words.
    public var message: String
}

/// Waits on the login node, in one ssh session, for jobs to end: the job's
/// own end announcement (its script writes one into the run dir) is
/// watched with filesystem look-ups, SLURM is asked only sparsely (and at
/// once when a job announces its end), and the session's end stops the wait
/// there (see `RemotePrograms/wait_for_end.bash`). Ends when the jobs ended
/// (the first or all) or at the deadline; the caller then asks SLURM once
/// for the whole truth.
public enum WaitForEnd {
    public enum Mode: String, Codable, Sendable, CaseIterable { case any, all }

    public struct Target: Sendable {
        public var runId: String?
        public var jobId: String
        /// Where the job announces its start and end; nil: nowhere known (only the scheduler checks see it).
        public var runDirectory: RemotePath?
        /// The array's task count; 0 for a single job.
        public var taskCount: Int
        public init(runId: String?, jobId: String, runDirectory: RemotePath?, taskCount: Int) {
            self.runId = runId; self.jobId = jobId; self.runDirectory = runDirectory; self.taskCount = taskCount
        }
    }

    /// What the wait saw and cost.
    public struct Outcome: Codable, Sendable, Equatable {
        /// Jobs SLURM showed ended during the wait.
        public var endedJobIds: [String]
        /// True when time ran out first.
        public var reachedDeadline: Bool
        public var waitedSeconds: Double
        /// Scheduler queries (squeue) the wait made on the login node.
        public var schedulerQueries: Int
        /// CPU seconds of the wait's processes on the login node.
        public var loginNodeCpuSeconds: Double?
        /// The end the job's script announced (exit status), by job id.
        public var announcedStatus: [String: Int]
    }

    public static func wait(_ targets: [Target], cluster: String, seconds: Int, mode: Mode, context: ActionContext) async throws -> Outcome {
        precondition(!targets.isEmpty)
        let profile = try context.profile(cluster)
        let endpoint = SSHEndpoint(profile: profile)
        let firstCheck = context.config.polling.firstWaitCheckSeconds
        var arguments: [ShellWord] = [.literal(String(seconds)), .literal(String(firstCheck)), .literal(mode.rawValue)]
        for target in targets {
            arguments += [target.runDirectory?.word ?? .literal("-"), .literal(target.jobId), .literal(String(target.taskCount))]
        }
        let started = ContinuousClock.now
        let clock = Locked(WaitState())
        let notify = context.waitUpdates
        let elapsed: @Sendable () -> Int = { Int((ContinuousClock.now - started).components.seconds) }
        let call = RemoteCall(
            label: "wait for the job to end", script: RemoteScripts.waitForEnd, arguments: arguments, stdin: .heldOpen,
            stdout: .consumer({ source in
                var report = WaitReport()
                while true {
                    let chunk = try source.read(upTo: 1 << 14)
                    if chunk.isEmpty { break }
                    for event in report.feed(chunk) {
                        let update = clock.withLock { $0.take(event, targets: targets, elapsed: elapsed()) }
                        if let update { notify?(update) }
                    }
                }
            }),
            // the wait ends itself at its deadline; the margin covers a slow last check
            timeoutSeconds: seconds + 120)
        // A note now and then that the wait goes on, made here (nobody is asked).
        let heartbeat: Task<Void, Never>? = notify.map { notify in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(30))
                    if Task.isCancelled { break }
                    let update = clock.withLock { $0.heartbeat(targets: targets, elapsed: elapsed()) }
                    notify(update)
                }
            }
        }
        defer { heartbeat?.cancel() }
        let result = try await context.transport.run(call, on: endpoint)
        let final = clock.withLock { $0 }
        guard let finished = final.finished else {
            throw ClusterSlurmError.remote("the wait for job \(targets.map(\.jobId).joined(separator: ", ")) on \(cluster) stopped early (exit \(result.exitStatus)\(result.stderr.isEmpty ? "" : ": " + OpenSSHTransport.tail(result.stderr, lines: 3)))")
        }
        let waited = ContinuousClock.now - started
        return Outcome(endedJobIds: final.ended, reachedDeadline: finished.deadline,
                       waitedSeconds: Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18,
                       schedulerQueries: finished.queries, loginNodeCpuSeconds: final.cpuSeconds, announcedStatus: final.announced)
    }

    /// What the stream said so far (written by the reader thread).
    struct WaitState: Sendable {
        var ended: [String] = []
        var announced: [String: Int] = [:]
        var lastState: [Int: (state: String, reason: String?)] = [:]
        var finished: (deadline: Bool, queries: Int)?
        var cpuSeconds: Double?

        mutating func take(_ event: WaitEvent, targets: [Target], elapsed: Int) -> WaitUpdate? {
            func target(_ i: Int) -> Target? { targets.indices.contains(i) ? targets[i] : nil }
            switch event {
            case .started(let i, _, let node):
                guard let t = target(i) else { return nil }
                lastState[i] = ("RUNNING", nil)
                return WaitUpdate(event: .started, runId: t.runId, jobId: t.jobId, state: "RUNNING", reason: nil, elapsedSeconds: elapsed,
                                  message: "job \(t.jobId) started" + (node.map { " on \($0)" } ?? ""))
            case .announced(let i, let status, let signal):
                guard let t = target(i) else { return nil }
                if let status { announced[t.jobId] = status }
                let how = signal.map { "stopped by \($0)" } ?? status.map { "exit status \($0)" } ?? "ended"
                return WaitUpdate(event: .announced, runId: t.runId, jobId: t.jobId, state: nil, reason: nil, elapsedSeconds: elapsed,
                                  message: "job \(t.jobId) says it ended (\(how)); asking SLURM")
            case .state(let i, let state, let reason):
                guard let t = target(i) else { return nil }
                lastState[i] = (state, reason)
                let words = state == "PENDING" ? "still pending" + (reason.map { ": \($0)" } ?? "") : state.lowercased()
                return WaitUpdate(event: .state, runId: t.runId, jobId: t.jobId, state: state, reason: reason, elapsedSeconds: elapsed,
                                  message: "job \(t.jobId) \(words)")
            case .ended(let i, let state):
                guard let t = target(i) else { return nil }
                ended.append(t.jobId)
                let shown = state == "GONE" ? nil : state
                return WaitUpdate(event: .ended, runId: t.runId, jobId: t.jobId, state: shown, reason: nil, elapsedSeconds: elapsed,
                                  message: "job \(t.jobId) ended" + (shown.map { " (\($0))" } ?? ""))
            case .schedulerFailed(let message):
                return WaitUpdate(event: .schedulerFailed, runId: nil, jobId: nil, state: nil, reason: nil, elapsedSeconds: elapsed,
                                  message: "a scheduler check failed (\(message)); still waiting")
            case .finished(let deadline, let queries):
                finished = (deadline, queries)
                return nil
            case .cost(let seconds):
                cpuSeconds = seconds
                return nil
            }
        }

        func heartbeat(targets: [Target], elapsed: Int) -> WaitUpdate {
            let open = targets.indices.filter { !ended.contains(targets[$0].jobId) }
            let words = open.map { i -> String in
                let seen = lastState[i].map { $0.state.lowercased() + ($0.reason.map { ": \($0)" } ?? "") } ?? "not seen yet"
                return "job \(targets[i].jobId) \(seen)"
            }
            let first = open.first.map { targets[$0] }
            return WaitUpdate(event: .waiting, runId: first?.runId, jobId: first?.jobId, state: open.first.flatMap { lastState[$0]?.state },
                              reason: open.first.flatMap { lastState[$0]?.reason }, elapsedSeconds: elapsed,
                              message: "waiting \(elapsed) s: " + words.joined(separator: "; "))
        }
    }
}
