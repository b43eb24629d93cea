import ClusterSlurmKit
import Foundation
import MCP

/// Serves the tool's actions over MCP (stdio): one tool `cluster_slurm` taking
/// the reference's parameters, and one tool per action with the same
/// parameters minus `action`. Calls go through the same parsing and dispatch
/// as `cluster-slurm tool`.
public enum MCPServer {
    public static func serve(context: ActionContext) async throws {
        let server = Server(name: "cluster-slurm", version: ClusterSlurmVersion.current,
                            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: try tools())
        }
        await server.withMethodHandler(CallTool.self) { params in
            await call(name: params.name, arguments: params.arguments ?? [:], context: context)
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }

    static func tools() throws -> [Tool] {
        var tools = [Tool(name: "cluster_slurm",
                          description: "Run and follow SLURM jobs on configured clusters over SSH (the OpenClaw cluster-slurm tool).",
                          inputSchema: try convert(ToolSchema.parameters))]
        let actionSchema = try convert(ToolSchema.actionParameters)
        for action in ToolCall.Action.allCases {
            tools.append(Tool(name: action.rawValue, description: ToolSchema.descriptions[action] ?? action.rawValue, inputSchema: actionSchema))
        }
        return tools
    }

    static func call(name: String, arguments: [String: Value], context: ActionContext) async -> CallTool.Result {
        do {
            var object = try JSONValue.parse(JSONEncoder().encode(arguments))
            if name != "cluster_slurm" {
                guard ToolCall.Action(rawValue: name) != nil else {
                    throw ClusterSlurmError.invalidInput("unknown tool \(name)", path: "name")
                }
                guard case .object(var fields) = object else { throw ClusterSlurmError.invalidInput("arguments must be an object", path: "$") }
                if fields["action"] != nil { throw ClusterSlurmError.invalidInput("the \(name) tool takes no action field", path: "action") }
                fields["action"] = .string(name)
                object = .object(fields)
            }
            let json = try await ToolDispatcher.run(try ToolCall.parse(object), context: context)
            return CallTool.Result(content: [.text(text: json, annotations: nil, _meta: nil)], isError: false)
        } catch {
            return CallTool.Result(content: [.text(text: (try? CanonicalJSON.encode(ClusterSlurmError.wrapping(error).toolPayload)) ?? "{\"status\":\"error\"}", annotations: nil, _meta: nil)], isError: true)
        }
    }

    static func convert(_ value: JSONValue) throws -> Value {
        try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(value))
    }
}
