import Foundation
import Subprocess
import ClusterSlurmSupport
import ClusterSlurmDomain

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs remote calls with the system's OpenSSH client, so the user's ssh
/// config (aliases, keys, agent, ProxyJump) applies. Every call multiplexes
/// over one master connection per host (ControlMaster) kept in a private 0700
/// directory, never waits on a prompt (BatchMode), and has a timeout.
public struct OpenSSHTransport: Transport {
    public var controlDirectory: String
    public var controlPersistSeconds: Int
    public var sshExecutable: String
    /// Where a bare `sshExecutable` is looked up.
    public var searchPath: String?
    /// The PATH remote programs run with (see `CleanEnvironment`).
    public var remotePath: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        controlDirectory = environment["CLUSTER_SLURM_CONTROL_DIR"] ?? "/tmp/cluster-slurm-\(getuid())"
        controlPersistSeconds = Int(environment["CLUSTER_SLURM_CONTROL_PERSIST"] ?? "") ?? 600
        sshExecutable = environment["CLUSTER_SLURM_SSH"] ?? "ssh"
        searchPath = environment["PATH"]
        remotePath = environment["CLUSTER_SLURM_REMOTE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? CleanEnvironment.path
    }

    /// The ssh options shared by every call and by `connect`.
    public func sshOptions(for endpoint: SSHEndpoint, batchMode: Bool = true) throws -> [String] {
        try ensurePrivateControlDirectory()
        var args: [String] = []
        if let config = endpoint.configFile { args += ["-F", config] }
        args += [
            "-o", "BatchMode=\(batchMode ? "yes" : "no")",
            "-o", "ControlMaster=auto",
            "-o", "ControlPath=\(controlDirectory)/%C",
            "-o", "ControlPersist=\(controlPersistSeconds)",
            "-o", "ConnectTimeout=\(min(endpoint.timeoutSeconds, 30))",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
        ]
        return args
    }

