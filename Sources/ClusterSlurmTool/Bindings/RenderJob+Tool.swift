import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension RenderJob: ToolBinding {
    package static let spec = ActionSpec(
        .renderJob,
        "Render a run's SLURM batch script from the profile's defaults and the call's commands, and record it. Low-level: then `submit_job`.",
        parameters: [.runId, .cluster, .prefix, .workload, .command, .commands, .env, .setupCommands, .modules,
                     .headerOverrides, .scriptName, .allowEnvOverrides, .params, .array, .arrayMaxRunning, .metricsFile],
        oneOf: [[.command, .commands]])

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(
            runId: call.text(.runId), cluster: call.text(.cluster), prefix: call.text(.prefix), commands: call.mergedCommands,
            workload: call.text(.workload), env: call.env ?? [:], setupCommands: call.texts(.setupCommands) ?? [],
            modules: call.texts(.modules) ?? [], headerOverrides: call.headerOverrides ?? SlurmDirectives(),
            scriptName: call.text(.scriptName), allowEnvOverrides: call.flag(.allowEnvOverrides) ?? false, params: call.params,
            array: call.array, metricsFile: call.text(.metricsFile)), context: context)
    }
}
