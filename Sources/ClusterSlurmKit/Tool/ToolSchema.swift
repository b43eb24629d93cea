/// The JSON schema of the `cluster_slurm` tool's parameters, as the reference
/// declares them. Served over MCP and mirrored by the OpenClaw plugin.
public enum ToolSchema {
    static func string(_ description: String) -> JSONValue {
        .object(["type": .string("string"), "description": .string(description)])
    }

    static func strings(_ description: String) -> JSONValue {
        .object(["type": .string("array"), "items": .object(["type": .string("string")]), "description": .string(description)])
    }

    static func boolean(_ description: String) -> JSONValue {
        .object(["type": .string("boolean"), "description": .string(description)])
    }

    static let headerOverrides: JSONValue = {
        var properties: [String: JSONValue] = [:]
        for key in SlurmDirectives.allKeys {
            if key == "modules" { properties[key] = .object(["type": .string("array"), "items": .object(["type": .string("string")])]) }
            else if SlurmDirectives.integerKeys.contains(key) { properties[key] = .object(["type": .string("integer"), "minimum": .int(1)]) }
            else if key == "gpus" || key == "gpusPerNode" {
                properties[key] = .object(["anyOf": .array([.object(["type": .string("integer"), "minimum": .int(1)]), .object(["type": .string("string")])])])
            } else { properties[key] = .object(["type": .string("string")]) }
        }
        return .object(["type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
                        "description": .string("Overrides of the profile's slurmDefaults for this job")])
    }()

