import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// Every parameter of the `cluster_slurm` tool, declared once: its JSON name
/// (the case's raw value, the reference's spelling), how a value is read and
/// checked, its JSON schema with the one help sentence, the CLI flag that
/// gives it, and how the action log keeps it. Tool-mode parsing, the tool
/// schemas, the action log, the CLI's error vocabulary and the CLI/tool
/// parity test all read this table.
public enum ToolParameter: String, CaseIterable, Sendable, Hashable {
    case cluster, runId, prefix, localPath, localPaths, remoteDir, remotePath, remoteFile, scriptPath, scriptName
    case command, commands, workload, env, setupCommands, modules, headerOverrides, submitArgs, jobId
    case includeAccounting, autoFallbackToGpu, allowEnvOverrides, tail, params, array, arrayMaxRunning, after
    case metricsFile, taskIndex, waitSeconds

    /// How a value is read from the call's JSON.
    public enum Kind: Sendable {
        /// A string, trimmed; blank counts as not given.
        case text
        /// A string kept as written (a command line), blank counts as not given.
        case verbatimText
        case runId, jobId
        case texts
        case flag
        case integer(minimum: Int, maximum: Int)
        case environment
        case directives
        case params
        /// A job array; reads `arrayMaxRunning` with it.
        case jobArray
        case dependencies
    }

    /// How the action log keeps a value: the log is kept forever, so a value
    /// that may hold a secret keeps only its shape.
    public enum Logged: Sendable {
        case value
        /// Only the names (of env: values may be secrets), under another key.
        case names(key: String)
        /// An array: its spec text, and how many task parameter objects it had.
        case arraySummary
        /// Folded into another parameter's entry.
        case folded
    }

    public struct Spec: Sendable {
        public let kind: Kind
        /// The JSON schema (with the help sentence as its description).
        public let schema: JSONValue
        /// The CLI flag that gives it (`--run-id`); a command may take it as a
        /// positional argument of the same name (`<run-id>`) instead.
        public let flag: String
        public let logged: Logged
    }

    public var name: String { rawValue }
    public var kind: Kind { spec.kind }
    public var schema: JSONValue { spec.schema }
    public var flag: String { spec.flag }

