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
    ]

    /// The whole tool: `action` plus every parameter.
    public static let parameters: JSONValue = {
        var properties = commonProperties
        properties["action"] = .object(["type": .string("string"), "enum": .array(ToolCall.Action.allCases.map { .string($0.rawValue) }),
                                        "description": .string("Action to perform")])
        return .object(["type": .string("object"), "properties": .object(properties), "required": .array([.string("action")]),
                        "additionalProperties": .bool(false)])
    }()

    /// One action's tool: the same parameters without `action`.
    public static let actionParameters: JSONValue = .object([
        "type": .string("object"), "properties": .object(commonProperties), "additionalProperties": .bool(false),
    ])

    public static let descriptions: [ToolCall.Action: String] = [
        .listClusters: "List the configured cluster profiles and routing rules.",
        .initRun: "Create a run (local and remote directories) or return an existing one.",
        .upload: "Upload workspace files or folders into a run's remote directory, verified by sha256.",
        .renderJob: "Render a run's SLURM batch script locally and record it in the ledger.",
        .submitJob: "Submit a run's script with sbatch --parsable.",
        .jobStatus: "Get a job's state from squeue/sacct.",
        .jobLogs: "Tail a job's stdout/stderr or a remote file.",
        .download: "Download a file or folder from a run's remote directory into its local directory.",
        .cancelJob: "Cancel a job this ledger submitted.",
        .runWorkload: "Route, upload, render and submit a workload; returns runId and jobId at once.",
        .checkWorkload: "Check a run's job state and whether it is done.",
        .fetchWorkloadLogs: "Fetch a run's stdout and stderr, with a pip hint for missing Python modules.",
        .downloadWorkloadOutputs: "Download a run's outputs (a file, folder or glob) into its local directory.",
    ]
}
