import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension JobStatusAction: ToolBinding {
    package static let spec = ActionSpec(
        .jobStatus,
        "A job's state from squeue and sacct (with accounting when `includeAccounting`). Prefer `check_workload` with a runId.",
        parameters: [.jobId, .cluster, .runId, .includeAccounting], required: [.jobId], readOnly: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(cluster: call.text(.cluster), jobId: try call.required(.jobId), runId: call.text(.runId),
                            includeAccounting: call.flag(.includeAccounting) ?? false, refresh: person.refresh), context: context)
    }
}
