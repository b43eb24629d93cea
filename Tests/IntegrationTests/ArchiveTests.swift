import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable))
struct ArchiveTests {
    func finishedRun(_ ws: Harness.Workspace) throws -> String {
        ws.write("job.py", "import os\nos.makedirs('outputs', exist_ok=True)\nopen('outputs/sum.txt', 'w').write(str(sum(int(x) for x in open('data.txt'))))\n")
        ws.write("data.txt", "1\n2\n3\n")
        let started = ws.tool(["action": "run_workload", "command": "python3 job.py", "localPaths": ["job.py", "data.txt"], "prefix": "arch"])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        #expect(ws.tool(["action": "download_workload_outputs", "runId": runId, "remoteFile": "outputs/sum.txt"]).status == 0)
        let info = ws.sql("SELECT json FROM runInfo WHERE runId = '\(runId)'")
        #expect(info.contains("\"slurm_version\":\"slurm-wlm 22.") && info.contains("\"python\":\"Python 3.11") && info.contains("python/3.11"), "\(info)")
        return runId
    }

    /// A replay made after the local input changed still uses the archived
    /// bytes, and its verdict against the parent is "reproduced".
    @Test func replayReproducesFromArchivedBytes() throws {
        let ws = Harness.Workspace()
        let parent = try finishedRun(ws)
        ws.write("data.txt", "100\n")   // the local input changes after the run
        let replay = ws.cli(["runs", "replay", parent, "--json"])
        #expect(replay.status == 0, "\(replay.stdout) \(replay.stderr)")
        let replayId = try #require(replay.json["runId"] as? String)
        #expect(replay.json["inputsFrom"] as? String == "archive")
        let done = ws.waitUntilDone(runId: replayId)
        #expect(done["state"] as? String == "COMPLETED")
        let verify = ws.cli(["runs", "verify", replayId, "--json"])
        #expect(verify.json["verdict"] as? String == "reproduced", "\(verify.stdout) \(verify.stderr)")
        let remote = Harness.ssh("cat /scratch/hpcuser/openclaw-runs/\(replayId)/outputs/sum.txt").stdout
        #expect(remote == "6", "the replay ran on the archived data.txt, not the changed one")
        #expect(ws.sql("SELECT verdict FROM run_summary WHERE run_id = '\(replayId)'") == "reproduced")
        #expect(ws.sql("SELECT replay_of FROM run_summary WHERE run_id = '\(replayId)'") == parent)
        let diff = ws.cli(["runs", "diff", parent, replayId])
        #expect(diff.status == 0, "identical in counted categories: \(diff.stdout)")
        let plan = ws.cli(["runs", "replay", parent, "--dry-run", "--override", "time=00:20:00", "--json"])
        #expect(plan.json["dryRun"] as? Bool == true)
        #expect((plan.json["deltas"] as? [String: String])?["override.time"] == "00:20:00")
    }

    /// Uploading the same inputs again keeps the run's archive whole: each
    /// content counts once against the cap, so a tree over half of it is not
    /// declared "not archived" by the second upload (it was, before).
    @Test func reUploadedInputsStayArchived() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let config = WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"archive\": {\"maxInputBytesPerRun\": 1500},\n  \"localRunsDir\"")
        let ws = Harness.Workspace(config: config)
        ws.write("in/a.txt", String(repeating: "a", count: 500))
        ws.write("in/b.txt", String(repeating: "b", count: 500))
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        for _ in 0..<2 {
            let upload = ws.tool(["action": "upload", "runId": runId, "localPath": "in"])
            #expect(upload.status == 0, "\(upload.stdout) \(upload.stderr)")
        }
        #expect(ws.sql("SELECT inputsNotArchived FROM run WHERE id = '\(runId)'") == "0")
        #expect(ws.sql("SELECT count(DISTINCT blobSha256) FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId WHERE m.runId = '\(runId)'") == "2")
    }

    /// Inputs over the archive cap keep only their hashes; diff and replay say so.
    @Test func inputsOverTheCapAreReported() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let config = WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"archive\": {\"maxInputBytesPerRun\": 10},\n  \"localRunsDir\"")
        let ws = Harness.Workspace(config: config)
        let parent = try finishedRun(ws)
        #expect(ws.sql("SELECT inputsNotArchived FROM run WHERE id = '\(parent)'") == "1")
        let show = ws.cli(["runs", "show", parent])
        #expect(show.stdout.contains("some not archived (over the cap)"), "\(show.stdout)")
        let diff = ws.cli(["runs", "diff", parent, parent])
        #expect(diff.stdout.contains("inputs not archived"), "\(diff.stdout)")
        ws.write("job.py", "print('changed')\n")
        let refused = ws.cli(["runs", "replay", parent])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("was not archived"), "\(refused.stderr)")
    }

    /// The README's reporting queries run through the sqlite3 command-line tool.
    @Test func reportingViewsAnswerFromSqlite3() throws {
        let ws = Harness.Workspace()
        let runId = try finishedRun(ws)
        let failed = try #require(ws.tool(["action": "run_workload", "command": "exit 4"]).json["runId"] as? String)
        _ = ws.waitUntilDone(runId: failed)
        #expect(ws.sql("SELECT last_state || ' ' || exit_code FROM run_summary WHERE run_id = '\(runId)'") == "COMPLETED 0:0")
        #expect(ws.sql("SELECT last_state || ' ' || exit_code FROM run_summary WHERE run_id = '\(failed)'") == "FAILED 4:0")
        #expect(ws.sql("SELECT group_concat(state, '>') FROM (SELECT state FROM job_timeline WHERE run_id = '\(failed)' ORDER BY observed_at)").hasSuffix("FAILED"))
        #expect(ws.sql("SELECT group_concat(direction || ':' || path, ',') FROM (SELECT * FROM artifact_index WHERE run_id = '\(runId)' ORDER BY direction, path)")
                .hasPrefix("input:data.txt,input:job.py,output:"))
        #expect(ws.sql("SELECT runs || '/' || failures FROM usage_by_cluster WHERE cluster = 'local-cpu'") == "2/1")
        #expect(ws.sql("SELECT count(*) FROM artifact_index WHERE archived = 1") == "3")
        let list = ws.cli(["runs", "list", "--state", "FAILED", "--json"])
        #expect(list.stdout.contains(failed) && !list.stdout.contains(runId))

        // Every query in the README's SQL example block runs through sqlite3.
        let readme = try String(contentsOf: Harness.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```sql\n").dropFirst().first?.components(separatedBy: "```").first)
        let queries = block.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        #expect(queries.count >= 5)
        for query in queries {
            let sql = query.replacingOccurrences(of: "'…'", with: "'\(runId)'").replacingOccurrences(of: "numpy-demo-20261129-101500", with: runId)
            let result = Harness.run("/usr/bin/sqlite3", ["-bail", ws.ledger], stdin: sql + ";\n")
            #expect(result.status == 0 && result.stderr.isEmpty, "\(sql): \(result.stderr)")
        }
    }
}
