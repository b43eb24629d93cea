import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// A fake `Transport` for the fast tier: each remote call is answered by a
/// handler keyed by the call's label, with output recorded from the real
/// test cluster; every call is kept for assertions (label, arguments, stdin).
final class ScriptedTransport: Transport, @unchecked Sendable {
    struct Answer {
        var exitStatus: Int32 = 0
        var stdout = Data()
        var stderr = ""
        init(exitStatus: Int32 = 0, stdout: String = "", stderr: String = "") {
            self.exitStatus = exitStatus
            self.stdout = Data(stdout.utf8)
            self.stderr = stderr
        }
    }
    struct Call {
        var label: String
        var arguments: [String]
        var stdin: Data
        /// What the caller answered a program that asked (`RemoteReply`).
        var reply: String?
    }
    typealias Handler = @Sendable (Call) throws -> Answer

    private let lock = NSLock()
    private var handlers: [String: Handler] = [:]
    private var log: [Call] = []
    private let scratch = TestSupport.temporaryDirectory()

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    func on(_ label: String, _ handler: @escaping Handler) {
        lock.lock(); handlers[label] = handler; lock.unlock()
    }

    var calls: [Call] { lock.lock(); defer { lock.unlock() }; return log }
    func calls(_ label: String) -> [Call] { calls.filter { $0.label == label } }

    func run(_ call: RemoteCall, on endpoint: SSHEndpoint) async throws -> RemoteResult {
        var stdin = Data()
        switch call.stdin {
        case nil, .heldOpen: break
        case .file(let path): stdin = FileManager.default.contents(atPath: path) ?? Data()
        case .bytes(let data): stdin = data
        case .producer(let produce): stdin = try capture(produce)
        }
        var recorded = Call(label: call.label, arguments: call.arguments.map(\.rendered), stdin: stdin)
        var runDirectory = recorded.arguments.first.map(ScriptedBed.unquote) ?? ""
        var answer: Answer
        if call.label == SlurmClient.FirstContact.label, lock.withLock({ handlers[call.label] }) == nil {
            (answer, runDirectory) = try firstContact(recorded)
        } else {
            let handler = lock.withLock { handlers[call.label] }
            guard let handler else {
                lock.withLock { log.append(recorded) }
                throw ClusterSlurmError(.internal, "scripted cluster: no answer for the call \"\(call.label)\"")
            }
            answer = try handler(recorded)
        }
        // The submit program's held job sits in the run dir it was given.
        var text = String(decoding: answer.stdout, as: UTF8.self).replacingOccurrences(of: "@RUNDIR@", with: runDirectory)
        if let reply = call.reply, let before = CollectedOutput.textBeforeQuestion(Data(text.utf8), after: reply.after) {
            let said = reply.answer(before)
            recorded.reply = said
            // as the program does: anything but release cancels
            if said != "release" { text = text.replacingOccurrences(of: "@@RELEASED ", with: "@@CANCELLED ") }
        }
        answer.stdout = Data(text.utf8)
        lock.withLock { log.append(recorded) }
        switch call.stdout {
        case .memory:
            return RemoteResult(exitStatus: answer.exitStatus, stdout: answer.stdout, stderr: answer.stderr)
        case .file(let path):
            try answer.stdout.write(to: URL(fileURLWithPath: path))
        case .consumer(let consume):
            let path = scratch + "/out-\(UUID().uuidString)"
            try answer.stdout.write(to: URL(fileURLWithPath: path))
            let fd = open(path, O_RDONLY)
            defer { close(fd); unlink(path) }
            try consume(ByteSource(fd: fd))
        }
        return RemoteResult(exitStatus: answer.exitStatus, stdout: Data(), stderr: answer.stderr)
    }

    /// A first contact answered as its parts answer: the claim prints the run
    /// dir, the upload reports the stream as `receiveUpload` does (unless
    /// "upload" has a handler), the submit is the "submit" handler's answer.
    /// A part's failure ends it there, as the program does.
    private func firstContact(_ call: Call) throws -> (Answer, String) {
        let words = call.arguments.map(ScriptedBed.unquote)
        let stages = FirstContactStages(token: words[0])
        let runDirectory = words[2]
        if let claim = lock.withLock({ handlers["create run dir"] }) {
            let claimed = try claim(Call(label: "create run dir", arguments: [call.arguments[2]], stdin: Data()))
            guard claimed.exitStatus == 0 else { return (claimed, runDirectory) }
        }
        var rest = call.stdin
        var uploadReport = ""
        if words[1] == "1" {
            let bytes = [UInt8](rest)
            guard let newline = bytes.firstIndex(of: 10), let length = Int(String(decoding: bytes[..<newline], as: UTF8.self)) else {
                return (Answer(exitStatus: 4, stderr: "cluster-slurm: the upload stream does not start with its length"), runDirectory)
            }
            let end = newline + 1 + length + 65
            let stream = Data(bytes[..<end])
            rest = Data(bytes[end...])
            if let upload = lock.withLock({ handlers["upload"] }) {
                let answer = try upload(Call(label: "upload", arguments: [call.arguments[2], "''"], stdin: stream))
                guard answer.exitStatus == 0 else {
                    var failed = answer
                    failed.stdout = Data((runDirectory + "\n" + stages.uploadMark).utf8) + answer.stdout
                    return (failed, runDirectory)
                }
                uploadReport = String(decoding: answer.stdout, as: UTF8.self)
            } else {
                uploadReport = ActionTests.receiveAnswer(stream, signature: "1 4 m c")
            }
        }
        guard let submit = lock.withLock({ handlers["submit"] }) else {
            throw ClusterSlurmError(.internal, "scripted cluster: no answer for the call \"submit\" (in a first contact)")
        }
        var answer = try submit(Call(label: "submit", arguments: Array(call.arguments.dropFirst(2)), stdin: rest))
        answer.stdout = Data((runDirectory + "\n" + stages.uploadMark + uploadReport + stages.submitMark).utf8) + answer.stdout
        return (answer, runDirectory)
    }

