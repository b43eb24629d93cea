import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension CheckWorkload: ToolBinding {
    package static let spec = ActionSpec(
        .checkWorkload,
        "Check a run's job: state, whether it is `done`, exit code, and for a failed job how it ended (reason, stderr tail). For an array, `tasks` counts the tasks by state and names the failed ones. A job the cluster ended (TIMEOUT, NODE_FAIL…) is resubmitted when the profile's `retry` allows (`retry` says so, `done` stays false). After `run_workload`, call it with `waitSeconds` (e.g. 900): it returns as soon as the job ends, or at the deadline with `done: false` (then call it again the same way); no polling loop is needed. When `done`, fetch logs and outputs. A finished state is final.",
        parameters: [.runId, .jobId, .cluster, .includeAccounting, .waitSeconds], required: [.runId], readOnly: true, idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(runId: call.text(.runId), jobId: call.text(.jobId), cluster: call.text(.cluster),
                            includeAccounting: call.flag(.includeAccounting) ?? false, refresh: person.refresh,
                            waitSeconds: call.integer(.waitSeconds) ?? 0), context: context)
    }
}
