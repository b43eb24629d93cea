import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// How one action is offered as a tool: its spec (what a model reads, the
/// parameters it takes) and how a checked call becomes its typed request.
/// An action joins the tool by one binding file and one entry in
/// `ActionRegistry.bindings`.
package protocol ToolBinding: SendableMetatype {
    associatedtype Output: Encodable
    static var spec: ActionSpec { get }
    static func perform(_ call: ToolCall, person: PersonOverrides, context: ActionContext) async throws -> Output
}

/// What only a person at the command line can ask for: overrides of rules
/// that protect agent-driven use. Tool mode and MCP never make one; only the
/// CLI's flags (`--allow-repeated-failures`, `--custom-script`, `--refresh`) do.
public struct PersonOverrides: Sendable, Equatable {
    /// Submit though this exact workload failed several times in a row.
    public var allowRepeatedFailures: Bool
    /// Submit a script this ledger did not render.
    public var allowCustomScript: Bool
    /// Ask the cluster about a job the ledger has seen end.
    public var refresh: Bool

    public init(allowRepeatedFailures: Bool = false, allowCustomScript: Bool = false, refresh: Bool = false) {
        self.allowRepeatedFailures = allowRepeatedFailures
        self.allowCustomScript = allowCustomScript
        self.refresh = refresh
    }

    /// An agent's call: no override.
    public static let agent = PersonOverrides()

    /// The CLI flag of each override, for error hints.
    public static let flags = ["allowRepeatedFailures": "--allow-repeated-failures", "allowCustomScript": "--custom-script", "refresh": "--refresh"]
}

extension ToolCall {
    /// A parameter the binding's spec requires (parsing has already refused a call without it).
    package func required(_ parameter: ToolParameter) throws -> String {
        guard let value = text(parameter) else { throw ClusterSlurmError.invalidInput("is required for \(action.rawValue)", path: parameter.name) }
        return value
    }
}
