/// One problem found in a config file, located by its dotted JSON path.
public struct ConfigIssue: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }
    public let severity: Severity
    public let path: String
    public let message: String

    public var description: String { "\(path.isEmpty ? "(config)" : path): \(message)" }
}

/// Raised when validation finds errors; carries every one of them.
public struct ConfigValidationError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let issues: [ConfigIssue]

    public var errors: [ConfigIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        let errors = self.errors
        let header = "\(source): \(errors.count) problem\(errors.count == 1 ? "" : "s") in the cluster-slurm config; fix \(errors.count == 1 ? "it" : "them") and run `cluster-slurm config check` again:"
        return ([header] + errors.map { "  - \($0)" }).joined(separator: "\n")
    }
}
