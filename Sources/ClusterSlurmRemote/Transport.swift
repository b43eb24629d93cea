import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// How to reach one cluster's login node.
public struct SSHEndpoint: Sendable, Equatable {
    /// A host alias resolved by the user's ssh config, or user@host.
    public var target: String
    /// An ssh config file passed with `-F`; nil means the user's own.
    public var configFile: String?
    /// The longest any one remote call may take.
    public var timeoutSeconds: Int

    public init(target: String, configFile: String? = nil, timeoutSeconds: Int = ClusterProfile.defaultSshTimeoutSeconds) {
        self.target = target
        self.configFile = configFile
        self.timeoutSeconds = timeoutSeconds
    }

    public init(profile: ClusterProfile) {
        self.init(target: profile.sshTarget, configFile: profile.sshConfigFile, timeoutSeconds: profile.sshTimeoutSeconds)
    }
}

/// What a remote call reads on its standard input.
public enum RemoteInput: Sendable {
    /// A local file, streamed.
    case file(String)
    /// Bytes held in memory (small: a script, a list of names, secrets that
    /// must never touch the local disk).
    case bytes(Data)
    /// Bytes produced while the call runs (a tar stream of many files): the
    /// closure writes to the sink until it returns; nothing is staged on disk.
    case producer(@Sendable (ByteSink) throws -> Void)
    /// Nothing is sent, but the input stays open until the call ends: a
    /// program that waits (`wait_for_end`) reads it to learn at once, by
    /// EOF, that its caller is gone (stopped, interrupted, killed).
    case heldOpen
}

/// Where a remote call's standard output goes.
public enum RemoteOutput: Sendable {
    /// Collected in memory (bounded) and returned in `RemoteResult.stdout`.
    case memory
    /// Written to a local file.
    case file(String)
    /// Read as it arrives by the closure (downloads split the stream into
    /// files as it comes, so no second copy is ever written).
    case consumer(@Sendable (ByteSource) throws -> Void)
}

/// One remote round trip: a shell script run by `bash` on the login node.
public struct RemoteCall: Sendable {
    /// A fixed bash program written by this project (see `RemoteScripts`).
    /// Caller data never goes into it: it reaches the program as positional
    /// parameters (`"$1"`, `"$@"`), each quoted by `Shell`, or on standard
    /// input (lists of names, which may be longer than any argument list).
    public var script: String
    public var arguments: [ShellWord]
    public var stdin: RemoteInput?
    public var stdout: RemoteOutput
    /// What the call does, for error messages ("submit", "upload").
    public var label: String
    /// Overrides the endpoint's timeout.
    public var timeoutSeconds: Int?
    /// Set for a program that asks the caller half-way (see `RemoteReply`);
    /// its stdin must be `.bytes` and its stdout `.memory`.
    public var reply: RemoteReply?

    public init(label: String, script: String, arguments: [ShellWord] = [], stdin: RemoteInput? = nil,
                stdout: RemoteOutput = .memory, timeoutSeconds: Int? = nil) {
        self.label = label
        self.script = script
        self.arguments = arguments
        self.stdin = stdin
        self.stdout = stdout
        self.timeoutSeconds = timeoutSeconds
    }

    /// The command line handed to ssh. sshd runs it through the user's login
    /// shell, which reads `~/.bashrc` and whatever it exports (SBATCH_*,
    /// BASH_ENV, PATH, exported shell functions that stand in for scontrol):
    /// a job running as the user can edit all of those. So the program
    /// itself runs in a fresh bash that reads no start-up file, with an
    /// environment built here from nothing (`CleanEnvironment`) and every
    /// command found through a fixed PATH. What the login shell still does
    /// before `exec` cannot be undone from here; the program reports the
    /// start-up files' fingerprint so a change is seen (see `RemoteScripts`).
    public var commandLine: String { commandLine(path: CleanEnvironment.path) }

    /// The command line with `path` as the program's PATH.
    public func commandLine(path: String) -> String {
        Shell.line(CleanEnvironment.prefix(path: path) + [.literal(script), .literal("cluster-slurm")] + arguments)
    }
}

/// What came back. A non-zero exit is a result for the caller to interpret.
public struct RemoteResult: Sendable {
    public var exitStatus: Int32
    public var stdout: Data
    public var stderr: String
    public var durationSeconds: Double

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var succeeded: Bool { exitStatus == 0 }

    public init(exitStatus: Int32, stdout: Data, stderr: String, durationSeconds: Double = 0) {
        self.exitStatus = exitStatus
        self.stdout = stdout
        self.stderr = stderr
        self.durationSeconds = durationSeconds
    }
}

/// The one way to reach a cluster. The real implementation is OpenSSH;
/// unit tests substitute a fake.
public protocol Transport: Sendable {
    /// Runs `call` on the endpoint. Throws `ClusterSlurmError` (kind `.remote`) when the cluster could
    /// not be reached, authentication failed or the call timed out.
    func run(_ call: RemoteCall, on endpoint: SSHEndpoint) async throws -> RemoteResult
}
