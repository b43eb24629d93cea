import ClusterSlurmSupport

/// A job array's state from its tasks' states: one squeue (`--array`, a line
/// per task, pending ones too) and one sacct (a record per started task)
/// answer for every task at once, however many there are.
public enum ArrayStatus {
    /// What the tasks add up to, for a person and an agent.
    public struct Summary: Sendable, Codable, Equatable {
        public var total: Int
        /// Tasks by state, e.g. {"COMPLETED": 17, "RUNNING": 2, "FAILED": 1}.
        public var counts: [String: Int]
        /// Tasks that ended other than COMPLETED, ascending.
        public var failedTasks: [Int]
        /// `20 tasks: 17 COMPLETED, 2 RUNNING, 1 FAILED`.
        public var text: String
        /// The failed tasks as an array spec, to run just them again (`array`).
        public var rerunSpec: String?
    }

    /// The task statuses of array `arrayJobId` among squeue's and sacct's
    /// answers, by task index (`123_4` → 4). A pending range sacct prints as
    /// one record (`123_[5-19%4]`) is not a task's own answer and is skipped.
    public static func tasks(of arrayJobId: String, squeue: [JobStatus], sacct: [JobStatus]) -> [Int: JobStatus] {
        func index(_ id: String) -> Int? {
            let prefix = arrayJobId + "_"
            guard id.hasPrefix(prefix) else { return nil }
            return Int(id.dropFirst(prefix.count))
        }
        var fromSqueue: [Int: JobStatus] = [:]
        for status in squeue { if let i = index(status.jobId) { fromSqueue[i] = status } }
        var fromSacct: [Int: JobStatus] = [:]
        for status in sacct { if let i = index(status.jobId) { fromSacct[i] = status } }
        var out: [Int: JobStatus] = [:]
        for i in Set(fromSqueue.keys).union(fromSacct.keys) {
            if let merged = JobStatus.merge(squeue: fromSqueue[i], sacct: fromSacct[i]) { out[i] = merged }
        }
        return out
    }

    /// The array's own status: done when every expected task has ended;
    /// COMPLETED when all completed; a state all unsuccessful tasks share
    /// (e.g. all TIMEOUT) or else FAILED. A task no source shows yet is
    /// counted as PENDING while any task is known.
    public static func aggregate(_ arrayJobId: String, tasks: [Int: JobStatus], expected: [Int]) -> (status: JobStatus, summary: Summary) {
        let indexes = Array(Set(expected).union(tasks.keys)).sorted()
        var counts: [String: Int] = [:]
        var failed: [Int] = []
        var unsuccessful: Set<String> = []
        var allEnded = true
        for index in indexes {
            let state = tasks[index]?.jobState ?? .pending
            let name = tasks[index]?.state ?? JobState.pending.rawValue
            counts[name, default: 0] += 1
            if !state.isTerminal { allEnded = false }
            if state.isTerminal, state != .completed { failed.append(index); unsuccessful.insert(state.rawValue) }
        }
        let state: String
        if allEnded {
            state = failed.isEmpty ? JobState.completed.rawValue : (unsuccessful.count == 1 ? unsuccessful.first! : JobState.failed.rawValue)
        } else if tasks.values.contains(where: { [.running, .completing, .configuring, .suspended].contains($0.jobState) }) || !failed.isEmpty
                    || tasks.values.contains(where: { $0.jobState == .completed }) {
            state = JobState.running.rawValue
        } else {
            state = JobState.pending.rawValue
        }
        var status = JobStatus(jobId: arrayJobId, source: tasks.values.contains { $0.source == .squeue } ? .squeue : .sacct, rawState: state)
        let known = indexes.compactMap { tasks[$0] }
        status.jobName = known.compactMap(\.jobName).first
        status.elapsedSeconds = known.compactMap(\.elapsedSeconds).max()
        status.maxRssBytes = known.compactMap(\.maxRssBytes).max()
        status.maxRss = known.first { $0.maxRssBytes == status.maxRssBytes && status.maxRssBytes != nil }?.maxRss
        status.submitTime = known.compactMap(\.submitTime).filter(isTime).min()
        status.startTime = known.compactMap(\.startTime).filter(isTime).min()
        if allEnded { status.endTime = known.compactMap(\.endTime).filter(isTime).max() }
        status.nodeList = Array(Set(known.compactMap(\.nodeList))).sorted().prefix(8).joined(separator: ",").nilIfEmpty
        status.allocTres = known.first?.allocTres
        if let firstFailed = failed.first { status.exitCode = tasks[firstFailed]?.exitCode } else if allEnded { status.exitCode = "0:0" }
        let order = JobState.allCases.map(\.rawValue)
        let parts = counts.sorted { (order.firstIndex(of: $0.key) ?? 99, $0.key) < (order.firstIndex(of: $1.key) ?? 99, $1.key) }
        let text = "\(indexes.count) task\(indexes.count == 1 ? "" : "s"): " + parts.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        if !failed.isEmpty {
            status.reason = "\(failed.count) of \(indexes.count) tasks did not complete (tasks \(ArraySpec.compact(failed)))"
        } else if !allEnded {
            status.reason = known.first { $0.jobState == .pending }?.reason
        }
        let summary = Summary(total: indexes.count, counts: counts, failedTasks: failed, text: text,
                              rerunSpec: failed.isEmpty ? nil : ArraySpec.compact(failed))
        return (status, summary)
    }

    private static func isTime(_ text: String) -> Bool { text.first?.isNumber == true }
}

extension String {
    package var nilIfEmpty: String? { isEmpty ? nil : self }
}
