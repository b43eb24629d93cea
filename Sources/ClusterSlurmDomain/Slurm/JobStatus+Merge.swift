import ClusterSlurmSupport

extension JobStatus {
    /// squeue is authoritative while the job is active; once it has ended,
    /// sacct's record (exit code, elapsed, MaxRSS) is the better answer.
    package static func merge(squeue: JobStatus?, sacct: JobStatus?) -> JobStatus? {
        switch (squeue, sacct) {
        case (nil, nil): return nil
        case (let q?, nil): return q
        case (nil, let a?): return a
        case (let q?, let a?):
            if a.done { return a }
            if q.done && q.jobState != .completed {
                // squeue says it ended badly, accounting still holds the running
                // job (it lags a moment), whose ExitCode 0:0 is a placeholder. An
                // ended job is not asked about again, so it stays completing until
                // accounting has recorded how it ended (seen: FAILED recorded 0:0
                // for `exit 4`, 1 run in 20). Without accounting (sacct failed or
                // has no record) squeue's word stands, as before.
                var waiting = JobStatus(jobId: q.jobId, source: .squeue, rawState: JobState.completing.rawValue)
                waiting.reason = "ended \(q.state) (squeue); waiting for accounting to record its exit code"
                waiting.jobName = q.jobName
                waiting.nodeList = q.nodeList ?? a.nodeList
                waiting.startTime = a.startTime
                waiting.submitTime = a.submitTime
                return waiting
            }
            var merged = q
            merged.exitCode = a.exitCode
            merged.allocTres = a.allocTres
            merged.submitTime = a.submitTime
            merged.startTime = a.startTime
            merged.maxRss = a.maxRss
            merged.maxRssBytes = a.maxRssBytes
            if merged.nodeList == nil { merged.nodeList = a.nodeList }
            return merged
        }
    }
}
