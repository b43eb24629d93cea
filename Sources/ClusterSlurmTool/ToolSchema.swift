import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// The JSON schema of the `cluster_slurm` tool's parameters, as the reference
/// declares them. Served over MCP and mirrored by the OpenClaw plugin.
public enum ToolSchema {
    /// Every parameter but `action`, from the parameter table.
    package static let commonProperties: [String: JSONValue] = Dictionary(uniqueKeysWithValues: ToolParameter.allCases.map { ($0.name, $0.schema) })

    public static let toolName = "cluster_slurm"
    public static let toolDescription = "Run and follow SLURM jobs on configured HPC clusters over SSH, every step recorded in a run ledger: submit asynchronous workloads (run_workload), check them (check_workload), read their logs (fetch_workload_logs) and retrieve their outputs (download_workload_outputs), with profile-driven CPU/GPU routing and policy guardrails. Pick the operation with `action`; each action's parameters and required fields are listed in its description."

    /// The umbrella tool in the reference's shape: `action` plus every parameter.
    public static let parameters: JSONValue = {
        var properties = commonProperties
        let summary = ActionRegistry.all.map { spec in
            let needs = spec.required.map(\.name) + spec.oneOf.map { $0.map(\.name).joined(separator: " or ") }
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
        for parameter in spec.parameters { properties[parameter.name] = parameter.schema }
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false)]
        if !spec.required.isEmpty { schema["required"] = .array(spec.required.map { .string($0.name) }) }
        return .object(schema)
    }

    /// The action's description for a model, with what it needs spelled out.
    public static func actionDescription(_ spec: ActionSpec) -> String {
        let groups = spec.oneOf.map { "give \($0.map(\.name).joined(separator: " or "))" }
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
