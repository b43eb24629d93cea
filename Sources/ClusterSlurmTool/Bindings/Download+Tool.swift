import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension Download: ToolBinding {
    package static let spec = ActionSpec(
        .download,
        "Download a file or folder from a run's remote directory into its local directory, sha256-verified.",
        parameters: [.runId, .remotePath, .localPath], required: [.remotePath], idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        let remotePath = try call.required(.remotePath)
        guard let runId = call.text(.runId) else {
            return try await withoutRun(remotePath: remotePath, localPath: call.text(.localPath), cluster: call.text(.cluster), context: context)
        }
        return try await run(.init(runId: runId, remotePaths: [remotePath], localPath: call.text(.localPath)), context: context)
    }
}
