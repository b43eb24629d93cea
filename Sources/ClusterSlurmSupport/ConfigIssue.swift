/// One problem found in a config file, located by its dotted JSON path.
public struct ConfigIssue: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }
    public let severity: Severity
    public let path: String
    public let message: String

    public var description: String { "\(path.isEmpty ? "(config)" : path): \(message)" }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(severity: Severity, path: String, message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }
}
