import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension Upload: ToolBinding {
    package static let spec = ActionSpec(
        .upload,
        "Upload workspace files or folders into a run's remote directory, each verified by sha256; unchanged files are not sent again. Low-level: `run_workload` uploads its `localPaths`.",
        parameters: [.runId, .localPath, .localPaths, .remoteDir], required: [.runId], oneOf: [[.localPath, .localPaths]],
        idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        try await run(.init(runId: try call.required(.runId), localPaths: call.mergedLocalPaths, remoteDir: call.text(.remoteDir)), context: context)
    }
}
