import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension CancelJob: ToolBinding {
    package static let spec = ActionSpec(
        .cancelJob,
        "Cancel a job this ledger submitted (refused for jobs it did not submit). The cancel is recorded at once.",
        parameters: [.jobId, .cluster, .runId], required: [.jobId], destructive: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(cluster: call.text(.cluster), jobId: try call.required(.jobId), runId: call.text(.runId)), context: context)
    }
}