    public func run(_ call: RemoteCall, on endpoint: SSHEndpoint) async throws -> RemoteResult {
        if call.reply != nil {
            let (plain, output) = call.conversation(timeoutSeconds: call.timeoutSeconds ?? endpoint.timeoutSeconds)
            var result = try await run(plain, on: endpoint)
            result.stdout = output.data
            return result
        }
        let arguments = try sshOptions(for: endpoint) + ["-T", "--", endpoint.target, call.commandLine(path: remotePath)]
        let timeout = call.timeoutSeconds ?? endpoint.timeoutSeconds
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        // ssh runs in its own session so a timeout can stop it together with
        // anything it started (a ProxyCommand, say); a ControlPersist master
        // daemonizes into a session of its own and is not affected.
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(2)),
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
        ]
        let configuration = Configuration(executable: executable(sshExecutable), arguments: Arguments(arguments),
                                          environment: .inherit, platformOptions: options)
        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    try await Self.execute(configuration, stdin: call.stdin, stdout: call.stdout)
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return .timedOut
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        } catch {
            // A signal cancels the command's task: ssh is torn down with its
            // process group and whatever it was streaming stops.
            if Task.isCancelled || error is CancellationError {
                throw ClusterSlurmError(.interrupted, "\(call.label) on \(endpoint.target) was interrupted; ssh was stopped")
            }
            if let error = error as? ClusterSlurmError { throw error }
            throw ClusterSlurmError.remote(.launch, target: endpoint.target, label: call.label, detail: "\(error)", durationSeconds: elapsed())
        }

        switch outcome {
        case .timedOut:
            throw ClusterSlurmError.remote(.timeout, target: endpoint.target, label: call.label,
                              detail: "no answer within \(timeout)s", durationSeconds: elapsed())
        case .finished(let status, let stdout, let stderr):
            if status == 255 {
                let code = SSHFailure.classify(stderr: stderr)
                throw ClusterSlurmError.remote(code, target: endpoint.target, label: call.label,
                                  detail: Self.tail(stderr), durationSeconds: elapsed())
            }
            return RemoteResult(exitStatus: status, stdout: stdout, stderr: stderr, durationSeconds: elapsed())
        }
    }

    /// Opens an interactive master connection (password, Duo) that later
    /// BatchMode calls reuse through the ControlPath.
    public func connectInteractively(_ endpoint: SSHEndpoint) async throws -> Int32 {
        let arguments = try sshOptions(for: endpoint, batchMode: false) + ["-o", "ControlMaster=yes", "-f", "-N", "--", endpoint.target]
        let result = try await Subprocess.run(
            executable(sshExecutable), arguments: Arguments(arguments),
            input: .fileDescriptor(.standardInput, closeAfterSpawningProcess: false),
            output: .fileDescriptor(.standardOutput, closeAfterSpawningProcess: false),
            error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false))
        if case .exited(let code) = result.terminationStatus { return code }
        return 255
    }

    /// Closes the master connection to `endpoint`, if any.
    public func disconnect(_ endpoint: SSHEndpoint) async throws {
        let arguments = try sshOptions(for: endpoint) + ["-O", "exit", "--", endpoint.target]
        _ = try await Subprocess.run(executable(sshExecutable), arguments: Arguments(arguments), output: .discarded, error: .discarded)
    }

    /// A bare name is looked up in PATH; anything with a slash is run as given.
    package func executable(_ text: String) -> Executable {
        ExecutableLookup.resolve(text, searchPath: searchPath)
    }

    private enum Outcome: Sendable {
        case finished(Int32, Data, String)
        case timedOut
    }

    /// Runs ssh with the call's stdin and stdout wired as asked. Pipes
    /// that carry streamed data are fed or drained on threads of their own,
    /// started only once ssh runs; if the producer or consumer fails, ssh is
    /// torn down (the body throws) and that failure is what the caller sees.
    private static func execute(_ configuration: Configuration, stdin: RemoteInput?, stdout: RemoteOutput) async throws -> Outcome {
        let limit = 256 << 20
        var inputFD: FileDescriptor?
        var producer: (@Sendable (ByteSink) throws -> Void)?
        var producerEnd: Int32 = -1
        switch stdin {
        case nil:
            break
        case .file(let path):
            do { inputFD = try FileDescriptor.open(FilePath(path), .readOnly) } catch {
                throw ClusterSlurmError.io("cannot open \(path) to send it: \(error)")
            }
        case .bytes(let data):
            let pipe = try PrivatePipe()
            inputFD = FileDescriptor(rawValue: pipe.readEnd)
            producerEnd = pipe.writeEnd
            producer = { sink in try sink.write(data) }
        case .heldOpen:
            // our end is written to by nobody and closed with the others when the call ends
            let pipe = try PrivatePipe()
            inputFD = FileDescriptor(rawValue: pipe.readEnd)
            producerEnd = pipe.writeEnd
        case .producer(let produce):
            let pipe = try PrivatePipe()
            inputFD = FileDescriptor(rawValue: pipe.readEnd)
            producerEnd = pipe.writeEnd
            producer = produce
        }
        var outputFD: FileDescriptor?
        var consumer: (@Sendable (ByteSource) throws -> Void)?
        var consumerEnd: Int32 = -1
        switch stdout {
        case .memory:
            break
        case .file(let path):
            do {
                outputFD = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
            } catch {
                inputFD.map { try? $0.close() }
                throw ClusterSlurmError.io("cannot create \(path): \(error)")
            }
        case .consumer(let consume):
            let pipe = try PrivatePipe()
            outputFD = FileDescriptor(rawValue: pipe.writeEnd)
            consumerEnd = pipe.readEnd
            consumer = consume
        }
        // Our own ends of the pipes: closed exactly once, whatever happens.
        let ends = PipeEnds(producer: producerEnd, consumer: consumerEnd)
        defer { ends.closeAll() }
        let streams: @Sendable () async throws -> Void = { [producer, consumer, producerEnd, consumerEnd] in
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let producer {
                    group.addTask {
                        try await onOwnThread("cluster-slurm stdin") {
                            defer { ends.closeProducer() }
                            do { try producer(ByteSink(fd: producerEnd)) } catch is ByteStreamError {
                                // The remote side stopped reading; its exit status says why.
                            }
                        }
                    }
                }
                if let consumer {
                    group.addTask {
                        try await onOwnThread("cluster-slurm stdout") {
                            let source = ByteSource(fd: consumerEnd)
                            do { try consumer(source) } catch {
                                throw error
                            }
                            source.drain()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let errorOutput = StringOutput<UTF8>.string(limit: 1 << 20)
        switch (inputFD, outputFD) {
        case (let input?, let output?):
            let r = try await Subprocess.run(configuration, input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                                             output: .fileDescriptor(output, closeAfterSpawningProcess: true), error: errorOutput) { _ in try await streams() }
            return .finished(code(r.terminationStatus), Data(), r.standardError)
        case (let input?, nil):
            let r = try await Subprocess.run(configuration, input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                                             output: .bytes(limit: limit), error: errorOutput) { _ in try await streams() }
            return .finished(code(r.terminationStatus), Data(r.standardOutput), r.standardError)
        case (nil, let output?):
            let r = try await Subprocess.run(configuration, input: .none,
                                             output: .fileDescriptor(output, closeAfterSpawningProcess: true), error: errorOutput) { _ in try await streams() }
            return .finished(code(r.terminationStatus), Data(), r.standardError)
        case (nil, nil):
            let r = try await Subprocess.run(configuration, input: .none, output: .bytes(limit: limit), error: errorOutput) { _ in try await streams() }
            return .finished(code(r.terminationStatus), Data(r.standardOutput), r.standardError)
        }
    }

    private static func code(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }

    package static func tail(_ text: String, lines: Int = 8) -> String {
        let kept = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines)
        return kept.isEmpty ? "(no error output)" : kept.joined(separator: "\n")
    }

    private func ensurePrivateControlDirectory() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: controlDirectory, isDirectory: &isDirectory) {
            do {
                try fm.createDirectory(atPath: controlDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ClusterSlurmError.io("cannot create the ssh control directory \(controlDirectory): \(error.localizedDescription)")
            }
        }
        var info = stat()
        guard lstat(controlDirectory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
            throw ClusterSlurmError.io("the ssh control directory \(controlDirectory) is not a directory owned by you; remove it or set CLUSTER_SLURM_CONTROL_DIR")
        }
        if info.st_mode & 0o077 != 0 { chmod(controlDirectory, 0o700) }
    }
}

/// This process's ends of a call's pipes; each closed once.
private final class PipeEnds: @unchecked Sendable {
    private let lock = NSLock()
    private var producer: Int32
    private var consumer: Int32

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(producer: Int32, consumer: Int32) {
        self.producer = producer
        self.consumer = consumer
    }

    /// Closing the stdin pipe is how the remote side learns the input ended.
    package func closeProducer() {
        lock.lock(); defer { lock.unlock() }
        if producer >= 0 { close(producer); producer = -1 }
    }

    package func closeAll() {
        lock.lock(); defer { lock.unlock() }
        if producer >= 0 { close(producer); producer = -1 }
        if consumer >= 0 { close(consumer); consumer = -1 }
    }
}
