import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// Runs a parsed `ToolCall` through its action's binding, logged in the
/// ledger, and returns the result as canonical JSON.
public enum ToolDispatcher {
    /// An agent's call (tool mode, MCP, the OpenClaw shim).
    public static func run(_ call: ToolCall, context: ActionContext) async throws -> String {
        try await run(call, person: .agent, context: context)
    }

    /// A call with a person's overrides (the CLI).
    public static func run(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> String {
        try await context.logged(call.action.rawValue, parameters: LoggedParameters(call), runId: call.text(.runId), cluster: call.text(.cluster)) {
            try await perform(ActionRegistry.binding(call.action), call, person: person, context: context)
        }.json
    }

    private static func perform<Binding: ToolBinding>(_ binding: Binding.Type, _ call: ToolCall, person: PersonOverrides,
                                                      context: ActionContext) async throws -> Encoded {
        let output = try await Binding.perform(call, person: person, context: context)
        return Encoded(json: try CanonicalJSON.encode(output), runIdentifier: (output as? any RunScoped)?.runIdentifier)
    }

    package struct Encoded: Encodable, RunScoped {
        package let json: String
        package let runIdentifier: String?
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(try JSONValue.parse(Data(json.utf8)))
        }
    }
}
