import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension JobLogs: ToolBinding {
    package static let spec = ActionSpec(
        .jobLogs,
        "Tail a job's stdout/stderr, or a file inside its run directory (`remotePath`). Reads nothing outside the run directory (or remoteRoot).",
        parameters: [.jobId, .runId, .cluster, .remotePath, .tail, .taskIndex], oneOf: [[.jobId, .runId, .remotePath]],
        readOnly: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(cluster: call.text(.cluster), runId: call.text(.runId), jobId: call.text(.jobId), remotePath: call.text(.remotePath),
                            tail: call.integer(.tail), taskIndex: call.integer(.taskIndex)), context: context)
    }
}
