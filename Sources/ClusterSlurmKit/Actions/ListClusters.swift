import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `list_clusters`: the configured profiles and routing.
public enum ListClusters {
    public struct Cluster: Codable, Sendable, Equatable {
        public var id: String
        public var sshTarget: String
        public var remoteRoot: String
        public var scheduler: String
        public var loginShell: Bool
        public var submitArgs: [String]
        public var moduleInitScripts: [String]
        public var setupCommands: [String]
        public var slurmDefaults: SlurmDirectives
        public var isDefault: Bool
        public var isGpuProfile: Bool
        public var sshTimeoutSeconds: Int
        /// What the cluster reported at the latest status query that asked
        /// (SLURM's command paths, process tracking: whether cgroups
        /// confine a job's processes), from the ledger; nil before any.
        public var facts: RecordedClusterFacts?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var defaultCluster: String?
        public var routing: RoutingConfig
        public var clusters: [Cluster]
        public var localRunsDir: String
        public var execution: ExecutionConfig
    }

    public static func run(config: PluginConfig, facts: [String: RecordedClusterFacts] = [:]) -> Result {
        let clusters = config.clusterIds.map { id -> Cluster in
            let p = config.clusters[id]!
            return Cluster(
                id: id, sshTarget: p.sshTarget, remoteRoot: p.remoteRoot.description, scheduler: p.scheduler,
                loginShell: p.loginShell, submitArgs: p.submitArgs, moduleInitScripts: p.moduleInitScripts,
                setupCommands: p.setupCommands, slurmDefaults: p.slurmDefaults,
                isDefault: id == (config.defaultCluster ?? config.routing.defaultProfile),
                isGpuProfile: id == config.routing.gpuProfile, sshTimeoutSeconds: p.sshTimeoutSeconds, facts: facts[id])
        }
        return Result(defaultCluster: config.defaultCluster, routing: config.routing, clusters: clusters,
                      localRunsDir: config.localRunsDir, execution: config.execution)
    }
}
