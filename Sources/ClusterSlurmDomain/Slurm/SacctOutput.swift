import ClusterSlurmSupport

/// Parses `sacct --parsable2` for any number of jobs at once; the
/// job-status program asks sacct for exactly these `fields` (as SACCT_FIELDS).
public enum SacctOutput {
    public static let fields = ["JobID", "JobName", "State", "ExitCode", "Elapsed", "ElapsedRaw", "MaxRSS", "TotalCPU",
                                "AllocTRES", "NodeList", "Submit", "Start", "End", "Reason"]


    /// One status per job: the allocation's row gives state, exit code,
    /// elapsed, node list; MaxRSS is the largest over its steps.
    public static func parse(_ stdout: String) -> [JobStatus] {
        var order: [String] = []
        var byJob: [String: JobStatus] = [:]
        var maxRss: [String: Int64] = [:]
        var maxRssText: [String: String] = [:]
        for line in stdout.split(whereSeparator: \.isNewline) {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= fields.count else { continue }
            func column(_ name: String) -> String? {
                let value = columns[fields.firstIndex(of: name)!].trimmingCharacters(in: .whitespaces)
                return value.isEmpty || value == "Unknown" || value == "None" ? nil : value
            }
            let rawId = columns[0]
            let jobId = JobId.base(of: rawId)
            guard !jobId.isEmpty else { continue }
            if let rssText = column("MaxRSS"), let bytes = bytes(fromSize: rssText), bytes >= (maxRss[jobId] ?? -1) {
                maxRss[jobId] = bytes
                maxRssText[jobId] = rssText
            }
            guard !rawId.contains("."), let state = column("State") else { continue }
            var status = JobStatus(jobId: jobId, source: .sacct, rawState: state)
            // 22.05 shows "allocation" for the allocation row of a starting job: not the job's name
            status.jobName = column("JobName").flatMap { $0 == "allocation" ? nil : $0 }
            status.exitCode = column("ExitCode")
            status.elapsed = column("Elapsed")
            status.elapsedSeconds = column("ElapsedRaw").flatMap { Int($0) } ?? status.elapsed.flatMap(seconds(fromDuration:))
            status.totalCpu = column("TotalCPU")
            status.allocTres = column("AllocTRES")
            status.nodeList = column("NodeList").flatMap { $0 == "None assigned" ? nil : $0 }
            status.submitTime = column("Submit")
            status.startTime = column("Start")
            status.endTime = column("End")
            status.reason = column("Reason")
            if status.done, let reason = status.reason, staleAfterEnd(reason) { status.reason = nil }
            if byJob[jobId] == nil { order.append(jobId) }
            byJob[jobId] = status
        }
        return order.map { id in
            var status = byJob[id]!
            status.maxRssBytes = maxRss[id]
            status.maxRss = maxRssText[id]
            return status
        }
    }

    /// sacct keeps the reason a job last waited for after it has ended
    /// (`Dependency`, `JobArrayTaskLimit`…): not why it ended.
    package static func staleAfterEnd(_ reason: String) -> Bool {
        let waiting: Set = ["Priority", "Resources", "Dependency", "JobArrayTaskLimit", "BeginTime", "JobHeldUser", "JobHeldAdmin",
                            "ReqNodeNotAvail", "Reservation", "Licenses", "PartitionDown", "PartitionInactive", "NodeDown"]
        return waiting.contains(reason) || ((reason.hasPrefix("QOS") || reason.hasPrefix("Assoc")) && reason.contains("Limit"))
    }

    /// `[D-]HH:MM:SS`, `MM:SS`, `MM:SS.mmm` → seconds.
    public static func seconds(fromDuration text: String) -> Int? {
        var days = 0
        var rest = Substring(text)
        if let dash = rest.firstIndex(of: "-") {
            guard let d = Int(rest[..<dash]) else { return nil }
            days = d
            rest = rest[rest.index(after: dash)...]
        }
        let parts = rest.split(separator: ":").map { part -> Double? in Double(part) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        let values = parts.map { $0! }
        var total = 0.0
        for value in values { total = total * 60 + value }
        if values.count == 1 { total = values[0] }
        return days * 86_400 + Int(total)
    }

    /// SLURM sizes such as `1234K`, `12.5M`, `2G` → bytes.
    public static func bytes(fromSize text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        if let factor = units[Character(last.uppercased())] {
            guard let value = Double(text.dropLast()) else { return nil }
            return Int64(value * factor)
        }
        return Int64(text)
    }
}
