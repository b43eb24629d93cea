import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension InitRun: ToolBinding {
    package static let spec = ActionSpec(
        .initRun,
        "Create a run (its local and remote directories) or return an existing one. Low-level: `run_workload` does this for you.",
        parameters: [.cluster, .runId, .prefix], idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(cluster: call.text(.cluster), runId: call.text(.runId), prefix: call.text(.prefix)), context: context)
    }
}
