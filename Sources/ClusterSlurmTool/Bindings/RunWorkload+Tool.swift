import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension RunWorkload: ToolBinding {
    package static let spec = ActionSpec(
        .runWorkload,
        "Start a job in one call: route the workload to a CPU or GPU profile, upload the local inputs (sha256-verified), render the batch script and submit it. For a sweep give `array` (a spec such as \"0-19%4\", or a list of parameter objects, one task each): one submission, each task with SLURM_ARRAY_TASK_ID, its own CLUSTER_SLURM_PARAMS and CLUSTER_SLURM_TASK_DIR for its outputs. `after` starts it only when other runs ended (ok, any or notok). Returns at once with `runId` and `jobId`; then call `check_workload` with the runId and `waitSeconds` (it returns when the job ends; call again while `done` is false), then `fetch_workload_logs` and `download_workload_outputs`. The environment (modules, conda) comes from the profile: do not put `module load`/`conda activate` in commands. A `policy_violation` names the rule, limit and what was requested: change the request to fit, do not retry other spellings.",
        parameters: [.cluster, .runId, .prefix, .workload, .command, .commands, .localPath, .localPaths, .env, .setupCommands,
                     .modules, .headerOverrides, .submitArgs, .scriptName, .autoFallbackToGpu, .allowEnvOverrides,
                     .params, .array, .arrayMaxRunning, .after, .metricsFile],
        oneOf: [[.command, .commands]])

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        var request = Request(
            cluster: call.text(.cluster), runId: call.text(.runId), prefix: call.text(.prefix), workload: call.text(.workload),
            commands: call.mergedCommands, localPaths: call.mergedLocalPaths, env: call.env ?? [:],
            setupCommands: call.texts(.setupCommands) ?? [], modules: call.texts(.modules) ?? [],
            headerOverrides: call.headerOverrides ?? SlurmDirectives(), submitArgs: call.texts(.submitArgs) ?? [],
            scriptName: call.text(.scriptName), autoFallbackToGpu: call.flag(.autoFallbackToGpu),
            allowEnvOverrides: call.flag(.allowEnvOverrides) ?? false, allowRepeatedFailures: person.allowRepeatedFailures)
        request.params = call.params
        request.array = call.array
        request.after = call.after ?? []
        request.metricsFile = call.text(.metricsFile)
        return try await run(request, context: context)
    }
}
