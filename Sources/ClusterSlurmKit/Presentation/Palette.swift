import Rainbow
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Colour for the human output, decided once per command: only on a
/// terminal, never with `NO_COLOR` set, `TERM=dumb` or `--json`. The escape
/// codes themselves come from Rainbow (a maintained, dependency-free
/// library that also honours `NO_COLOR` on its own).
public struct Palette: Sendable {
    public enum Role: Sendable { case header, good, bad, warning, muted, emphasis }
    public let enabled: Bool

    public static let plain = Palette(enabled: false)

    public init(enabled: Bool) { self.enabled = enabled }

    /// The decision, as a pure function of what the process sees.
    public static func decide(isTerminal: Bool, environment: [String: String], json: Bool) -> Palette {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == nil || environment["TERM"] == "dumb"
        return Palette(enabled: isTerminal && !noColor && !dumb && !json)
    }

    public func paint(_ text: String, _ role: Role) -> String {
        guard enabled, !text.isEmpty else { return text }
        switch role {
        case .header: return text.bold
        case .good: return text.green
        case .bad: return text.red
        case .warning: return text.yellow
        case .muted: return text.dim
        case .emphasis: return text.bold
        }
    }

    /// The role a SLURM state is shown in.
    public static func role(forState state: String?) -> Role? {
        switch (state ?? "").uppercased() {
        case "COMPLETED": return .good
        case "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "SUBMIT_FAILED", "NOT_FOUND", "DIFFERS": return .bad
        case "CANCELLED", "PREEMPTED", "UNKNOWN", "REVOKED": return .warning
        case "PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUBMITTED", "RENDERED", "INITIALIZED": return .emphasis
        case "REPRODUCED": return .good
        default: return nil
        }
    }
}
