/// Errors every layer can raise. Each carries a message that says what was
/// wrong, where, and what to do; interfaces map `kind` to exit codes.
public struct ClusterSlurmError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The caller's input was wrong (parameters, config, paths). Exit 2.
        case invalidInput = "invalid_input"
        /// The config file is malformed. Exit 2.
        case invalidConfig = "invalid_config"
        /// A policy refused the request. Exit 3.
        case policyViolation = "policy_violation"
        /// The cluster could not be reached or a remote command failed. Exit 1.
        case remote
        /// Local I/O failed. Exit 1.
        case io
        /// The ledger could not be used. Exit 1.
        case ledger
        /// Something the caller asked for does not exist. Exit 1.
        case notFound = "not_found"
        /// A signal (TERM, INT, HUP) stopped the command; children were
        /// stopped and temporaries removed. Exit 130.
        case interrupted
    }

    public let kind: Kind
    public let message: String
    /// Where the problem is: a JSON path, flag or file, when known.
    public let path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public static func invalidInput(_ message: String, path: String? = nil) -> Self { .init(.invalidInput, message, path: path) }
    public static func io(_ message: String) -> Self { .init(.io, message) }
    public static func ledger(_ message: String) -> Self { .init(.ledger, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func remote(_ message: String) -> Self { .init(.remote, message) }

    public var description: String {
        if let path, !message.hasPrefix(path) { return "\(path): \(message)" }
        return message
    }

    public var exitCode: Int32 {
        switch kind {
        case .invalidInput, .invalidConfig: return 2
        case .policyViolation: return 3
        case .interrupted: return 130
        default: return 1
        }
    }
}
