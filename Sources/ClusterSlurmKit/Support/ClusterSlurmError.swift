import Foundation

/// The one error every layer raises. It says what was wrong, where (a JSON
/// path, flag or file) and what to do; `kind` decides the exit code, and
/// `toolPayload` is its JSON for tool mode, MCP and the OpenClaw shim, so
/// every interface reports an error the same way.
///
/// Exit codes: 2 bad input or config, 3 policy refusal, 130 interrupted by
/// a signal, 1 anything else (cluster unreachable, failed submit, ledger, I/O).
public struct ClusterSlurmError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The caller's input was wrong (parameters, paths, flags). Exit 2.
        case invalidInput = "invalid_input"
        /// The config file is malformed; `details.issues` lists every problem. Exit 2.
        case invalidConfig = "invalid_config"
        /// A policy refused the request; `details` has rule, limit, requested. Exit 3.
        case policyViolation = "policy_violation"
        /// The cluster could not be reached, or a remote program failed;
        /// `details.remoteCondition` says how. Exit 1.
        case remote
        /// sbatch refused the job; `details` has its exit status and output. Exit 1.
        case submitFailed = "submit_failed"
        /// Local I/O failed (full disk, permissions). Exit 1.
        case io
        /// The ledger could not be used. Exit 1.
        case ledger
        /// Something the caller asked for does not exist. Exit 1.
        case notFound = "not_found"
        /// A signal (TERM, INT, HUP) stopped the command; children were
        /// stopped and temporaries removed. Exit 130.
        case interrupted
        /// A defect of cluster-slurm itself. Exit 1.
        case `internal`
    }

    /// How a remote call failed to produce a result.
    public enum RemoteCondition: String, Sendable, Codable {
        case unreachable, authentication, timeout, command, launch
    }

    /// The structured payload of an error, by kind; empty fields are omitted.
    public struct Details: Sendable, Codable, Equatable {
        // policy
        public var rule: String?
        public var limit: String?
        public var requested: String?
        public var runs: [String]?
        /// The held job a scheduler-side refusal cancelled.
        public var jobId: String?
        // remote
        public var remoteCondition: RemoteCondition?
        public var target: String?
        public var label: String?
        public var durationSeconds: Double?
        // submit
        public var cluster: String?
        public var exitStatus: Int32?
        public var stdout: String?
        public var stderr: String?
        // config
        public var issues: [ConfigIssue]?
        public init() {}
    }

    public let kind: Kind
    public var message: String
    /// Where the problem is: a JSON path, flag or file, when known.
    public let path: String?
    public var details: Details
    /// The run the error is about, when there is one.
    public var runId: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil, details: Details = Details(), runId: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.details = details
        self.runId = runId
    }

    public static func invalidInput(_ message: String, path: String? = nil) -> Self { .init(.invalidInput, message, path: path) }
    public static func io(_ message: String) -> Self { .init(.io, message) }
    public static func ledger(_ message: String) -> Self { .init(.ledger, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func remote(_ message: String) -> Self { .init(.remote, message, details: { var d = Details(); d.remoteCondition = .command; return d }()) }

    /// A refusal by policy, with the rule, the limit and what was asked for.
    public static func policy(rule: String, limit: String, requested: String, message: String, path: String? = nil, runs: [String]? = nil) -> Self {
        var details = Details()
        details.rule = rule
        details.limit = limit
        details.requested = requested
        details.runs = runs
        return .init(.policyViolation, "policy \(rule): \(message)", path: path, details: details)
    }

    /// ssh could not run a call to the end: unreachable, refused, timed out.
    public static func remote(_ condition: RemoteCondition, target: String, label: String, detail: String, durationSeconds: Double) -> Self {
        var details = Details()
        details.remoteCondition = condition
        details.target = target
        details.label = label
        details.durationSeconds = durationSeconds
        let took = String(format: "%.1fs", durationSeconds)
        let message: String
        switch condition {
        case .unreachable:
            message = "cannot reach \(target) (\(label), after \(took)): \(detail). Check the host alias in your ssh config and your network/VPN."
        case .authentication:
            message = "ssh authentication to \(target) failed (\(label)): \(detail). If the cluster needs a password or Duo, run `cluster-slurm connect <cluster>` once in a terminal; later calls reuse that connection."
        case .timeout:
            message = "\(label) on \(target) timed out after \(took) and was stopped: \(detail). Raise sshTimeoutSeconds in the cluster profile if the cluster is just slow."
        case .command:
            message = "\(label) on \(target) failed: \(detail)"
        case .launch:
            message = "cannot run ssh for \(label): \(detail). Is OpenSSH installed (`ssh -V`)?"
        }
        return .init(.remote, message, details: details)
    }

    /// sbatch ran and refused the job (its output decides a GPU fallback).
    public static func submitFailed(cluster: String, exitStatus: Int32, stdout: String, stderr: String) -> Self {
        var details = Details()
        details.cluster = cluster
        details.exitStatus = exitStatus
        details.stdout = stdout
        details.stderr = stderr
        return .init(.submitFailed, "sbatch on \(cluster) failed (exit \(exitStatus)): \(stderr.isEmpty ? stdout : stderr)", details: details)
    }

    /// A config with errors: every problem, each with its JSON path.
    public static func config(source: String, issues: [ConfigIssue]) -> Self {
        let errors = issues.filter { $0.severity == .error }
        let header = "\(source): \(errors.count) problem\(errors.count == 1 ? "" : "s") in the cluster-slurm config; fix \(errors.count == 1 ? "it" : "them") and run `cluster-slurm config check` again:"
        var details = Details()
        details.issues = issues
        return .init(.invalidConfig, ([header] + errors.map { "  - \($0)" }).joined(separator: "\n"), path: errors.first?.path, details: details)
    }

    /// Any error as this type: ours as they are, a cancelled task as
    /// interrupted, anything else as internal (a defect to report).
    public static func wrapping(_ error: any Error) -> Self {
        if let error = error as? ClusterSlurmError { return error }
        if error is CancellationError { return .init(.interrupted, "interrupted; children were stopped and temporaries removed") }
        return .init(.internal, "internal error (please report it): \(error)")
    }

    /// The same error, saying which run it is about.
    public func about(run runId: String?) -> Self {
        var copy = self
        if copy.runId == nil { copy.runId = runId }
        return copy
    }

    /// The problems of a config error.
    public var configIssues: [ConfigIssue] { (details.issues ?? []).filter { $0.severity == .error } }

    public var description: String {
        if let path, !message.hasPrefix(path), kind != .invalidConfig { return "\(path): \(message)" }
        return message
    }

    /// The machine-readable code: the kind, refined for remote conditions
    /// (`remote_timeout`, `remote_unreachable`…).
    public var code: String {
        if kind == .remote, let condition = details.remoteCondition, condition != .command { return "remote_\(condition.rawValue)" }
        return kind.rawValue
    }

    public var exitCode: Int32 {
        switch kind {
        case .invalidInput, .invalidConfig: return 2
        case .policyViolation: return 3
        case .interrupted: return 130
        default: return 1
        }
    }

    /// The reference's error object (`status`, `tool`, `error`) with our
    /// structured fields added: `code`, `path`, `runId`, and the kind's details.
    public var toolPayload: JSONValue {
        var object: [String: JSONValue] = ["status": .string("error"), "tool": .string("cluster_slurm"),
                                           "error": .string(description), "code": .string(code)]
        if let path { object["path"] = .string(path) }
        if let runId { object["runId"] = .string(runId) }
        if let rule = details.rule { object["rule"] = .string(rule) }
        if let limit = details.limit { object["limit"] = .string(limit) }
        if let requested = details.requested { object["requested"] = .string(requested) }
        if let runs = details.runs { object["runs"] = .array(runs.map(JSONValue.string)) }
        if let jobId = details.jobId { object["jobId"] = .string(jobId) }
        if let exitStatus = details.exitStatus { object["exitStatus"] = .int(Int64(exitStatus)) }
        if let issues = details.issues {
            object["issues"] = .array(issues.filter { $0.severity == .error }.map {
                .object(["path": .string($0.path), "message": .string($0.message)])
            })
        }
        return .object(object)
    }
}
