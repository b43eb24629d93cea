import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension FetchWorkloadLogs: ToolBinding {
    package static let spec = ActionSpec(
        .fetchWorkloadLogs,
        "Fetch the tail of a run's stdout and stderr, with a pip-install hint when Python reports a missing module. Secrets the job printed are redacted.",
        parameters: [.runId, .jobId, .cluster, .remotePath, .tail, .taskIndex], required: [.runId], readOnly: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(runId: call.text(.runId), jobId: call.text(.jobId), cluster: call.text(.cluster),
                            remotePath: call.text(.remotePath), tail: call.integer(.tail), taskIndex: call.integer(.taskIndex)), context: context)
    }
}