    /// Every parameter but `action`.
    static let commonProperties: [String: JSONValue] = [
        "cluster": string("Configured cluster profile id"),
        "runId": string("Run id in the local ledger"),
        "prefix": string("Prefix for generated run ids"),
        "localPath": string("Workspace-relative local file or directory"),
        "localPaths": strings("Workspace-relative local files or directories"),
        "remoteDir": string("Sub-directory of the run directory on the cluster"),
        "remotePath": string("Remote file, directory or glob inside the run directory"),
        "remoteFile": string("Remote output file relative to the run directory (download_workload_outputs; default result.json)"),
        "scriptPath": string("Workspace-relative job script path"),
        "scriptName": string("Generated job script file name"),
        "command": string("A single shell command for the job"),
        "commands": strings("Command lines for the job"),
        "workload": string("Natural-language summary of the work, used for CPU/GPU routing"),
        "env": .object(["type": .string("object"), "additionalProperties": .object(["type": .string("string")]),
                        "description": .string("Environment variables exported in the job")]),
        "setupCommands": strings("Call-level setup commands (only with allowEnvOverrides and execution.allowCustomEnvOverride)"),
        "modules": strings("Call-level modules (only with allowEnvOverrides and execution.allowCustomEnvOverride)"),
        "headerOverrides": headerOverrides,
        "submitArgs": strings("Extra sbatch options from an allowlist (resources, placement, --mail-type, --signal…); -Q, --hold, --chdir, --output, --export, --array, --wrap and unknown options are refused. Every job is checked as SLURM sees it (held, then released or cancelled)"),
        "jobId": string("SLURM job id"),
        "includeAccounting": boolean("Include sacct accounting in job_status"),
        "autoFallbackToGpu": boolean("Override routing.autoFallbackToGpuOnSignatures for run_workload"),
        "allowEnvOverrides": boolean("Allow call-level environment changes (needs execution.allowCustomEnvOverride)"),
        "tail": .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(20000), "description": .string("Log lines to return")]),
        "params": .object(["type": .string("object"),
                           "description": .string("The run's parameters: recorded in the ledger and given to the job as CLUSTER_SLURM_PARAMS (JSON)")]),
        "array": .object(["anyOf": .array([
            .object(["type": .string("string"), "description": .string("A SLURM array spec: \"0-19\", \"1,3,5-7\", \"0-15:4\", \"0-99%10\"")]),
            .object(["type": .string("array"), "items": .object(["type": .string("object")]), "minItems": .int(1),
                     "description": .string("One parameter object per task: task i gets the i-th as CLUSTER_SLURM_PARAMS")]),
        ]), "description": .string("Make the job an array: one submission, many tasks (SLURM_ARRAY_TASK_ID; outputs in CLUSTER_SLURM_TASK_DIR = tasks/<i>)")]),
        "arrayMaxRunning": .object(["type": .string("integer"), "minimum": .int(1),
                                    "description": .string("At most this many array tasks run at once (the spec's %N)")]),
        "after": .object(["type": .string("array"), "items": .object(["anyOf": .array([
            .object(["type": .string("string"), "description": .string("A run id: start after it completed")]),
            .object(["type": .string("object"), "properties": .object([
                "runId": .object(["type": .string("string")]),
                "when": .object(["type": .string("string"), "enum": .array([.string("ok"), .string("any"), .string("notok")])]),
            ]), "required": .array([.string("runId")]), "additionalProperties": .bool(false)]),
        ])]), "description": .string("Runs to wait for: start when each completed (ok, default), ended (any) or failed (notok); a run that can never start is cancelled and reported")]),
        "metricsFile": string("An outputs file (relative to the run dir, e.g. outputs/metrics.json) holding a JSON object of name → number: downloading it records the run's metrics"),
        "taskIndex": .object(["type": .string("integer"), "minimum": .int(0),
                              "description": .string("A task of the run's job array: its own logs, or outputs from its tasks/<i> dir")]),
    ]

    public static let toolName = "cluster_slurm"
    public static let toolDescription = "Run and follow SLURM jobs on configured HPC clusters over SSH, every step recorded in a run ledger: submit asynchronous workloads (run_workload), check them (check_workload), read their logs (fetch_workload_logs) and retrieve their outputs (download_workload_outputs), with profile-driven CPU/GPU routing and policy guardrails. Pick the operation with `action`; each action's parameters and required fields are listed in its description."

    /// The umbrella tool in the reference's shape: `action` plus every parameter.
    public static let parameters: JSONValue = {
        var properties = commonProperties
        let summary = ActionRegistry.all.map { spec in
            let needs = spec.required + spec.oneOf.map { $0.joined(separator: " or ") }
            return needs.isEmpty ? spec.action.rawValue : "\(spec.action.rawValue) (needs \(needs.joined(separator: ", ")))"
        }
        properties["action"] = .object(["type": .string("string"), "enum": .array(ToolCall.Action.allCases.map { .string($0.rawValue) }),
                                        "description": .string("Action to perform: \(summary.joined(separator: "; "))")])
        return .object(["type": .string("object"), "properties": .object(properties), "required": .array([.string("action")]),
                        "additionalProperties": .bool(false)])
    }()

    /// One action's own tool: only its parameters, with its required set.
    public static func actionParameters(_ spec: ActionSpec) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for name in spec.parameters { properties[name] = commonProperties[name] }
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false)]
        if !spec.required.isEmpty { schema["required"] = .array(spec.required.map(JSONValue.string)) }
        return .object(schema)
    }

    /// The action's description for a model, with what it needs spelled out.
    public static func actionDescription(_ spec: ActionSpec) -> String {
        let groups = spec.oneOf.map { "give \($0.joined(separator: " or "))" }
        return groups.isEmpty ? spec.description : spec.description + " (" + groups.joined(separator: "; ") + ".)"
    }

    /// Everything an agent host needs, as `cluster-slurm tool --schema`
    /// prints it and `openclaw/tool-schema.json` holds it.
    public static let document: JSONValue = .object([
        "tool": .object(["name": .string(toolName), "description": .string(toolDescription), "parameters": parameters]),
        "actions": .array(ActionRegistry.all.map { spec in
            .object(["name": .string(spec.action.rawValue), "description": .string(actionDescription(spec)),
                     "inputSchema": actionParameters(spec),
                     "annotations": .object(["readOnlyHint": .bool(spec.readOnly), "destructiveHint": .bool(spec.destructive),
                                             "idempotentHint": .bool(spec.idempotent)])])
        }),
        "instructions": .string(ActionRegistry.instructions),
    ])
}
