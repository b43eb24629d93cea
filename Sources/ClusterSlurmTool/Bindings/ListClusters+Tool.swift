import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension ListClusters: ToolBinding {
    package static let spec = ActionSpec(
        .listClusters,
        "List the configured cluster profiles (ssh target, remote root, SLURM defaults, GPUs) and the routing rules. Call it first to learn which `cluster` ids exist.",
        parameters: [], readOnly: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        var facts: [String: RecordedClusterFacts] = [:]
        for id in context.config.clusterIds { facts[id] = try? context.ledger.clusterFacts(cluster: id) }
        return run(config: context.config, facts: facts)
    }
}
