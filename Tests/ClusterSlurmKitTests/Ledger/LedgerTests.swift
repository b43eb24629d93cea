import Foundation
import GRDB
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct LedgerTests {
    let scratch = TestSupport.Scratch()
    func freshLedger() throws -> Ledger { try Ledger(path: scratch.path + "/sub-\(UUID().uuidString.prefix(6))/ledger.sqlite") }

    @Test func migratesFromEmptyWithPrivateMode() throws {
        let ledger = try freshLedger()
        #expect(try ledger.appliedMigrations() == Ledger.knownMigrations)
        let attributes = try FileManager.default.attributesOfItem(atPath: ledger.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try ledger.integrityCheck() == "ok")
        let journal = try ledger.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let foreignKeys = try ledger.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
    }

    @Test func refusesANewerSchema() throws {
        let ledger = try freshLedger()
        try ledger.write("test") { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        let error = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: ledger.path) }
        #expect(error.message.contains("newer cluster-slurm"))
    }

    @Test func schemaMatchesGolden() throws {
        let ledger = try freshLedger()
        let schema = try ledger.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name")
        }.joined(separator: ";\n") + ";\n"
        let path = TestSupport.testsDirectory.appendingPathComponent("Ledger/schema.golden.sql").path
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try schema.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path)")
            return
        }
        #expect(schema == (try String(contentsOfFile: path, encoding: .utf8)))
    }

    @Test func fourProcessesOpenAFreshLedgerAtOnce() async throws {
        let binary = TestSupport.repository.appendingPathComponent(".build/debug/cluster-slurm").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first (swift build)")
        let directory = scratch.path
        let ledger = directory + "/ledger.sqlite"
        let config = TestSupport.repository.appendingPathComponent("examples/gautschi/openclaw.json").path
        let processes = try (0..<4).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["ledger", "check", "--config", config, "--workspace", directory, "--ledger", ledger, "--json"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == [0, 0, 0, 0])
        #expect(try Ledger(path: ledger).appliedMigrations() == Ledger.knownMigrations)
    }

    @Test func roundTripOfEveryRecordType() throws {
        let ledger = try freshLedger()
        let loaded = try ConfigLoader.load(data: Data(TestSupport.seedLike.utf8), source: "t")
        let new = NewRun(requestedId: nil, prefix: "Demo Run!", cluster: "cpu", routing: RoutingDecision(clusterId: "cpu", reason: .configuredDefault),
                         workload: "stats", commands: ["python3 x.py"], localRunsDir: ".openclaw/cluster-runs",
                         remoteRoot: RemotePath(parsing: "~/runs")!, config: loaded, provenance: Provenance(toolVersion: "t", localHost: "h"))
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let (run, created) = try ledger.createOrFetchRun(new, now: now)
        #expect(created)
        #expect(run.id.hasPrefix("demo-run--"))
        #expect(run.remoteRunDir == "~/runs/\(run.id)")
        let (second, _) = try ledger.createOrFetchRun(new, now: now)
        #expect(second.id == run.id + "-2", "same second, unique id")
        var again = new
        again.requestedId = run.id
        let (same, createdAgain) = try ledger.createOrFetchRun(again, now: now)
        #expect(!createdAgain && same == run)
        again.cluster = "gpu"
        #expect(throws: ClusterSlurmError.self) { try ledger.createOrFetchRun(again, now: now) }

        let profile = loaded.config.clusters["cpu"]!
        let rendered = try ScriptRenderer.render(profile: profile, request: RenderRequest(runId: run.id, commands: ["x"]))
        let script = try ledger.recordScript(runId: run.id, scriptName: "job.slurm", localPath: "/l/job.slurm", rendered: rendered, envNames: ["A"])
        #expect(try ledger.latestScript(runId: run.id) == script)
        #expect(try ledger.blob(sha256: script.scriptSha256) == Data(rendered.text.utf8))

        let entry = UploadEntryRecord(id: nil, manifestId: 0, relativePath: "a.txt", localPath: "/w/a.txt", size: 3, sha256: String(repeating: "a", count: 64), remotePath: "~/runs/x/a.txt", sent: true, verified: true)
        _ = try ledger.recordUpload(runId: run.id, remoteDir: "~/runs/x", entries: [entry])
        #expect(try ledger.uploadEntries(runId: run.id).map(\.relativePath) == ["a.txt"])

        let job = JobRecord(cluster: "cpu", jobId: "42", runId: run.id, remoteScriptPath: "~/runs/x/job.slurm", outputPattern: "slurm-%j.out",
                            errorPattern: nil, jobName: run.id, submittedAt: Timestamp.string(now), lastState: nil, lastObservedAt: nil)
        let attempt = try ledger.recordSubmitAttempt(SubmitAttemptRecord(id: nil, runId: run.id, attempt: 0, cluster: "cpu", command: "sbatch", outcome: .submitted,
                                                                         jobId: "42", clusterSuffix: nil, exitStatus: 0, stdout: "42", stderr: "", submittedAt: Timestamp.string(now)), job: job)
        #expect(attempt.attempt == 1)
        #expect(try ledger.jobs(runId: run.id) == [job])

        func observation(_ state: String) -> JobObservationRecord {
            JobObservationRecord(id: nil, cluster: "cpu", jobId: "42", state: state, rawState: state, reason: nil, exitCode: "0:0", elapsed: nil, elapsedSeconds: 3,
                                 maxRss: "1K", maxRssBytes: 1024, totalCpu: nil, allocTres: nil, nodeList: "n1", source: .sacct, isTransition: false, observedAt: Timestamp.now())
        }
        try ledger.recordObservations([observation("PENDING"), observation("PENDING"), observation("COMPLETED")])
        #expect(try ledger.observations(cluster: "cpu", jobId: "42").map(\.isTransition) == [true, false, true])
        #expect(try ledger.run(id: run.id)?.status == .completed)

        try ledger.recordArtifacts([ArtifactRecord(id: nil, runId: run.id, remotePath: "r", localPath: "l", size: 1, sha256: String(repeating: "b", count: 64), downloadedAt: Timestamp.now())], now: Date())
        #expect(try ledger.artifacts(runId: run.id).count == 1)
        ledger.logAction(ActionLogRecord(id: nil, action: "test", runId: run.id, cluster: "cpu", parametersJson: "{}", resultJson: "{}", error: nil, startedAt: Timestamp.now(), durationMs: 1))
        #expect(try ledger.actionLog(runId: run.id).map(\.action) == ["test"])
        let counts = try ledger.counts()
        #expect(counts["configSnapshot"] == 1)
        #expect(try ledger.integrityCheck() == "ok")
    }

    @Test func timestampsHaveMilliseconds() {
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_795_000_000.1234)) == "2026-11-18T11:06:40.123Z")
    }
}
