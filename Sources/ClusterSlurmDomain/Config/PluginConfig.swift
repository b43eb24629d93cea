import ClusterSlurmSupport

/// The plugin's configuration, validated and with every default filled in.
/// Field names follow the reference plugin's config keys.
public struct PluginConfig: Sendable, Codable, Equatable {
    public var defaultCluster: String?
    public var routing: RoutingConfig
    public var localRunsDir: String
    /// Where the ledger lives; relative paths are taken from the workspace.
    public var ledgerPath: String?
    public var execution: ExecutionConfig
    public var archive: ArchiveConfig
    public var polling: PollingConfig
    /// Defaults for every profile's policy.
    public var policy: PolicyConfig
    public var clusters: [String: ClusterProfile]

    public var clusterIds: [String] { clusters.keys.sorted() }

    /// The policy in force for a cluster.
    public func policy(for cluster: String) -> PolicyConfig { policy.merged(with: clusters[cluster]?.policy) }

    /// The profiles that reach the same SLURM cluster as `cluster` (the same
    /// ssh target): budgets and SLURM's view are per cluster, not per profile.
    public func profilesSharingCluster(with cluster: String) -> [String] {
        guard let target = clusters[cluster]?.sshTarget else { return [cluster] }
        return clusters.filter { $0.value.sshTarget == target }.map(\.key).sorted()
    }

    public static let defaultLocalRunsDir = ".openclaw/cluster-runs"
}

public struct RoutingConfig: Sendable, Codable, Equatable {
    public var defaultProfile: String?
    public var gpuProfile: String?
    public var gpuIndicators: [String]
    public var gpuRequiredErrorSignatures: [String]
    public var autoFallbackToGpuOnSignatures: Bool

    public static let defaultGpuIndicators = [
        "torch.cuda", "--device cuda", "device=cuda", "jax[cuda]", "jaxlib",
        "tensorflow-gpu", "cupy", "triton", "nvidia-smi", "cuda",
    ]
    public static let defaultGpuRequiredErrorSignatures = [
        "cuda is required", "cuda required", "gpu is required", "gpu required",
        "no cuda devices", "no cuda device", "found no nvidia driver",
        "torch.cuda.is_available() is false",
    ]
}

public struct ExecutionConfig: Sendable, Codable, Equatable {
    public var allowCustomEnvOverride: Bool
}

/// How often one cluster's scheduler may be asked about jobs.
public struct PollingConfig: Sendable, Codable, Equatable {
    /// Minimum seconds between squeue/sacct queries per cluster, across all
    /// processes sharing the ledger. Checks inside it answer from the ledger.
    public var minIntervalSeconds: Int
    /// The longest one `check_workload` may wait for a job to end (`waitSeconds`).
    public var maxWaitSeconds: Int = 900
    /// While waiting, seconds to the first scheduler check (each next one is
    /// three times as far, at most 600 s apart); never less than `minIntervalSeconds`.
    public var waitCheckSeconds: Int = 60
    public static let defaults = PollingConfig(minIntervalSeconds: 30)

    package init(minIntervalSeconds: Int, maxWaitSeconds: Int = 900, waitCheckSeconds: Int = 60) {
        self.minIntervalSeconds = minIntervalSeconds
        self.maxWaitSeconds = maxWaitSeconds
        self.waitCheckSeconds = waitCheckSeconds
    }

    /// The seconds a wait's scheduler checks start from.
    public var firstWaitCheckSeconds: Int { max(waitCheckSeconds, minIntervalSeconds) }
}

/// What the ledger keeps as bytes, beyond hashes.
public struct ArchiveConfig: Sendable, Codable, Equatable {
    /// Uploaded inputs are stored in the ledger up to this many bytes per run;
    /// past it only their hashes are kept and the run says so.
    public var maxInputBytesPerRun: Int64
    /// Downloaded outputs up to this size (each) are stored too.
    public var maxOutputBytes: Int64

    public static let defaults = ArchiveConfig(maxInputBytesPerRun: 64 << 20, maxOutputBytes: 1 << 20)
}

public struct ClusterProfile: Sendable, Codable, Equatable {
    public var sshTarget: String
    public var remoteRoot: RemotePath
    public var scheduler: String
    public var loginShell: Bool
    public var submitArgs: [String]
    /// As configured; an empty list means "use the built-in list" (the
    /// reference disabled module init entirely in that case).
    public var moduleInitScripts: [String]
    public var setupCommands: [String]
    public var slurmDefaults: SlurmDirectives
    /// Extension: an ssh config file passed to ssh with `-F` (default: the user's own).
    public var sshConfigFile: String?
    /// Extension: the longest any one remote command may take.
    public var sshTimeoutSeconds: Int
    /// Extension: this profile's limits, laid over the top-level `policy`.
    public var policy: PolicyConfig? = nil
    /// Extension: the job checks every input's sha256 on the compute node
    /// before its workload (default). Off: only inputs too large for the
    /// login node are checked there.
    public var verifyInputsOnComputeNode: Bool = true
    /// Extension: agents may submit scripts this ledger did not render
    /// (`submit_job` with `scriptPath`); the held-job check applies either way.
    public var allowCustomScripts: Bool = false
    /// Extension: the outputs file (relative to the run dir) whose numbers are a run's metrics.
    public var metricsFile: String? = nil
    /// Extension: bounded retries of jobs the cluster ended (off when nil).
    public var retry: RetryConfig? = nil
    /// Extension: requeue and a warning signal before the time limit (off when nil).
    public var preemption: PreemptionConfig? = nil

    public static let defaultSshTimeoutSeconds = 120
    public static let builtInModuleInitScripts = [
        "/etc/profile.d/lmod.sh",
        "/etc/profile.d/modules.sh",
        "/usr/share/lmod/lmod/init/bash",
        "/usr/share/Modules/init/bash",
        "/etc/profile",
    ]

    /// The init scripts the rendered bootstrap tries, in order.
    public var effectiveModuleInitScripts: [String] {
        moduleInitScripts.isEmpty ? Self.builtInModuleInitScripts : moduleInitScripts
    }
}
