import Foundation
import Testing

@Suite(.enabled(if: Harness.clusterAvailable))
struct FaultTests {
    /// A remote command that hangs (tail on a FIFO) ends within the profile's
    /// timeout with a clear error, and leaves no ssh client behind.
    @Test func hangingRemoteCommandTimesOut() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let config = WorkloadFlowTests.derivedConfig(from: base, replacing: "\"remoteRoot\"", with: "\"sshTimeoutSeconds\": 3, \"remoteRoot\"")
        let ws = Harness.Workspace(config: config)
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        #expect(Harness.ssh("mkfifo /scratch/hpcuser/openclaw-runs/\(runId)/never.fifo").status == 0)
        let started = Date()
        let out = ws.tool(["action": "job_logs", "runId": runId, "remotePath": "never.fifo"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(out.status == 1)
        #expect((out.json["error"] as? String)?.contains("timed out after") == true, "\(out.stdout)")
        #expect(elapsed < 10, "took \(elapsed)s with a 3 s timeout")
        let leftovers = Harness.run("/usr/bin/pgrep", ["-f", "never.fifo"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(leftovers.isEmpty, "processes left behind: \(leftovers)")
        #expect(ws.sql("SELECT count(*) FROM actionLog WHERE action = 'job_logs' AND error LIKE '%timed out%'") == "1")
    }

    /// An unreachable host is reported as such, quickly.
    @Test func unreachableHostIsReported() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let sshConfig = FileManager.default.temporaryDirectory.appendingPathComponent("cs-ssh-\(UUID().uuidString.prefix(6))").path
        try "Host nowhere\n  HostName 127.0.0.1\n  Port 1\n  BatchMode yes\n".write(toFile: sshConfig, atomically: true, encoding: .utf8)
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
