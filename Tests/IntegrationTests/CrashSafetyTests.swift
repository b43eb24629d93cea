import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// kill -9 in the middle of an upload, a download and ledger writes: the
/// ledger stays intact, no partial file carries a final name, and running the
/// same action again completes it.
@Suite(.enabled(if: Harness.clusterAvailable))
struct CrashSafetyTests {
    /// Starts `cluster-slurm tool` in the background and returns the process.
    func startTool(_ ws: Harness.Workspace, _ call: [String: Any]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = ["tool", "--config", ws.config, "--workspace", ws.path]
        var env = ProcessInfo.processInfo.environment
        env["CLUSTER_SLURM_CONTROL_DIR"] = ws.controlDir
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: call))
        try input.fileHandleForWriting.close()
        return process
    }

    /// Polls `condition` (bounded) — waiting for an observable state, not sleeping blindly.
    func waitFor(_ what: String, limit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("never saw: \(what)")
        return false
    }

    @Test func killDuringUploadLeavesNoPartialFile() throws {
        // hash everything on the login node here, so the rerun's verification is checked right away
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let ws = Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"",
                                                                             with: "\"policy\": {\"maxLoginNodeHashBytes\": 1073741824},\n  \"localRunsDir\""))
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let big = ws.path + "/big.bin"
        let handle = try #require(FileHandle(forWritingAtPath: { _ = FileManager.default.createFile(atPath: big, contents: nil); return big }()))
        let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for _ in 0..<400 { handle.write(block) }
        try handle.close()
        let runDir = "/scratch/hpcuser/openclaw-runs/\(runId)"
        let process = try startTool(ws, ["action": "upload", "runId": runId, "localPath": "big.bin"])
        let staged = waitFor("the upload's staging dir on the cluster") {
            Harness.ssh("ls -a \(runDir) | grep -q cluster-slurm-incoming").status == 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(staged)
        #expect(Harness.ssh("test -e \(runDir)/big.bin").status != 0, "a partial upload sits under the final name")
        #expect(ws.sql("PRAGMA integrity_check") == "ok")
        #expect(ws.sql("SELECT count(*) FROM uploadEntry") == "0")
        let again = ws.tool(["action": "upload", "runId": runId, "localPath": "big.bin"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect((again.json["uploaded"] as? [[String: Any]])?.first?["verified"] as? Bool == true)
        let remoteSum = Harness.ssh("sha256sum < \(runDir)/big.bin").stdout.prefix(64)
        #expect(String(remoteSum) == (again.json["uploaded"] as? [[String: Any]])?.first?["sha256"] as? String)
    }

    @Test func killDuringDownloadLeavesNoPartialFile() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let runDir = "/scratch/hpcuser/openclaw-runs/\(runId)"
        #expect(Harness.ssh("head -c 400000000 /dev/urandom > \(runDir)/result.bin").status == 0)
        let localRun = ws.path + "/.openclaw/cluster-runs/\(runId)"
        let process = try startTool(ws, ["action": "download", "runId": runId, "remotePath": "result.bin"])
        // bytes land in one temporary beside the destination, renamed only after the hash check
        let streaming = waitFor("the download stream to start") {
            ((try? FileManager.default.contentsOfDirectory(atPath: localRun)) ?? []).contains { $0.hasPrefix(".result.bin.partial-") }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(streaming)
        #expect(!FileManager.default.fileExists(atPath: localRun + "/result.bin"), "a partial download sits under the final name")
        #expect(ws.sql("PRAGMA integrity_check") == "ok")
        #expect(ws.sql("SELECT count(*) FROM artifact") == "0")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: localRun)) ?? []).contains { $0.hasPrefix(".result.bin.partial-") },
                "the killed download's temporary is there until the next action")
        let again = ws.tool(["action": "download", "runId": runId, "remotePath": "result.bin"])
        #expect(again.status == 0, "\(again.stdout)")
        let remoteSum = String(Harness.ssh("sha256sum < \(runDir)/result.bin").stdout.prefix(64))
        #expect((again.json["files"] as? [[String: Any]])?.first?["sha256"] as? String == remoteSum)
        // issue 28 case 2: the next download found and removed it
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: localRun)) ?? []).filter { $0.contains(".partial-") }
        #expect(left.isEmpty, "\(left)")
    }

    /// Ledger writers killed at several points: integrity holds and the next writer completes.
    @Test func killDuringLedgerWrites() throws {
        let ws = Harness.Workspace()
        for delay in [0.3, 0.7, 1.1, 1.6] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Harness.binary)
            process.arguments = ["ledger", "exercise", "--count", "100000", "--config", ws.config, "--workspace", ws.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let started = Date()
            _ = waitFor("the writer to pass \(delay)s", limit: 10) { Date().timeIntervalSince(started) >= delay }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(ws.sql("PRAGMA integrity_check") == "ok")
        }
        let runs = Int(ws.sql("SELECT count(*) FROM run")) ?? -1
        #expect(runs > 0)
        let scriptless = Int(ws.sql("SELECT count(*) FROM run r WHERE NOT EXISTS (SELECT 1 FROM renderedScript s WHERE s.runId = r.id)")) ?? -1
        #expect((0...4).contains(scriptless), "at most one run per kill was cut between its two transactions (got \(scriptless))")
        let finish = ws.cli(["ledger", "exercise", "--count", "5"])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(Int(ws.sql("SELECT count(*) FROM run")) == runs + 5)
    }
}
