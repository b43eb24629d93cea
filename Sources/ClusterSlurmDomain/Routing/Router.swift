import ClusterSlurmSupport

/// Why a run went to the cluster it did.
public enum RoutingReason: String, Sendable, Codable, Equatable {
    case explicitCluster = "explicit_cluster"
    case gpuIndicator = "gpu_indicator"
    case configuredDefault = "configured_default"
    case singleProfile = "single_profile"
    /// Extension: an existing run keeps the cluster it was created on.
    case existingRun = "existing_run"
    /// Extension: a run that waits for others (`after`) goes where they ran.
    case upstreamRun = "upstream_run"
}

public struct RoutingDecision: Sendable, Codable, Equatable {
    public let clusterId: String
    public let reason: RoutingReason
    public let matchedIndicator: String?

    public init(clusterId: String, reason: RoutingReason, matchedIndicator: String? = nil) {
        self.clusterId = clusterId
        self.reason = reason
        self.matchedIndicator = matchedIndicator
    }
}

public struct RoutingRequest: Sendable {
    public var explicitCluster: String?
    public var existingRunCluster: String?
    public var workload: String?
    public var commands: [String]

    public init(explicitCluster: String? = nil, existingRunCluster: String? = nil, workload: String? = nil, commands: [String] = []) {
        self.explicitCluster = explicitCluster
        self.existingRunCluster = existingRunCluster
        self.workload = workload
        self.commands = commands
    }
}

/// Pure routing: request + config → cluster and reason.
public enum Router {
    public static func route(_ request: RoutingRequest, config: PluginConfig) throws -> RoutingDecision {
        if let explicit = request.explicitCluster {
            guard config.clusters[explicit] != nil else {
                throw ClusterSlurmError.invalidInput(
                    "unknown cluster \"\(explicit)\"; configured clusters: \(config.clusterIds.joined(separator: ", "))"
                        + (Suggestion.closest(to: explicit, among: config.clusterIds).map { " (did you mean \"\($0)\"?)" } ?? ""),
                    path: "cluster")
            }
            if let existing = request.existingRunCluster, existing != explicit {
                throw ClusterSlurmError.invalidInput(
                    "the run already belongs to cluster \"\(existing)\"; a run keeps its cluster (start a new run to use \"\(explicit)\")",
                    path: "cluster")
            }
            return RoutingDecision(clusterId: explicit, reason: .explicitCluster)
        }
        if let existing = request.existingRunCluster {
            return RoutingDecision(clusterId: existing, reason: .existingRun)
        }
        if let gpuProfile = config.routing.gpuProfile, config.clusters[gpuProfile] != nil,
           let indicator = matchedGpuIndicator(request, indicators: config.routing.gpuIndicators) {
            return RoutingDecision(clusterId: gpuProfile, reason: .gpuIndicator, matchedIndicator: indicator)
        }
        if let preferred = config.routing.defaultProfile ?? config.defaultCluster, config.clusters[preferred] != nil {
            return RoutingDecision(clusterId: preferred, reason: .configuredDefault)
        }
        if config.clusters.count == 1, let only = config.clusters.keys.first {
            return RoutingDecision(clusterId: only, reason: .singleProfile)
        }
        if config.clusters.isEmpty {
            throw ClusterSlurmError(.invalidConfig, "no cluster profiles are configured: add one under clusters in the plugin config (see examples/local/cluster-slurm.json)", path: "clusters")
        }
        throw ClusterSlurmError.invalidInput(
            "cannot choose a cluster: no `cluster` given, no GPU indicator matched, and neither defaultCluster nor routing.defaultProfile is set; pass cluster (one of: \(config.clusterIds.joined(separator: ", "))) or set defaultCluster in the config",
            path: "cluster")
    }

    /// The first indicator found in the workload text or any command line.
    public static func matchedGpuIndicator(_ request: RoutingRequest, indicators: [String]) -> String? {
        let texts = [request.workload ?? ""] + request.commands
        for indicator in indicators where texts.contains(where: { GpuIndicator.matches(indicator, in: $0) }) {
            return indicator
        }
        return nil
    }

    /// Whether a failed submit should be retried once on the GPU profile.
    /// Returns the signature that matched, or nil.
    public static func gpuFallbackSignature(
        errorText: String, currentCluster: String, config: PluginConfig, callOverride: Bool?
    ) -> (gpuProfile: String, signature: String)? {
        guard callOverride ?? config.routing.autoFallbackToGpuOnSignatures,
              let gpuProfile = config.routing.gpuProfile, gpuProfile != currentCluster,
              config.clusters[gpuProfile] != nil else { return nil }
        let lower = errorText.lowercased()
        guard let signature = config.routing.gpuRequiredErrorSignatures.first(where: { lower.contains($0.lowercased()) }) else {
            return nil
        }
        return (gpuProfile, signature)
    }
}
