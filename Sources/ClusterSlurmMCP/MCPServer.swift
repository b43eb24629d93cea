import Foundation
import MCP
import ClusterSlurmSupport
import ClusterSlurmKit
import ClusterSlurmTool

/// Serves the tool's actions over MCP (stdio): one tool per action, with
/// only that action's parameters, its required set and its behaviour
/// (read-only, destructive) from the action registry, plus the umbrella
/// `cluster_slurm` tool in the reference's shape. The server's instructions
/// carry the guidance a model needs. Calls go through the same parsing and
/// dispatch as `cluster-slurm tool`; results come back as structured content
/// and text, failures with `isError` and the whole error payload.
public enum MCPServer {
    public static func serve(context: ActionContext) async throws {
        let server = Server(name: "cluster-slurm", version: ClusterSlurmVersion.current, instructions: ActionRegistry.instructions,
                            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: try tools())
        }
        await server.withMethodHandler(CallTool.self) { [server] params in
            var callContext = context
            if let token = params._meta?.progressToken {
                // each change a waiting check_workload sees, as a progress notification (progress: seconds waited)
                callContext.waitUpdates = { update in
                    let notification = ProgressNotification.message(.init(progressToken: token, progress: Double(update.elapsedSeconds),
                                                                          message: update.message))
                    Task { try? await server.notify(notification) }
                }
            }
            return await call(name: params.name, arguments: params.arguments ?? [:], context: callContext)
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }

    static func tools() throws -> [Tool] {
        var tools: [Tool] = []
        for spec in ActionRegistry.all {
            tools.append(Tool(name: spec.action.rawValue, description: ToolSchema.actionDescription(spec),
                              inputSchema: try convert(ToolSchema.actionParameters(spec)),
                              annotations: .init(readOnlyHint: spec.readOnly, destructiveHint: spec.destructive,
                                                 idempotentHint: spec.idempotent, openWorldHint: true)))
        }
        tools.append(Tool(name: ToolSchema.toolName, description: ToolSchema.toolDescription, inputSchema: try convert(ToolSchema.parameters),
                          annotations: .init(destructiveHint: true, openWorldHint: true)))
        return tools
    }

    static func call(name: String, arguments: [String: Value], context: ActionContext) async -> CallTool.Result {
        do {
            var object = try JSONValue.parse(JSONEncoder().encode(arguments))
            if name != ToolSchema.toolName {
                guard ToolCall.Action(rawValue: name) != nil else {
                    throw ClusterSlurmError.invalidInput("unknown tool \(name)", path: "name")
                }
                guard case .object(var fields) = object else { throw ClusterSlurmError.invalidInput("arguments must be an object", path: "$") }
                if fields["action"] != nil { throw ClusterSlurmError.invalidInput("the \(name) tool takes no action field", path: "action") }
                fields["action"] = .string(name)
                object = .object(fields)
            }
            let json = try await ToolDispatcher.run(try ToolCall.parse(object), context: context)
            return CallTool.Result(content: [.text(text: json, annotations: nil, _meta: nil)],
                                   structuredContent: try? JSONDecoder().decode(Value.self, from: Data(json.utf8)), isError: false)
        } catch {
            let payload = ClusterSlurmError.wrapping(error).toolPayload
            let text = (try? CanonicalJSON.encode(payload)) ?? "{\"status\":\"error\"}"
            return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)],
                                   structuredContent: try? convert(payload), isError: true)
        }
    }

    static func convert(_ value: JSONValue) throws -> Value {
        try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(value))
    }
}
