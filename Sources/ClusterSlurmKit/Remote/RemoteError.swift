/// Why a remote call did not produce a result.
public struct RemoteError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case unreachable, authentication, timeout, command, launch
    }
    public let code: Code
    public let target: String
    public let label: String
    public let detail: String
    public let durationSeconds: Double

    public init(code: Code, target: String, label: String, detail: String, durationSeconds: Double) {
        self.code = code
        self.target = target
        self.label = label
        self.detail = detail
        self.durationSeconds = durationSeconds
    }

    public var description: String {
        let took = String(format: "%.1fs", durationSeconds)
        switch code {
        case .unreachable:
            return "cannot reach \(target) (\(label), after \(took)): \(detail). Check the host alias in your ssh config and your network/VPN."
        case .authentication:
            return "ssh authentication to \(target) failed (\(label)): \(detail). If the cluster needs a password or Duo, run `cluster-slurm connect <cluster>` once in a terminal; later calls reuse that connection."
        case .timeout:
            return "\(label) on \(target) timed out after \(took) and was stopped: \(detail). Raise sshTimeoutSeconds in the cluster profile if the cluster is just slow."
        case .command:
            return "\(label) on \(target) failed: \(detail)"
        case .launch:
            return "cannot run ssh for \(label): \(detail). Is OpenSSH installed (`ssh -V`)?"
        }
    }

    /// Classifies ssh's own failures (exit status 255) from its stderr.
    static func classify(stderr: String) -> Code {
        let lower = stderr.lowercased()
        let auth = ["permission denied", "too many authentication failures", "host key verification failed",
                    "no more authentication methods", "authentication failed", "remote host identification has changed"]
        if auth.contains(where: lower.contains) { return .authentication }
        return .unreachable
    }
}
