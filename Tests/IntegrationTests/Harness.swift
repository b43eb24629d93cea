import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Drives the built `cluster-slurm` binary against the local test cluster
/// (scripts/testcluster), exactly as an agent or a user would.
enum Harness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = repository.appendingPathComponent(".build/debug/cluster-slurm").path
    static let clusterDir = ProcessInfo.processInfo.environment["TC_DIR"] ?? "/var/lib/cluster-slurm-testcluster"
    static let sshConfig = clusterDir + "/client/ssh_config"
    /// The test cluster's config; TC_CONFIG points the suite at another
    /// generation (scripts/testcluster2411 env).
    static let localConfig = ProcessInfo.processInfo.environment["TC_CONFIG"]
        ?? repository.appendingPathComponent("examples/local/cluster-slurm.json").path

    /// Whether the test cluster answers over ssh. Computed once.
    static let clusterAvailable: Bool = {
        let result = run("/usr/bin/ssh", ["-F", sshConfig, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "testcluster", "sinfo -h"])
        if result.status != 0 {
            print("integration tests: the test cluster is not reachable (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); run `scripts/testcluster up` (make test does)")
        }
        return result.status == 0 && FileManager.default.isExecutableFile(atPath: binary)
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cs-run-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer { unlink(base + ".out"); unlink(base + ".err") }
        let input = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        process.standardInput = input
        do { try process.run() } catch { return Output(status: -1, stdout: "", stderr: "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let outData = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `scripts/testcluster up`, with every descriptor beyond stdio closed
    /// first: the daemons it starts outlive the call, and Foundation's
    /// Process would otherwise wait for them through a descriptor they inherit.
    static func startDaemons() {
        let generation = ProcessInfo.processInfo.environment["TC_GENERATION"] == "24.11" ? "scripts/testcluster2411" : "scripts/testcluster"
        let script = repository.appendingPathComponent(generation).path
        run("/bin/bash", ["-c", "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; exec \"$0\" up </dev/null >/dev/null 2>&1", script])
    }

    /// A config like the test cluster's whose first profile (local-cpu) gets
    /// `profileFields` (e.g. a retry policy) and whose top level gets
    /// `topFields`; removed with the workspace that uses it (`cs-config-*`).
    static func derivedConfig(profileFields: String? = nil, topFields: String? = nil) -> String {
        var text = try! String(contentsOfFile: localConfig, encoding: .utf8)
        if let profileFields {
            let marker = "\"sshTarget\": \"testcluster\","
            text = text.replacingCharacters(in: text.range(of: marker)!, with: marker + " " + profileFields + ",")
        }
        return WorkloadFlowTests.derivedConfig(from: text, replacing: "\"localRunsDir\"", with: (topFields.map { $0 + ",\n  " } ?? "") + "\"localRunsDir\"")
    }

    /// Single-quotes a word for the login node's shell.
    static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs the login node's shell with `command` (for checks behind the tool's back).
    @discardableResult
    static func ssh(_ command: String) -> Output {
        run("/usr/bin/ssh", ["-F", sshConfig, "-o", "BatchMode=yes", "testcluster", command])
    }

    /// A private workspace with its own ledger and ssh control dir. When the
    /// test ends it removes what it made: its runs' remote dirs (and jobs),
    /// its ssh master connection, its control dir and the workspace itself.
    final class Workspace: @unchecked Sendable {
        let path: String
        let config: String
        let controlDir: String

        init(config: String = Harness.localConfig) {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("cs-it-\(UUID().uuidString.prefix(8))").path
            try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            self.config = config
            controlDir = "/tmp/cs-cm-\(UUID().uuidString.prefix(6))"
        }

        /// A workspace at a chosen place (a small disk, say).
        init(path: String, config: String) {
            self.path = path
            try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            self.config = config
            controlDir = "/tmp/cs-cm-\(UUID().uuidString.prefix(6))"
        }

        deinit {
            let remoteDirs = FileManager.default.fileExists(atPath: ledger)
                ? Harness.run("/usr/bin/sqlite3", [ledger, "SELECT remoteRunDir FROM run"]).stdout.split(separator: "\n").map(String.init) : []
            let jobs = FileManager.default.fileExists(atPath: ledger)
                ? Harness.run("/usr/bin/sqlite3", [ledger, "SELECT jobId FROM job"]).stdout.split(separator: "\n").map(String.init) : []
            if !remoteDirs.isEmpty || !jobs.isEmpty {
                let script = "scancel \"$@\" 2>/dev/null; exit 0"
                if !jobs.isEmpty { Harness.ssh("bash -c \(Harness.quote(script)) x " + jobs.map(Harness.quote).joined(separator: " ")) }
                let dirs = remoteDirs.filter { $0.hasPrefix("/scratch/") }
                if !dirs.isEmpty { Harness.ssh("rm -rf -- " + dirs.map(Harness.quote).joined(separator: " ")) }
            }
            for socket in (try? FileManager.default.contentsOfDirectory(atPath: controlDir)) ?? [] {
                Harness.run("/usr/bin/ssh", ["-o", "ControlPath=\(controlDir)/\(socket)", "-O", "exit", "x"])
            }
            try? FileManager.default.removeItem(atPath: controlDir)
            try? FileManager.default.removeItem(atPath: path)
            // A config derived for this workspace (WorkloadFlowTests.derivedConfig) goes with it.
            if (config as NSString).lastPathComponent.hasPrefix("cs-config-") { unlink(config) }
        }

        var ledger: String { path + "/.openclaw/cluster-runs/ledger.sqlite" }

        func tool(_ call: [String: Any], environment: [String: String] = [:]) -> Output {
            let data = try! JSONSerialization.data(withJSONObject: call)
            return Harness.run(Harness.binary, ["tool", "--config", config, "--workspace", path], stdin: String(decoding: data, as: UTF8.self),
                               environment: environment.merging(["CLUSTER_SLURM_CONTROL_DIR": controlDir]) { a, _ in a })
        }

        func cli(_ arguments: [String]) -> Output {
            Harness.run(Harness.binary, arguments + ["--config", config, "--workspace", path], environment: ["CLUSTER_SLURM_CONTROL_DIR": controlDir])
        }

        func write(_ relative: String, _ contents: String) {
            let full = path + "/" + relative
            try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try! contents.write(toFile: full, atomically: true, encoding: .utf8)
        }

        func sql(_ query: String) -> String {
            Harness.run("/usr/bin/sqlite3", [ledger, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Polls check_workload until the job is done (the scheduler decides
        /// when; a bounded wait, not a sleep standing in for synchronisation).
        func waitUntilDone(runId: String, limit: TimeInterval = 150, environment: [String: String] = [:]) -> [String: Any] {
            let deadline = Date().addingTimeInterval(limit)
            var last: [String: Any] = [:]
            while Date() < deadline {
                last = tool(["action": "check_workload", "runId": runId], environment: environment).json
                if last["done"] as? Bool == true { return last }
                Thread.sleep(forTimeInterval: 1)
            }
            Issue.record("run \(runId) not done after \(limit)s: \(last)")
            return last
        }
    }
}
