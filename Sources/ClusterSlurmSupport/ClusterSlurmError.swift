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

    /// What a refusal by policy says: which rule, its limit, what was asked for.
    public struct PolicyRefusal: Sendable, Codable, Equatable {
        public var rule: String
        public var limit: String
        public var requested: String
        /// The runs behind a breaker's refusal.
        public var runs: [String]?
        /// The held job a scheduler-side refusal cancelled.
        public var jobId: String?
    }

    /// How a remote call failed.
    public struct RemoteProblem: Sendable, Codable, Equatable {
        public var condition: RemoteCondition
        public var target: String?
        public var label: String?
        public var durationSeconds: Double?
    }

    /// What sbatch answered when it refused a job.
    public struct SubmitRefusal: Sendable, Codable, Equatable {
        public var cluster: String
        public var exitStatus: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Why a ledger file cannot be used.
    public enum LedgerProblem: String, Sendable, Codable, Equatable {
        /// The file is something else (another program's database, not SQLite, empty…).
        case notALedger
        /// A newer cluster-slurm wrote it: this binary does not know its schema.
        case newerSchema
        case other
    }

    /// The structured part of an error, one shape per kind that has one.
    public enum Payload: Sendable, Equatable {
        case none
        case policy(PolicyRefusal)
        case remote(RemoteProblem)
        case submit(SubmitRefusal)
        case config([ConfigIssue])
        case ledger(LedgerProblem)
    }

    public let kind: Kind
    public let message: String
    /// Where the problem is: a JSON path, flag or file, when known.
    public let path: String?
    public let payload: Payload
    /// The run the error is about, when there is one.
    public var runId: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil, payload: Payload = .none, runId: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.payload = payload
        self.runId = runId
    }

    public var policy: PolicyRefusal? { if case .policy(let refusal) = payload { refusal } else { nil } }
    public var remoteProblem: RemoteProblem? { if case .remote(let problem) = payload { problem } else { nil } }
    public var submitRefusal: SubmitRefusal? { if case .submit(let refusal) = payload { refusal } else { nil } }
    public var ledgerProblem: LedgerProblem? { if case .ledger(let problem) = payload { problem } else { nil } }

    public static func invalidInput(_ message: String, path: String? = nil) -> Self { .init(.invalidInput, message, path: path) }
    public static func io(_ message: String) -> Self { .init(.io, message) }
    public static func ledger(_ message: String, problem: LedgerProblem = .other) -> Self { .init(.ledger, message, payload: .ledger(problem)) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func remote(_ message: String) -> Self { .init(.remote, message, payload: .remote(RemoteProblem(condition: .command))) }

    /// A refusal by policy, with the rule, the limit and what was asked for.
    public static func policy(rule: String, limit: String, requested: String, message: String, path: String? = nil, runs: [String]? = nil) -> Self {
        .init(.policyViolation, "policy \(rule): \(message)", path: path,
              payload: .policy(PolicyRefusal(rule: rule, limit: limit, requested: requested, runs: runs)))
    }

    /// A refusal of a held job, with what became of the job: the refusal's
    /// own message, then whether the job was cancelled before it could start.
    public func cancellingHeldJob(_ jobId: String, confirmed: Bool) -> Self {
        var refusal = policy
        refusal?.jobId = jobId
        let outcome = confirmed ? " (held job \(jobId) was cancelled before it could start)"
            : " (held job \(jobId) could not be confirmed cancelled: check `squeue -j \(jobId)`)"
        return .init(kind, message + outcome, path: path, payload: refusal.map(Payload.policy) ?? payload, runId: runId)
    }

    /// ssh could not run a call to the end: unreachable, refused, timed out.
    public static func remote(_ condition: RemoteCondition, target: String, label: String, detail: String, durationSeconds: Double) -> Self {
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
        return .init(.remote, message, payload: .remote(RemoteProblem(condition: condition, target: target, label: label, durationSeconds: durationSeconds)))
    }

    /// sbatch ran and refused the job (its output decides a GPU fallback);
    /// `then` says what happens next when that is not the usual.
    public static func submitFailed(cluster: String, exitStatus: Int32, stdout: String, stderr: String, then: String? = nil) -> Self {
        .init(.submitFailed, "sbatch on \(cluster) failed (exit \(exitStatus)): \(stderr.isEmpty ? stdout : stderr)" + (then.map { "; " + $0 } ?? ""),
              payload: .submit(SubmitRefusal(cluster: cluster, exitStatus: exitStatus, stdout: stdout, stderr: stderr)))
    }

    /// A config with errors: every problem, each with its JSON path.
    public static func config(source: String, issues: [ConfigIssue]) -> Self {
        let errors = issues.filter { $0.severity == .error }
        let header = "\(source): \(errors.count) problem\(errors.count == 1 ? "" : "s") in the cluster-slurm config; fix \(errors.count == 1 ? "it" : "them") and run `cluster-slurm config check` again:"
        return .init(.invalidConfig, ([header] + errors.map { "  - \($0)" }).joined(separator: "\n"), path: errors.first?.path, payload: .config(issues))
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
    public var configIssues: [ConfigIssue] {
        if case .config(let issues) = payload { return issues.filter { $0.severity == .error } }
        return []
    }

    public var description: String {
        if let path, !message.hasPrefix(path), kind != .invalidConfig { return "\(path): \(message)" }
        return message
    }

    /// The machine-readable code: the kind, refined for remote conditions
    /// (`remote_timeout`, `remote_unreachable`…).
    public var code: String {
        if let condition = remoteProblem?.condition, condition != .command { return "remote_\(condition.rawValue)" }
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
        switch payload {
        case .policy(let refusal):
            object["rule"] = .string(refusal.rule)
            object["limit"] = .string(refusal.limit)
            object["requested"] = .string(refusal.requested)
            if let runs = refusal.runs { object["runs"] = .array(runs.map(JSONValue.string)) }
            if let jobId = refusal.jobId { object["jobId"] = .string(jobId) }
        case .submit(let refusal): object["exitStatus"] = .int(Int64(refusal.exitStatus))
        case .config:
            object["issues"] = .array(configIssues.map { .object(["path": .string($0.path), "message": .string($0.message)]) })
        case .none, .remote, .ledger: break
        }
        return .object(object)
    }
}