    public var spec: Spec {
        switch self {
        case .cluster: Spec(.text, Self.textSchema("Configured cluster profile id"), "--cluster")
        case .runId: Spec(.runId, Self.textSchema("Run id in the local ledger"), "--run-id")
        case .prefix: Spec(.text, Self.textSchema("Prefix for generated run ids"), "--prefix")
        case .localPath: Spec(.text, Self.textSchema("Workspace-relative local file or directory"), "--local-path")
        case .localPaths: Spec(.texts, Self.textsSchema("Workspace-relative local files or directories"), "--local-path")
        case .remoteDir: Spec(.text, Self.textSchema("Sub-directory of the run directory on the cluster"), "--remote-dir")
        case .remotePath: Spec(.text, Self.textSchema("Remote file, directory or glob inside the run directory"), "--remote-path")
        case .remoteFile:
            Spec(.text, Self.textSchema("Remote output file relative to the run directory (download_workload_outputs; default result.json)"), "--remote-file")
        case .scriptPath: Spec(.text, Self.textSchema("Workspace-relative job script path"), "--script-path")
        case .scriptName: Spec(.text, Self.textSchema("Generated job script file name"), "--script-name")
        case .command: Spec(.verbatimText, Self.textSchema("A single shell command for the job"), "--command")
        case .commands: Spec(.texts, Self.textsSchema("Command lines for the job"), "--command")
        case .workload: Spec(.text, Self.textSchema("Natural-language summary of the work, used for CPU/GPU routing"), "--workload")
        case .env:
            Spec(.environment, .object(["type": .string("object"), "additionalProperties": .object(["type": .string("string")]),
                                        "description": .string("Environment variables exported in the job")]),
                 "--env", logged: .names(key: "envNames"))
        case .setupCommands:
            Spec(.texts, Self.textsSchema("Call-level setup commands (only with allowEnvOverrides and execution.allowCustomEnvOverride)"), "--setup-command")
        case .modules: Spec(.texts, Self.textsSchema("Call-level modules (only with allowEnvOverrides and execution.allowCustomEnvOverride)"), "--module")
        case .headerOverrides: Spec(.directives, Self.headerOverridesSchema, "--header")
        case .submitArgs:
            Spec(.texts, Self.textsSchema("Extra sbatch options from an allowlist (resources, placement, --mail-type, --signal…); -Q, --hold, --chdir, --output, --export, --array, --wrap and unknown options are refused. Every job is checked as SLURM sees it (held, then released or cancelled)"),
                 "--submit-arg")
        case .jobId: Spec(.jobId, Self.textSchema("SLURM job id"), "--job-id")
        case .includeAccounting: Spec(.flag, Self.flagSchema("Include sacct accounting in job_status"), "--include-accounting")
        case .autoFallbackToGpu: Spec(.flag, Self.flagSchema("Override routing.autoFallbackToGpuOnSignatures for run_workload"), "--no-gpu-fallback")
        case .allowEnvOverrides:
            Spec(.flag, Self.flagSchema("Allow call-level environment changes (needs execution.allowCustomEnvOverride)"), "--allow-env-overrides")
        case .tail:
            Spec(.integer(minimum: 1, maximum: 20_000),
                 .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(20000), "description": .string("Log lines to return")]), "--tail")
        case .params:
            Spec(.params, .object(["type": .string("object"),
                                   "description": .string("The run's parameters: recorded in the ledger and given to the job as CLUSTER_SLURM_PARAMS (JSON)")]),
                 "--params")
        case .array: Spec(.jobArray, Self.arraySchema, "--array", logged: .arraySummary)
        case .arrayMaxRunning:
            Spec(.integer(minimum: 1, maximum: ArraySpec.mostTasks),
                 .object(["type": .string("integer"), "minimum": .int(1), "description": .string("At most this many array tasks run at once (the spec's %N)")]),
                 "--array-max-running", logged: .folded)
        case .after: Spec(.dependencies, Self.afterSchema, "--after")
        case .metricsFile:
            Spec(.text, Self.textSchema("An outputs file (relative to the run dir, e.g. outputs/metrics.json) holding a JSON object of name → number: downloading it records the run's metrics"),
                 "--metrics-file")
        case .waitSeconds:
            Spec(.integer(minimum: 0, maximum: 3_600),
                 .object(["type": .string("integer"), "minimum": .int(0), "maximum": .int(3600),
                          "description": .string("check_workload: wait up to this many seconds for the job to end, then answer (one call, no polling: the job announces its end and the login node watches for it); 0 answers at once. At most polling.maxWaitSeconds (default 900)")]),
                 "--wait")
        case .taskIndex:
            Spec(.integer(minimum: 0, maximum: ArraySpec.largestIndex),
                 .object(["type": .string("integer"), "minimum": .int(0),
                          "description": .string("A task of the run's job array: its own logs, or outputs from its tasks/<i> dir")]), "--task")
        }
    }

    private static let headerOverridesSchema: JSONValue = {
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

    private static let arraySchema: JSONValue = .object(["anyOf": .array([
        .object(["type": .string("string"), "description": .string("A SLURM array spec: \"0-19\", \"1,3,5-7\", \"0-15:4\", \"0-99%10\"")]),
        .object(["type": .string("array"), "items": .object(["type": .string("object")]), "minItems": .int(1),
                 "description": .string("One parameter object per task: task i gets the i-th as CLUSTER_SLURM_PARAMS")]),
    ]), "description": .string("Make the job an array: one submission, many tasks (SLURM_ARRAY_TASK_ID; outputs in CLUSTER_SLURM_TASK_DIR = tasks/<i>)")])

    private static let afterSchema: JSONValue = .object(["type": .string("array"), "items": .object(["anyOf": .array([
        .object(["type": .string("string"), "description": .string("A run id: start after it completed")]),
        .object(["type": .string("object"), "properties": .object([
            "runId": .object(["type": .string("string")]),
            "when": .object(["type": .string("string"), "enum": .array([.string("ok"), .string("any"), .string("notok")])]),
        ]), "required": .array([.string("runId")]), "additionalProperties": .bool(false)]),
    ])]), "description": .string("Runs to wait for: start when each completed (ok, default), ended (any) or failed (notok); a run that can never start is cancelled and reported")])
}

extension ToolParameter.Spec {
    package init(_ kind: ToolParameter.Kind, _ schema: JSONValue, _ flag: String, logged: ToolParameter.Logged = .value) {
        self.init(kind: kind, schema: schema, flag: flag, logged: logged)
    }
}

private extension ToolParameter {
    static func textSchema(_ description: String) -> JSONValue {
        .object(["type": .string("string"), "description": .string(description)])
    }

    static func textsSchema(_ description: String) -> JSONValue {
        .object(["type": .string("array"), "items": .object(["type": .string("string")]), "description": .string(description)])
    }

    static func flagSchema(_ description: String) -> JSONValue {
        .object(["type": .string("boolean"), "description": .string(description)])
    }
}
