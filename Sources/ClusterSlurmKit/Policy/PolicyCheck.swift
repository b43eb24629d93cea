import Foundation

/// Decides whether a submission may go to the cluster. Pure given its
/// inputs; the caller gathers usage from the ledger.
public enum PolicyCheck {
    public static func check(_ requested: RequestedResources, policy: PolicyConfig, usage: PolicyUsage) throws {
        func refuse(_ rule: String, _ limit: String, _ asked: String, _ message: String) throws -> Never {
            throw ClusterSlurmError.policy(rule: rule, limit: limit, requested: asked, message: message)
        }
        if policy.requireTimeLimit ?? true, requested.timeSeconds == nil {
            try refuse("time_limit_required", "a --time limit", requested.time ?? "none",
                       "every job needs a time limit: set slurmDefaults.time in the profile or headerOverrides.time in the call")
        }
        if let max = policy.maxWalltime, let limit = try? SlurmFormats.timeLimitSeconds(max).get() {
            if let asked = requested.timeSeconds, asked > limit {
                try refuse("max_walltime", max, requested.time ?? "", "the job asks for \(requested.time ?? "") but at most \(max) is allowed")
            }
            if requested.timeSeconds == nil, requested.time != nil {
                try refuse("max_walltime", max, requested.time ?? "", "an unlimited time is not allowed; at most \(max)")
            }
        }
        if let max = policy.maxGpusPerJob, requested.gpus > max {
            try refuse("max_gpus_per_job", String(max), String(requested.gpus), "the job asks for \(requested.gpus) GPUs but at most \(max) are allowed")
        }
        if let max = policy.maxCpusPerJob, requested.cpus > max {
            try refuse("max_cpus_per_job", String(max), String(requested.cpus), "the job asks for \(requested.cpus) CPUs but at most \(max) are allowed")
        }
        if let max = policy.maxNodesPerJob, requested.nodes > max {
            try refuse("max_nodes_per_job", String(max), String(requested.nodes), "the job asks for \(requested.nodes) nodes but at most \(max) are allowed")
        }
        if let max = policy.maxMemoryPerJob, let limit = try? SlurmFormats.memoryMegabytes(max).get(), let asked = requested.memoryMegabytes, asked > limit {
            try refuse("max_memory_per_job", max, "\(asked)M", "the job asks for \(asked) MB but at most \(max) is allowed")
        }
        for (rule, allowed, asked, what) in [("allowed_partitions", policy.allowedPartitions, requested.partition, "partition"),
                                             ("allowed_accounts", policy.allowedAccounts, requested.account, "account"),
                                             ("allowed_qos", policy.allowedQos, requested.qos, "QOS")] {
            guard let allowed else { continue }
            guard let asked, allowed.contains(asked) else {
                try refuse(rule, allowed.joined(separator: ","), asked ?? "none",
                           "\(what) \(asked.map { "\"\($0)\"" } ?? "(none given)") is not allowed; use one of \(allowed.joined(separator: ", "))")
            }
        }
        if let max = policy.maxActiveJobs, usage.activeJobs.count >= max {
            try refuse("max_active_jobs", String(max), String(usage.activeJobs.count + 1),
                       "\(usage.activeJobs.count) jobs are already pending or running (\(usage.activeJobs.prefix(10).joined(separator: ", "))); at most \(max)")
        }
        if let max = policy.maxSubmissionsPerHour, usage.submissionsLastHour >= max {
            try refuse("max_submissions_per_hour", String(max), String(usage.submissionsLastHour + 1),
                       "\(usage.submissionsLastHour) jobs were submitted in the last hour; at most \(max)")
        }
        let hours = Double(requested.timeSeconds ?? 0) / 3600
        if let max = policy.gpuHoursPerDay, requested.gpus > 0, usage.gpuHoursToday + hours * Double(requested.gpus) > max {
            try refuse("gpu_hours_per_day", String(max), String(format: "%.2f", usage.gpuHoursToday + hours * Double(requested.gpus)),
                       String(format: "%.2f GPU-hours used today plus %.2f requested exceed %.2f", usage.gpuHoursToday, hours * Double(requested.gpus), max))
        }
        if let max = policy.cpuHoursPerDay, usage.cpuHoursToday + hours * Double(requested.cpus) > max {
            try refuse("cpu_hours_per_day", String(max), String(format: "%.2f", usage.cpuHoursToday + hours * Double(requested.cpus)),
                       String(format: "%.2f CPU-hours used today plus %.2f requested exceed %.2f", usage.cpuHoursToday, hours * Double(requested.cpus), max))
        }
    }

    /// The loop breaker: the last `max` submissions of this workload within
    /// the window all failed.
    public static func checkLoop(_ outcomes: [(failed: Bool?, detail: RecentFailure)], policy: PolicyConfig) throws {
        let max = policy.maxConsecutiveFailures ?? 3
        guard max > 0, outcomes.count >= max else { return }
        let streak = outcomes.prefix { $0.failed == true }
        guard streak.count >= max else { return }
        let listed = streak.prefix(max).map { "\($0.detail.runId)\($0.detail.jobId.map { " job \($0)" } ?? ""): \($0.detail.what)" }
        throw ClusterSlurmError.policy(
            rule: "loop_breaker", limit: "\(max) failures in a row within \(Int(policy.failureWindowHours ?? 24)) h", requested: "\(streak.count + 1)th identical submission",
            message: "this exact workload failed \(streak.count) times in a row (\(listed.joined(separator: "; "))); change it, or have a person override with `cluster-slurm run-workload --allow-repeated-failures` / policy.maxConsecutiveFailures")
    }

    /// Identical work has the same fingerprint: cluster, script with the run
    /// id masked, and the input manifest.
    public static func fingerprint(cluster: String, script: String, runId: String, inputs: [(String, String)]) -> String {
        let manifest = inputs.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: "\n")
        return Hashing.sha256Hex(cluster + "\n" + script.replacingOccurrences(of: runId, with: "<run-id>") + "\n" + manifest)
    }
}
