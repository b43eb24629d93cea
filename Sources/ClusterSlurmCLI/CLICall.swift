import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// A tool call made from a command's flags: the same JSON fields tool mode
/// reads, parsed by the same `ToolCall.parse`, so a parameter means the same
/// in both. Only here can a person's overrides be added.
struct CLICall {
    let action: ToolCall.Action
    private(set) var fields: [String: JSONValue] = [:]
    var person = PersonOverrides.agent

    init(_ action: ToolCall.Action) { self.action = action }

    mutating func set(_ parameter: ToolParameter, _ text: String?) { fields[parameter.name] = text.map(JSONValue.string) }
    mutating func set(_ parameter: ToolParameter, _ list: [String]) {
        fields[parameter.name] = list.isEmpty ? nil : .array(list.map(JSONValue.string))
    }
    mutating func set(_ parameter: ToolParameter, _ number: Int?) { fields[parameter.name] = number.map { .int(Int64($0)) } }
    /// A flag: given only when set, as tool mode omits a false it was not given.
    mutating func set(_ parameter: ToolParameter, flag: Bool?) { fields[parameter.name] = flag.map(JSONValue.bool) }
    mutating func set(_ parameter: ToolParameter, json: JSONValue?) { fields[parameter.name] = json }

    func parsed() throws -> ToolCall {
        var object = fields
        object["action"] = .string(action.rawValue)
        return try ToolCall.parse(.object(object))
    }
}

/// Runs one tool action from a CLI command and prints its result; returns
/// the result for a command that adds a note of its own.
@discardableResult
func runAction(_ call: CLICall, options: GlobalOptions) async throws -> JSONValue? {
    let parsed = try call.parsed()
    let context = try options.makeContext()
    let json = try await ToolDispatcher.run(parsed, person: call.person, context: context)
    Output.printResult(json: json, asJSON: options.json)
    return try? JSONValue.parse(Data(json.utf8))
}
