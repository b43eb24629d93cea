/// Every action an agent can call, once: its name, what a model needs to
/// know to use it well, which parameters it takes, which it requires, and how
/// it behaves (read-only, destructive). Tool-mode parsing, the per-action MCP
/// tools, the umbrella `cluster_slurm` schema and `cluster-slurm tool
/// --schema` (committed as `openclaw/tool-schema.json` for the OpenClaw
/// shim) all derive from this table.
public struct ActionSpec: Sendable {
    public let action: ToolCall.Action
    /// For a model: what it does, when to use it, what to call next.
    public let description: String
    /// The parameters it accepts (besides `action`), from `ToolSchema.properties`.
    public let parameters: [String]
    /// Parameters that must be given.
    public let required: [String]
    /// Groups of which at least one member must be given (`command` or `commands`).
    public let oneOf: [[String]]
    public let readOnly: Bool
    public let destructive: Bool
    public let idempotent: Bool

    init(_ action: ToolCall.Action, _ description: String, parameters: [String], required: [String] = [], oneOf: [[String]] = [],
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
    public static let all: [ActionSpec] = [
        ActionSpec(.listClusters,
                   "List the configured cluster profiles (ssh target, remote root, SLURM defaults, GPUs) and the routing rules. Call it first to learn which `cluster` ids exist.",
                   parameters: [], readOnly: true, idempotent: true),
        ActionSpec(.runWorkload,
                   "Start a job in one call: route the workload to a CPU or GPU profile, upload the local inputs (sha256-verified), render the batch script and submit it. For a sweep give `array` (a spec such as \"0-19%4\", or a list of parameter objects, one task each): one submission, each task with SLURM_ARRAY_TASK_ID, its own CLUSTER_SLURM_PARAMS and CLUSTER_SLURM_TASK_DIR for its outputs. `after` starts it only when other runs ended (ok, any or notok). Returns at once with `runId` and `jobId`; then poll `check_workload` with the runId (every 30 s or more) until `done`, then `fetch_workload_logs` and `download_workload_outputs`. The environment (modules, conda) comes from the profile: do not put `module load`/`conda activate` in commands. A `policy_violation` names the rule, limit and what was requested: change the request to fit, do not retry other spellings.",
                   parameters: ["cluster", "runId", "prefix", "workload", "command", "commands", "localPath", "localPaths", "env", "setupCommands",
                                "modules", "headerOverrides", "submitArgs", "scriptName", "autoFallbackToGpu", "allowEnvOverrides",
                                "params", "array", "arrayMaxRunning", "after", "metricsFile"],
                   oneOf: [["command", "commands"]]),
        ActionSpec(.checkWorkload,
                   "Check a run's job: state, whether it is `done`, exit code, and for a failed job how it ended (reason, stderr tail). For an array, `tasks` counts the tasks by state and names the failed ones. A job the cluster ended (TIMEOUT, NODE_FAIL…) is resubmitted when the profile's `retry` allows (`retry` says so, `done` stays false). Poll it after `run_workload` (at most every `polling.minIntervalSeconds`); when `done`, fetch logs and outputs. A finished state is final.",
                   parameters: ["runId", "jobId", "cluster", "includeAccounting"], required: ["runId"], readOnly: true, idempotent: true),
        ActionSpec(.fetchWorkloadLogs,
                   "Fetch the tail of a run's stdout and stderr, with a pip-install hint when Python reports a missing module. Secrets the job printed are redacted.",
                   parameters: ["runId", "jobId", "cluster", "remotePath", "tail", "taskIndex"], required: ["runId"], readOnly: true, idempotent: true),
        ActionSpec(.downloadWorkloadOutputs,
                   "Download a run's outputs (a file, folder or glob inside the run directory; default result.json) into the workspace, sha256-verified, and record them in the ledger.",
                   parameters: ["runId", "remotePath", "remoteFile", "localPath", "taskIndex"], oneOf: [["runId", "remotePath"]], idempotent: true),
        ActionSpec(.initRun,
                   "Create a run (its local and remote directories) or return an existing one. Low-level: `run_workload` does this for you.",
                   parameters: ["cluster", "runId", "prefix"], idempotent: true),
        ActionSpec(.upload,
                   "Upload workspace files or folders into a run's remote directory, each verified by sha256; unchanged files are not sent again. Low-level: `run_workload` uploads its `localPaths`.",
                   parameters: ["runId", "localPath", "localPaths", "remoteDir"], required: ["runId"], oneOf: [["localPath", "localPaths"]],
                   idempotent: true),
        ActionSpec(.renderJob,
                   "Render a run's SLURM batch script from the profile's defaults and the call's commands, and record it. Low-level: then `submit_job`.",
                   parameters: ["runId", "cluster", "prefix", "workload", "command", "commands", "env", "setupCommands", "modules",
                                "headerOverrides", "scriptName", "allowEnvOverrides", "params", "array", "arrayMaxRunning", "metricsFile"],
                   oneOf: [["command", "commands"]]),
        ActionSpec(.submitJob,
                   "Submit a run's rendered script. The job is submitted held, checked against the policy as SLURM sees it, then released (or cancelled with a `policy_violation`). Only scripts rendered by `render_job`/`run_workload` are accepted.",
                   parameters: ["runId", "scriptPath", "scriptName", "submitArgs", "after"], required: ["runId"]),
        ActionSpec(.jobStatus,
                   "A job's state from squeue and sacct (with accounting when `includeAccounting`). Prefer `check_workload` with a runId.",
                   parameters: ["jobId", "cluster", "runId", "includeAccounting"], required: ["jobId"], readOnly: true, idempotent: true),
        ActionSpec(.jobLogs,
                   "Tail a job's stdout/stderr, or a file inside its run directory (`remotePath`). Reads nothing outside the run directory (or remoteRoot).",
                   parameters: ["jobId", "runId", "cluster", "remotePath", "tail", "taskIndex"], oneOf: [["jobId", "runId", "remotePath"]],
                   readOnly: true, idempotent: true),
        ActionSpec(.download,
                   "Download a file or folder from a run's remote directory into its local directory, sha256-verified.",
                   parameters: ["runId", "remotePath", "localPath"], required: ["remotePath"], idempotent: true),
        ActionSpec(.cancelJob,
                   "Cancel a job this ledger submitted (refused for jobs it did not submit). The cancel is recorded at once.",
                   parameters: ["jobId", "cluster", "runId"], required: ["jobId"], destructive: true, idempotent: true),
    ]

    public static func spec(_ action: ToolCall.Action) -> ActionSpec {
        all.first { $0.action == action }!
    }

    /// What an MCP client shows the model before any call: how the tools fit together.
    public static let instructions = """
        cluster-slurm runs jobs on SLURM clusters over SSH and records every step in a run ledger.
        Typical flow: list_clusters (once) → run_workload (returns runId and jobId at once) → check_workload with the runId, \
        every 30 s or more, until done → fetch_workload_logs → download_workload_outputs.
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
