import ClusterSlurmSupport

/// The tail of the status program: every active job of the user
/// (`squeue --array --user`, `ID|STATE|WORKDIR|COMMENT`), then the current record of
/// each waiting job asked about (`@@RECORD id` … `@@END_RECORD`).
public enum UserJobs {
    public struct Job: Sendable, Equatable {
        /// As squeue prints it: `123`, `123_4`, or `123_[5-9]` for tasks not yet split off.
        public var id: String
        public var state: String
        /// Up to the first `|` (a `|` inside it cuts it short, never makes
        /// a dir inside a run dir look outside it).
        public var workDir: String
        /// After the last `|`: the tool's own comments hold none.
        public var comment: String
        /// The job (or array) id the ledger would know it by.
        public var baseId: String { String(id.prefix { $0 != "_" }) }
        /// Tasks this line stands for (`123_[5-9%2]` is five).
        public var tasks: Int {
            guard let open = id.firstIndex(of: "["), let close = id.lastIndex(of: "]"), open < close else { return 1 }
            return ArraySpec.taskCount(String(id[id.index(after: open)..<close])) ?? 1
        }

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(id: String, state: String, workDir: String, comment: String) {
            self.id = id
            self.state = state
            self.workDir = workDir
            self.comment = comment
        }
    }

    package static func parse(_ text: String) -> (jobs: [Job]?, records: [String: ScheduledJob]) {
        let parts = text.components(separatedBy: "@@USERJOBS_RC=")
        var jobs: [Job]?
        if parts.count > 1, parts[1].hasPrefix("0@@") {
            jobs = parts[0].split(separator: "\n").compactMap { line in
                let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, fields[0].first?.isNumber == true else { return nil }
                let rest = fields[2]
                let workDir = rest.prefix { $0 != "|" }
                let comment = rest.contains("|") ? rest[rest.index(after: rest.lastIndex(of: "|")!)...] : ""
                return Job(id: String(fields[0]), state: String(fields[1]), workDir: String(workDir), comment: String(comment))
            }
        }
        var records: [String: ScheduledJob] = [:]
        let rest = parts.count > 1 ? parts[1] : ""
        for chunk in rest.components(separatedBy: "@@RECORD ").dropFirst() {
            let lines = chunk.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            guard let id = lines.first.map(String.init), !id.isEmpty, lines.count > 1 else { continue }
            let body = lines[1].components(separatedBy: "@@END_RECORD")[0]
            if let job = ScheduledJob.parse(body) { records[id] = job }
        }
        return (jobs, records)
    }
}
