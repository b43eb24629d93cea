import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The action registry is the one source: every action has a spec, every
/// spec's parameters exist, parsing enforces it, and the committed schema the
/// OpenClaw shim reads is what the registry says.
@Suite struct ActionRegistryTests {
    @Test func everyActionHasOneConsistentSpec() {
        #expect(Set(ActionRegistry.all.map(\.action)) == Set(ToolCall.Action.allCases))
        #expect(ActionRegistry.all.count == ToolCall.Action.allCases.count)
        for spec in ActionRegistry.all {
            for parameter in spec.parameters { #expect(ToolSchema.commonProperties[parameter.name] != nil, "\(spec.action.rawValue).\(parameter)") }
            for name in spec.required + spec.oneOf.flatMap({ $0 }) { #expect(spec.parameters.contains(name), "\(spec.action.rawValue) needs \(name)") }
            #expect(!(spec.readOnly && spec.destructive))
            #expect(spec.description.count > 60, "a description a model can act on: \(spec.action.rawValue)")
        }
        #expect(ActionRegistry.spec(.cancelJob).destructive)
        #expect(ActionRegistry.spec(.checkWorkload).required == [.runId])
        for action in [ToolCall.Action.listClusters, .jobStatus, .jobLogs, .checkWorkload, .fetchWorkloadLogs] {
            #expect(ActionRegistry.spec(action).readOnly, "\(action.rawValue)")
        }
    }

    static let refusals: [(String, String, String)] = [
        (#"{"action":"check_workload"}"#, "runId", "is required for check_workload"),
        (#"{"action":"list_clusters","tail":5}"#, "tail", "is not a parameter of list_clusters"),
        (#"{"action":"list_clusters","headerOverrides":{}}"#, "headerOverrides", "is not a parameter of list_clusters"),
        (#"{"action":"run_workload"}"#, "command", "run_workload needs command or commands"),
        (#"{"action":"run_workload","commands":["  "]}"#, "command", "run_workload needs command or commands"),
        (#"{"action":"upload","runId":"r-1"}"#, "localPath", "upload needs localPath or localPaths"),
        (#"{"action":"cancel_job"}"#, "jobId", "is required for cancel_job"),
        (#"{"action":"job_logs"}"#, "jobId", "job_logs needs jobId or runId or remotePath"),
        (#"{"action":"submit_job","runId":"r-1","command":"x"}"#, "command", "is not a parameter of submit_job"),
    ]

    @Test(arguments: refusals) func callsAreCheckedAgainstTheirAction(json: String, path: String, message: String) throws {
        let error = try #require(throws: ClusterSlurmError.self) { try ToolCall.parse(try JSONValue.parse(Data(json.utf8))) }
        #expect(error.path == path && error.message.contains(message), "\(error.path ?? "-"): \(error.message)")
    }

    @Test func perActionSchemasCarryTheirRequiredSet() throws {
        guard case .object(let check) = ToolSchema.actionParameters(ActionRegistry.spec(.checkWorkload)),
              case .object(let properties)? = check["properties"] else { Issue.record("not an object"); return }
        #expect(check["required"] == .array([.string("runId")]))
        #expect(Set(properties.keys) == ["runId", "jobId", "cluster", "includeAccounting", "waitSeconds"])
        guard case .object(let list) = ToolSchema.actionParameters(ActionRegistry.spec(.listClusters)),
              case .object(let none)? = list["properties"] else { Issue.record("not an object"); return }
        #expect(none.isEmpty && list["required"] == nil && list["additionalProperties"] == .bool(false))
    }

    /// `openclaw/tool-schema.json` is `cluster-slurm tool --schema`; the shim
    /// reads it, so a registry change without regenerating it fails here.
    @Test func committedSchemaMatchesTheRegistry() throws {
        let path = TestSupport.repository.appendingPathComponent("openclaw/tool-schema.json").path
        let current = try CanonicalJSON.pretty(ToolSchema.document) + "\n"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try current.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path)")
            return
        }
        #expect(current == (try String(contentsOfFile: path, encoding: .utf8)),
                "regenerate with: .build/debug/cluster-slurm tool --schema > openclaw/tool-schema.json")
    }
}
