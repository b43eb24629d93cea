import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension SubmitJob: ToolBinding {
    package static let spec = ActionSpec(
        .submitJob,
        "Submit a run's rendered script. The job is submitted held, checked against the policy as SLURM sees it, then released (or cancelled with a `policy_violation`). Only scripts rendered by `render_job`/`run_workload` are accepted.",
        parameters: [.runId, .scriptPath, .scriptName, .submitArgs, .after], required: [.runId])

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        var request = Request(runId: try call.required(.runId), scriptPath: call.text(.scriptPath), scriptName: call.text(.scriptName),
                              submitArgs: call.texts(.submitArgs) ?? [], allowRepeatedFailures: person.allowRepeatedFailures,
                              allowCustomScript: person.allowCustomScript)
        request.after = call.after ?? []
        return try await run(request, context: context)
    }
}
