import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// One action as an agent sees it: its name, what a model needs to know to
/// use it well, which parameters it takes, which it requires, and how it
/// behaves (read-only, destructive). Each action's binding (`Tool/Bindings`)
/// declares its spec; tool-mode parsing, the per-action MCP tools, the
/// umbrella `cluster_slurm` schema and `cluster-slurm tool --schema`
/// (committed as `openclaw/tool-schema.json` for the OpenClaw shim) derive
/// from them.
public struct ActionSpec: Sendable {
    public let action: ToolCall.Action
    /// For a model: what it does, when to use it, what to call next.
    public let description: String
    /// The parameters it accepts (besides `action`).
    public let parameters: [ToolParameter]
    /// Parameters that must be given.
    public let required: [ToolParameter]
    /// Groups of which at least one member must be given (`command` or `commands`).
    public let oneOf: [[ToolParameter]]
    public let readOnly: Bool
    public let destructive: Bool
    public let idempotent: Bool

    package init(_ action: ToolCall.Action, _ description: String, parameters: [ToolParameter], required: [ToolParameter] = [],
         oneOf: [[ToolParameter]] = [],
         readOnly: Bool = false, destructive: Bool = false, idempotent: Bool = false) {
        self.action = action
        self.description = description
        self.parameters = parameters
        self.required = required
        self.oneOf = oneOf
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
    }
}

public enum ActionRegistry {
    /// The actions in the order the tool schema lists them.
    package static let bindings: [any ToolBinding.Type] = [
        ListClusters.self, RunWorkload.self, CheckWorkload.self, FetchWorkloadLogs.self, DownloadWorkloadOutputs.self,
        InitRun.self, Upload.self, RenderJob.self, SubmitJob.self, JobStatusAction.self, JobLogs.self, Download.self, CancelJob.self,
    ]

    public static let all: [ActionSpec] = bindings.map { $0.spec }

    package static func binding(_ action: ToolCall.Action) -> any ToolBinding.Type {
        bindings.first { $0.spec.action == action }!
    }

    public static func spec(_ action: ToolCall.Action) -> ActionSpec {
        all.first { $0.action == action }!
    }

    /// What an MCP client shows the model before any call: how the tools fit together.
    public static let instructions = """
        cluster-slurm runs jobs on SLURM clusters over SSH and records every step in a run ledger.
        Typical flow: list_clusters (once) → run_workload (returns runId and jobId at once) → check_workload with the runId \
        and waitSeconds 900 (it returns as soon as the job ends; call it the same way again while done is false; no polling loop) \
        → fetch_workload_logs → download_workload_outputs.
        The software environment comes from the cluster profile: never put module load, ml, conda activate, source …/activate or \
        python -m venv in commands (they are refused); ask the user to change the profile instead.
        Every job is submitted held and released only if what SLURM made of it is within the policy. A refusal \
        (code policy_violation) names the rule, the limit and what was requested: change the request to fit the limit, \
        do not try other spellings. submitArgs accept only allowed sbatch options. After repeated failures (loop_breaker, \
        circuit_breaker) stop and report to the user.
        What a job runs executes as the user: SLURM's view is watched after release, and jobs a workload submits,         a waiting job changed with scontrol update, requeues and modules loaded at run time are recorded and, under a         strict policy, cancelled or counted as failures (check_workload shows them in guardrails). Do not try them.
        Errors are JSON with code, error and, where it applies, path (the field to fix), rule, limit, requested and runId.
        """
}