    private func capture(_ produce: @Sendable (ByteSink) throws -> Void) throws -> Data {
        let path = scratch + "/in-\(UUID().uuidString)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd); unlink(path) }
        try produce(ByteSink(fd: fd))
        return FileManager.default.contents(atPath: path) ?? Data()
    }
}

/// A workspace, a ledger, a fixed clock and a scripted cluster: everything
/// an action needs, without a cluster.
final class ScriptedBed: @unchecked Sendable {
    let root = TestSupport.temporaryDirectory()
    let transport = ScriptedTransport()
    let clock = FixedClock(Date(timeIntervalSince1970: 1_795_900_000))
    let context: ActionContext

    static let config = """
    {
      "defaultCluster": "cpu",
      "routing": {"defaultProfile": "cpu", "gpuProfile": "gpu"},
      "polling": {"minIntervalSeconds": 30},
      "clusters": {
        "cpu": {"sshTarget": "login", "remoteRoot": "/scratch/u/runs",
                "slurmDefaults": {"partition": "cpu", "account": "acct", "time": "00:10:00", "mem": "1G",
                                  "output": "slurm-%j.out", "error": "slurm-%j.err"}},
        "gpu": {"sshTarget": "login", "remoteRoot": "/scratch/u/runs", "slurmDefaults": {"partition": "ai", "gpus": 1, "time": "00:10:00"}}
      },
      "policy": {"maxWalltime": "01:00:00", "maxGpusPerJob": 1}
    }
    """

    init(config: String = ScriptedBed.config) throws {
        try FileManager.default.createDirectory(atPath: root + "/ws", withIntermediateDirectories: true)
        let loaded = try ConfigLoader.load(data: Data(config.utf8), source: "test.json")
        let ledger = try Ledger(path: root + "/ws/.openclaw/cluster-runs/ledger.sqlite")
        let clock = self.clock
        context = ActionContext(loaded: loaded, ledger: ledger, transport: transport, workspace: root + "/ws", now: { clock.now })
        // The calls every run needs, answered as the test cluster answers them.
        transport.on("create run dir") { call in .init(stdout: (call.arguments.first.map(Self.unquote) ?? "") + "\n") }
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    static func unquote(_ word: String) -> String {
        word.hasPrefix("'") && word.hasSuffix("'") ? String(word.dropFirst().dropLast()) : word
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/ws/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// sbatch's answer as the submit program prints it, then the held job as
    /// `scontrol show job -o` shows it (recorded from the test cluster), the
    /// question, and the release.
    static func submitted(_ jobId: String, scontrol: String? = nil) -> ScriptedTransport.Answer {
        .init(stdout: "@@CLUSTER_SLURM_SUBMIT@@\n\(jobId)\n@@RUNDIR @RUNDIR@\n@@SCONTROL\n\(scontrol ?? heldJob(jobId))\n@@SCONTROL_RC=0\n"
                + "\(RemoteReply.marker)\n@@RELEASED \(jobId)\n")
    }

    static func heldJob(_ jobId: String, fields: String = "Partition=cpu Account=acct QOS=normal TimeLimit=00:10:00 TRES=cpu=1,mem=1G,node=1,billing=1 OverSubscribe=OK") -> String {
        "JobId=\(jobId) JobName=job UserId=u(1001) Priority=0 JobState=PENDING Reason=JobHeldUser Dependency=(null) NumNodes=1 NumCPUs=1 "
            + fields + " WorkDir=@RUNDIR@ StdErr=@RUNDIR@/slurm-\(jobId).err StdIn=/dev/null StdOut=@RUNDIR@/slurm-\(jobId).out"
    }

    /// squeue and sacct output for one job, as the status program prints them.
    static func status(squeue: String, squeueRc: Int = 0, sacct: String = "", sacctRc: Int = 0) -> ScriptedTransport.Answer {
        .init(stdout: squeue + (squeue.isEmpty ? "" : "\n") + "@@SQUEUE_RC=\(squeueRc)@@\n" + sacct + (sacct.isEmpty ? "" : "\n") + "@@SACCT_RC=\(sacctRc)@@\n")
    }
}

/// A clock the test moves by hand.
final class FixedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.lock(); defer { lock.unlock() }; return current }
    func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
}
