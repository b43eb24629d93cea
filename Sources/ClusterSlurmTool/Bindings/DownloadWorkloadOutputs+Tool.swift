import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

extension DownloadWorkloadOutputs: ToolBinding {
    package static let spec = ActionSpec(
        .downloadWorkloadOutputs,
        "Download a run's outputs (a file, folder or glob inside the run directory; default result.json) into the workspace, sha256-verified, and record them in the ledger.",
        parameters: [.runId, .remotePath, .remoteFile, .localPath, .taskIndex], oneOf: [[.runId, .remotePath]], idempotent: true)

    package static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Result {
        let runId = try call.text(.runId) ?? Download.owningRun(remotePath: try call.required(.remotePath), context: context)
        return try await run(.init(runId: runId, remotePath: call.text(.remotePath), remoteFile: call.text(.remoteFile),
                                   localPath: call.text(.localPath), taskIndex: call.integer(.taskIndex)), context: context)
    }
}
