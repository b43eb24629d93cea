import ClusterSlurmSupport

/// What a cluster's login node reports about SLURM in the clean
/// environment every remote program runs in (`@@FACTS` … `@@FACTS_END` of
/// the status program): where each command is, and the settings that say
/// what confines a job. Shown by list_clusters, recorded per cluster.
public struct ClusterFacts: Codable, Sendable, Equatable {
    /// sbatch, scontrol, squeue, sacct, scancel → the path found (empty: not found).
    public var commands: [String: String]
    public var slurmVersion: String?
    public var proctrackType: String?
    public var taskPlugin: String?
    public var jobAcctGatherType: String?
    public var accountingStorageType: String?

    /// Whether SLURM keeps a job's processes in cgroups (a process a job
    /// starts with setsid is killed at the job's end only then).
    public var confinesProcesses: Bool? { proctrackType.map { $0.contains("cgroup") } }

    /// What the tool says about it, for people and agents.
    public var note: String {
        var parts: [String] = []
        switch confinesProcesses {
        case true?: parts.append("\(proctrackType ?? "") tracks each job's processes in cgroups: they end with the job")
        case false?: parts.append("\(proctrackType ?? "") does not use cgroups: a process a job starts with setsid can outlive the job")
        case nil: parts.append("the process tracking could not be read (scontrol show config)")
        }
        let missing = ["sbatch", "scontrol", "squeue", "sacct", "scancel"].filter { (commands[$0] ?? "").isEmpty }
        if !missing.isEmpty {
            parts.append("not found on the login node's system PATH: \(missing.joined(separator: ", ")) (a site that provides SLURM only through a module: set CLUSTER_SLURM_REMOTE_PATH to its bin directory)")
        }
        return parts.joined(separator: "; ")
    }

    package static func parse(_ text: String) -> ClusterFacts? {
        guard let start = text.range(of: "@@FACTS\n"), let end = text.range(of: "@@FACTS_END", range: start.upperBound..<text.endIndex) else { return nil }
        var facts = ClusterFacts(commands: [:])
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { continue }
            let value = parts.count > 2 ? parts[2].trimmingCharacters(in: .whitespaces) : ""
            switch parts[0] {
            case "command": facts.commands[parts[1]] = value
            case "config":
                switch parts[1] {
                case "SLURM_VERSION": facts.slurmVersion = value
                case "ProctrackType": facts.proctrackType = value
                case "TaskPlugin": facts.taskPlugin = value
                case "JobAcctGatherType": facts.jobAcctGatherType = value
                case "AccountingStorageType": facts.accountingStorageType = value
                default: break
                }
            default: break
            }
        }
        return facts
    }
}
