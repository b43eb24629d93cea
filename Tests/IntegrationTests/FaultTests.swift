import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable))
struct FaultTests {
    /// A connection that hangs (a ProxyCommand that never answers, so ssh's
    /// own ConnectTimeout cannot help) ends within the profile's timeout with a
    /// clear error in the action log, and leaves no process behind.
    @Test func hangingConnectionTimesOut() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let sshConfig = FileManager.default.temporaryDirectory.appendingPathComponent("cs-ssh-\(UUID().uuidString.prefix(6))").path
        try "Host hangs\n  ProxyCommand sleep 317\n  BatchMode yes\n".write(toFile: sshConfig, atomically: true, encoding: .utf8)
        defer { unlink(sshConfig) }
        let config = WorkloadFlowTests.derivedConfig(from: base.replacingOccurrences(of: Harness.sshConfig, with: sshConfig)
                                                        .replacingOccurrences(of: "\"sshTarget\": \"testcluster\"", with: "\"sshTarget\": \"hangs\""),
                                                     replacing: "\"remoteRoot\"", with: "\"sshTimeoutSeconds\": 3, \"remoteRoot\"")
        let ws = Harness.Workspace(config: config)
        let started = Date()
        let out = ws.tool(["action": "init_run"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(out.status == 1)
        #expect((out.json["error"] as? String)?.contains("timed out after") == true, "\(out.stdout)")
        #expect(out.json["code"] as? String == "remote_timeout")
        #expect(elapsed < 10, "took \(elapsed)s with a 3 s timeout")
        let leftovers = Harness.run("/usr/bin/pgrep", ["-f", "sleep 317"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(leftovers.isEmpty, "processes left behind: \(leftovers)")
        #expect(ws.sql("SELECT count(*) FROM actionLog WHERE action = 'init_run' AND error LIKE '%timed out%'") == "1")
    }

    /// A FIFO in the run dir is refused by download instead of hanging it.
    @Test func fifoIsRefusedNotRead() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        #expect(Harness.ssh("mkfifo /scratch/hpcuser/openclaw-runs/\(runId)/never.fifo").status == 0)
        let out = ws.tool(["action": "download", "runId": runId, "remotePath": "never.fifo"])
        #expect(out.status == 2)
        #expect((out.json["error"] as? String)?.contains("not a regular file") == true, "\(out.stdout)")
        #expect(ws.tool(["action": "job_logs", "runId": runId, "remotePath": "never.fifo"]).json["missing"] as? Bool == true)
    }

    /// An unreachable host is reported as such, quickly.
    @Test func unreachableHostIsReported() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let sshConfig = FileManager.default.temporaryDirectory.appendingPathComponent("cs-ssh-\(UUID().uuidString.prefix(6))").path
        try "Host nowhere\n  HostName 127.0.0.1\n  Port 1\n  BatchMode yes\n".write(toFile: sshConfig, atomically: true, encoding: .utf8)
        defer { unlink(sshConfig) }
        let config = WorkloadFlowTests.derivedConfig(from: base.replacingOccurrences(of: Harness.sshConfig, with: sshConfig)
                                                        .replacingOccurrences(of: "\"sshTarget\": \"testcluster\"", with: "\"sshTarget\": \"nowhere\""),
                                                     replacing: "\"remoteRoot\"", with: "\"sshTimeoutSeconds\": 5, \"remoteRoot\"")
        let ws = Harness.Workspace(config: config)
        let out = ws.tool(["action": "init_run"])
        #expect(out.status == 1)
        #expect((out.json["error"] as? String)?.contains("cannot reach nowhere") == true, "\(out.stdout)")
        #expect(out.json["code"] as? String == "remote_unreachable")
    }
}
