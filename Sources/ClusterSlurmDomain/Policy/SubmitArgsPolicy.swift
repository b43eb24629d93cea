import ClusterSlurmSupport

/// Which sbatch options an agent may add to a submission (`submitArgs`).
/// An allowlist, applied to sbatch's own reading of the arguments
/// (`SbatchCommandLine`), so no spelling gets an option past it.
///
/// Allowed: options that shape the resources or scheduling of the job the
/// run describes; the resources they ask for are then checked against the
/// policy, first from the arguments and then from the scheduler's view of the
/// held job. Refused: everything that changes where the job runs or writes,
/// as whom, on which cluster, how it is tracked, or whether the tool sees the
/// job at all.
public enum SubmitArgsPolicy {
    public static let allowed: Set<String> = [
        // resources (checked against the policy)
        "account", "partition", "qos", "time", "time-min", "nodes", "ntasks", "ntasks-per-node", "tasks-per-node",
        "ntasks-per-core", "ntasks-per-socket", "ntasks-per-gpu", "cpus-per-task", "cpus-per-gpu", "mincpus", "mem",
        "mem-per-cpu", "mem-per-gpu", "gpus", "gpus-per-node", "gpus-per-task", "gpus-per-socket", "gres", "tmp",
        // placement and binding
        "constraint", "prefer", "exclude", "nodelist", "licenses", "reservation", "sockets-per-node", "cores-per-socket",
        "threads-per-core", "extra-node-info", "hint", "distribution", "mem-bind", "cpu-freq", "gpu-bind", "gpu-freq",
        "contiguous", "switches", "spread-job", "use-min-nodes", "oversubscribe",
        // scheduling and notification
        "begin", "deadline", "nice", "mail-type", "mail-user", "signal", "requeue", "no-requeue", "open-mode",
        "acctg-freq", "profile", "wckey",
    ]

    /// Why each refused option is refused, for the error an agent reads.
    public static func reason(_ option: String) -> String {
        switch option {
        case "quiet", "parsable", "verbose", "test-only", "help", "usage", "version":
            return "it changes what sbatch prints, which is how the tool learns the job id"
        case "hold", "wait", "wait-all-nodes":
            return "the tool holds and releases every job itself"
        case "chdir", "output", "error", "input":
            return "the job reads and writes only inside its run directory (set output/error with headerOverrides)"
        case "export", "export-file", "get-user-env", "propagate":
            return "the job's environment comes from the cluster profile and the run's env"
        case "uid", "gid", "mcs-label":
            return "the job runs as you"
        case "clusters", "cluster", "cluster-constraint":
            return "the job goes to the cluster the run was made for"
        case "job-name", "comment":
            return "the tool finds its jobs by the run's job name and comment (set jobName with headerOverrides)"
        case "array":
            return "one run is one job here; submit separate runs"
        case "dependency", "kill-on-invalid-dep":
            return "dependencies between runs are not available to agents"
        case "wrap", "batch", "container", "context", "bb", "bbf", "nodefile":
            return "only the run's rendered script and its resources are submitted"
        case "exclusive", "overcommit", "core-spec", "thread-spec", "reboot", "power", "priority", "no-kill", "delay-boot",
             "gres-flags", "network":
            return "it takes resources beyond what the policy counts, or needs an administrator"
        case "ignore-pbs":
            return "it changes which lines of the script sbatch reads"
        default:
            return "it is not on the list of options agents may pass"
        }
    }

    /// Throws, naming the option and its spelling, unless every argument is
    /// an allowed sbatch option with a value that can be passed safely.
    public static func check(_ arguments: [String], path: String = "submitArgs") throws {
        for (index, argument) in arguments.enumerated() where argument.contains("\0") || argument.contains("\n") {
            throw ClusterSlurmError.invalidInput("submit argument \(index) holds a NUL or newline character", path: "\(path)[\(index)]")
        }
        let uses: [SbatchCommandLine.Use]
        switch SbatchCommandLine.parse(arguments) {
        case .success(let parsed): uses = parsed
        case .failure(let failure):
            throw ClusterSlurmError.policy(rule: "submit_args", limit: "allowed sbatch options", requested: arguments[failure.index],
                                           message: "\(failure.message); pass only sbatch options from the allowed list (README: submitArgs)",
                                           path: "\(path)[\(failure.index)]")
        }
        for use in uses where !allowed.contains(use.option) {
            let spelled = use.spelling.hasPrefix("--\(use.option)") ? use.spelling : "\(use.spelling) (sbatch reads it as --\(use.option))"
            throw ClusterSlurmError.policy(rule: "submit_args", limit: "allowed sbatch options", requested: use.spelling,
                                           message: "\(spelled) is refused: \(reason(use.option))",
                                           path: "\(path)[\(use.index)]")
        }
    }
}
