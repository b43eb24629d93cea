import Foundation
import ClusterSlurmSupport

/// Decides whether a submission may go to the cluster. Pure given its
/// inputs; the caller gathers usage from the ledger. The same rules run
/// twice: on our reading of the request before anything is sent, and on the
/// scheduler's reading of the held job (`checkScheduled`), which decides.
public enum PolicyCheck {
    /// Whose reading of the job a refusal quotes.
    public enum Source: Sendable {
        case request, scheduler(jobId: String)
        package var asks: String {
            switch self {
            case .request: return "the job asks for"
            case .scheduler(let id): return "SLURM made held job \(id) with"
            }
        }
    }

    private static func refuse(_ rule: String, _ limit: String, _ asked: String, _ message: String) throws -> Never {
        throw ClusterSlurmError.policy(rule: rule, limit: limit, requested: asked, message: message)
    }

    public static func check(_ requested: RequestedResources, policy: PolicyConfig, usage: PolicyUsage, source: Source = .request) throws {
        for (option, value) in requested.unreadable.sorted(by: { $0.key < $1.key }) {
            let why = (option == "mem" || option.hasPrefix("mem-")) && value == "0"
                ? "0 asks for all of a node's memory" : "it cannot be read as a SLURM value"
            try refuse("unreadable_value", "a readable --\(option)", "--\(option)=\(value)",
                       "--\(option)=\(value) is refused: \(why); give an explicit value (e.g. --mem=8G, --time=00:30:00, --gpus=1)")
        }
        let unlimited = requested.timeSeconds == nil
        let shownTime = requested.time.map { unlimited ? "\($0) (no time limit)" : $0 } ?? "none"
        if policy.requireTimeLimit ?? true, unlimited {
            try refuse("time_limit_required", "a --time limit", shownTime,
                       "every job needs a time limit (\(source.asks) \(shownTime)): set slurmDefaults.time in the profile or headerOverrides.time in the call; 0 and UNLIMITED mean no limit")
        }
        if let max = policy.maxWalltime, let limit = try? SlurmFormats.timeLimitSeconds(max).get() {
            if let asked = requested.timeSeconds, asked > limit {
                try refuse("max_walltime", max, requested.time ?? "", "\(source.asks) a time limit of \(requested.time ?? "") but at most \(max) is allowed")
            }
            if unlimited {
                try refuse("max_walltime", max, shownTime, "\(source.asks) \(shownTime); at most \(max) is allowed")
            }
        }
        if let max = policy.maxGpusPerJob, requested.gpus > max {
            try refuse("max_gpus_per_job", String(max), String(requested.gpus), "\(source.asks) \(requested.gpus) GPUs but at most \(max) are allowed")
        }
        if let max = policy.maxCpusPerJob, requested.cpus > max {
            try refuse("max_cpus_per_job", String(max), String(requested.cpus), "\(source.asks) \(requested.cpus) CPUs but at most \(max) are allowed")
        }
        if let max = policy.maxNodesPerJob, requested.nodes > max {
            try refuse("max_nodes_per_job", String(max), String(requested.nodes), "\(source.asks) \(requested.nodes) nodes but at most \(max) are allowed")
        }
        if let max = policy.maxMemoryPerJob, let limit = try? SlurmFormats.memoryMegabytes(max).get() {
            if let asked = requested.memoryMegabytes, asked > limit {
                try refuse("max_memory_per_job", max, "\(asked)M", "\(source.asks) \(asked) MB of memory but at most \(max) is allowed")
            }
            if requested.memoryMegabytes == nil, case .scheduler = source {
                try refuse("max_memory_per_job", max, "unknown", "\(source.asks) no memory amount SLURM reports; at most \(max) is allowed")
            }
        }
        for (rule, allowed, asked, what) in [("allowed_partitions", policy.allowedPartitions, requested.partition, "partition"),
                                             ("allowed_accounts", policy.allowedAccounts, requested.account, "account"),
                                             ("allowed_qos", policy.allowedQos, requested.qos, "QOS")] {
            guard let allowed else { continue }
            // Not named in the request: the site's default applies, which only
            // the scheduler's view of the held job shows; that check decides.
            if asked == nil, case .request = source { continue }
            // `--partition=a,b` lets SLURM pick either: each must be allowed.
            let values = asked.map { $0.split(separator: ",").map(String.init) } ?? []
            guard !values.isEmpty, values.allSatisfy(allowed.contains) else {
                try refuse(rule, allowed.joined(separator: ","), asked ?? "none",
                           "\(what) \(asked.map { "\"\($0)\"" } ?? "(none given)") is not allowed (\(source.asks) it); use one of \(allowed.joined(separator: ", "))")
            }
        }
        let tasks = max(requested.tasks, 1)
        let each = tasks > 1 ? " (\(tasks) array tasks)" : ""
        if let max = policy.maxActiveJobs, usage.activeCount + tasks > max {
            let tasksNote = usage.activeCount > usage.activeJobs.count ? ", counting array tasks one each" : ""
            try refuse("max_active_jobs", String(max), String(usage.activeCount + tasks),
                       "\(usage.activeCount) jobs are already pending or running (\(usage.activeJobs.prefix(10).joined(separator: ", "))\(tasksNote)) and this adds \(tasks)\(each); at most \(max)")
        }
        if let max = policy.maxSubmissionsPerHour, usage.submissionsLastHour + tasks > max {
            try refuse("max_submissions_per_hour", String(max), String(usage.submissionsLastHour + tasks),
                       "\(usage.submissionsLastHour) jobs were submitted in the last hour and this adds \(tasks)\(each); at most \(max)")
        }
        let hours = Double(requested.timeSeconds ?? 0) / 3600 * Double(tasks)
        if let max = policy.gpuHoursPerDay, requested.gpus > 0, usage.gpuHoursToday + hours * Double(requested.gpus) > max {
            try refuse("gpu_hours_per_day", String(max), String(format: "%.2f", usage.gpuHoursToday + hours * Double(requested.gpus)),
                       String(format: "%.2f GPU-hours used today plus %.2f requested%@ exceed %.2f", usage.gpuHoursToday, hours * Double(requested.gpus), each, max))
        }
        if let max = policy.cpuHoursPerDay, usage.cpuHoursToday + hours * Double(requested.cpus) > max {
            try refuse("cpu_hours_per_day", String(max), String(format: "%.2f", usage.cpuHoursToday + hours * Double(requested.cpus)),
                       String(format: "%.2f CPU-hours used today plus %.2f requested%@ exceed %.2f", usage.cpuHoursToday, hours * Double(requested.cpus), each, max))
        }
    }

    /// The scheduler's view of a held job against the policy, plus what only
    /// that view shows: whole-node jobs, where the job runs and writes, and
    /// dependencies. `runDirectory` is the run dir's physical path.
    /// `dependsOn`: the jobs this submission was made to wait for (`after`); a
    /// dependency on any other job was not asked for through the tool.
    public static func checkScheduled(_ job: ScheduledJob, runDirectory: String, policy: PolicyConfig, usage: PolicyUsage,
                                      dependsOn: Set<String> = []) throws {
        let source = Source.scheduler(jobId: job.jobId)
        if let problem = job.problems.first {
            try refuse("unreadable_record", "a record SLURM printed once per field", problem,
                       "\(source.asks) a record the tool cannot read with certainty: \(problem); nothing was released (free text in a job name, mail address, comment or path must not look like `Key=value`)")
        }
        let requested = RequestedResources(
            time: job.timeLimitText, timeSeconds: job.timeLimitSeconds, nodes: job.nodes, cpus: job.cpus, gpus: job.gpus,
            memoryMegabytes: job.memoryMegabytes, partition: job.partition, account: job.account, qos: job.qos,
            tasks: job.tasks, unreadable: [:])
        try check(requested, policy: policy, usage: usage, source: source)
        if job.exclusive, policy.maxCpusPerJob != nil || policy.maxMemoryPerJob != nil || policy.maxGpusPerJob != nil {
            try refuse("exclusive_node", "shared nodes", "OverSubscribe=NO",
                       "\(source.asks) whole nodes (--exclusive): every CPU, GPU and byte of memory of a node, beyond the policy's per-job limits")
        }
        // Compared as the kernel will resolve them: `run/../../X.out` is not inside `run`.
        let inside = { (path: String) in
            let resolved = RemotePath.lexicallyResolved(path)
            return resolved == runDirectory || resolved.hasPrefix(runDirectory + "/")
        }
        if let dir = job.workDir, dir != runDirectory {
            try refuse("work_dir", runDirectory, dir, "\(source.asks) the work dir \(dir); jobs run in their run dir \(runDirectory)")
        }
        for (name, path) in [("StdOut", job.stdOut), ("StdErr", job.stdErr)] {
            if let path, !path.isEmpty, path != "/dev/null", !inside(path) {
                try refuse("log_path", runDirectory, path, "\(source.asks) \(name)=\(path); job logs are written inside the run dir \(runDirectory)")
            }
        }
        if let dependency = job.dependency {
            let named = dependencyJobIds(dependency)
            if named.isEmpty || !named.isSubset(of: dependsOn) {
                try refuse("dependency", dependsOn.isEmpty ? "none" : "the runs named in after", dependency,
                           "\(source.asks) a dependency (\(dependency)) that was not asked for with `after`; wait for other runs with after: [runId…]")
            }
        }
    }

    /// The job ids scontrol's `Dependency=` names (`afterok:12(unfulfilled),afterany:13_*(…)`
    /// → 12, 13); empty when it names none (`singleton`).
    package static func dependencyJobIds(_ text: String) -> Set<String> {
        var ids = Set<String>()
        for clause in text.split(whereSeparator: { $0 == "," || $0 == "?" }) {
            for part in clause.split(separator: ":").dropFirst() {
                let id = part.prefix { $0.isNumber }
                if !id.isEmpty { ids.insert(String(id)) }
            }
        }
        return ids
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

    /// The circuit breaker: however the workload was edited, this many
    /// failures in a row on one cluster profile stop agent submissions until
    /// a job succeeds or a person overrides.
    public static func checkCircuit(_ outcomes: [(failed: Bool?, detail: RecentFailure)], cluster: String, policy: PolicyConfig) throws {
        let max = policy.maxFailuresInARow ?? 5
        guard max > 0 else { return }
        // Jobs still running are neither: the streak is over those that ended.
        let streak = outcomes.filter { $0.failed != nil }.prefix { $0.failed == true }
        guard streak.count >= max else { return }
        let listed = streak.prefix(3).map { "\($0.detail.runId)\($0.detail.jobId.map { " job \($0)" } ?? ""): \($0.detail.what)" }
        throw ClusterSlurmError.policy(
            rule: "circuit_breaker", limit: "\(max) failures in a row on \(cluster)", requested: "submission after \(streak.count) failures",
            message: "the last \(streak.count) submissions on \(cluster) all failed (latest: \(listed.joined(separator: "; "))), whatever their workload; find the cause before submitting more. A job that succeeds resets this, or a person overrides with `cluster-slurm run-workload --allow-repeated-failures` / policy.maxFailuresInARow")
    }

    /// Identical work has the same fingerprint: cluster, script with the run
    /// id masked, comments and blank space dropped, and the input manifest.
    public static func fingerprint(cluster: String, script: String, runId: String, inputs: [(String, String)]) -> String {
        let manifest = inputs.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: "\n")
        return Hashing.sha256Hex(cluster + "\n" + normalized(script.replacingOccurrences(of: runId, with: "<run-id>")) + "\n" + manifest)
    }

    /// A script without what cannot change what it does: comment lines (but
    /// not `#SBATCH`/`#!`), trailing comments (a `#` that starts a word
    /// outside quotes, as the shell reads it: `exit 7 # 2` is `exit 7`),
    /// trailing `;`, blank lines, and runs of blanks.
    package static func normalized(_ script: String) -> String {
        script.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = words.first else { return nil }
            if first.hasPrefix("#SBATCH") || first.hasPrefix("#!") { return words.joined(separator: " ") }
            if first.hasPrefix("#") { return nil }
            var code = withoutTrailingComment(String(line))
            while let last = code.last, last == ";" || last == " " || last == "\t" || last == "\r" { code.removeLast() }
            let kept = code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            return kept.isEmpty ? nil : kept.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// `line` up to a `#` that starts a word outside single or double quotes.
    package static func withoutTrailingComment(_ line: String) -> String {
        var out = ""
        var single = false, double = false, escaped = false
        var previous: Character = " "
        for character in line {
            if escaped { escaped = false; out.append(character); previous = character; continue }
            switch character {
            case "\\" where !single: escaped = true
            case "'" where !double: single.toggle()
            case "\"" where !single: double.toggle()
            case "#" where !single && !double && (previous == " " || previous == "\t" || previous == ";"): return out
            default: break
            }
            out.append(character)
            previous = character
        }
        return out
    }
}
