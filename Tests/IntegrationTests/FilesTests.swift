import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Files and the ledger file on the real test cluster: verified means
/// verified, any number of files, secrets gone, streams not copies, clear
/// errors on full disks, a ledger that knows itself, unique run dirs.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct FilesTests {
    static let runsRoot = "/scratch/hpcuser/openclaw-runs"

    /// A wrapper around ssh that counts the remote round trips of one command.
    final class CountingSSH {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cs-count-\(UUID().uuidString.prefix(6))").path
        var script: String { directory + "/ssh" }
        var log: String { directory + "/calls" }
        init() {
            try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try! "#!/bin/sh\necho call >> '\(log)'\nexec /usr/bin/ssh \"$@\"\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
        }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
        var calls: Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        func reset() { unlink(log) }
    }

    // 1. A stale input recorded as verified.

    /// Overwritten on the cluster with the same size and the same mtime (as
    /// a same-second overwrite leaves it), or stamped with `touch -r`: both
    /// are sent again and the cluster ends with the workspace's bytes.
    @Test func sameSizeSameMtimeOverwriteIsSentAgain() throws {
        let ws = Harness.Workspace()
        ws.write("data/a.txt", "aaaa")
        ws.write("data/b.txt", "bbbb")
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let dir = "\(Self.runsRoot)/\(runId)/data"
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json["bytesSent"] as? Int == 8)
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json["bytesSent"] as? Int == 0, "unchanged: nothing sent")

        // same size, mtime set back to the verified copy's
        #expect(Harness.ssh("cd \(dir) && m=$(stat -c %Y b.txt) && printf XXXX > b.txt && touch -d @$m b.txt && [ $(stat -c %Y b.txt) = $m ]").status == 0)
        let first = ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json
        #expect(first["bytesSent"] as? Int == 4, "the overwritten file is sent again: \(first)")
        #expect(Harness.ssh("cat \(dir)/b.txt").stdout == "bbbb")

        // touch -r copies every timestamp it can (atime, mtime); ctime still moves
        #expect(Harness.ssh("cd \(dir) && cp -p a.txt /tmp/cs-ref-\(runId) && printf YYYY > a.txt && touch -r /tmp/cs-ref-\(runId) a.txt; rm -f /tmp/cs-ref-\(runId)").status == 0)
        let second = ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json
        #expect(second["bytesSent"] as? Int == 4, "the touch -r file is sent again: \(second)")
        #expect(Harness.ssh("cat \(dir)/a.txt").stdout == "aaaa")
        // Each upload entry the ledger calls verified has a stat signature taken after verification.
        #expect(ws.sql("SELECT count(*) FROM uploadEntry WHERE verified = 1 AND remoteStat IS NULL") == "0")
    }

    /// Whatever happens between upload and job start, the job checks every
    /// input on the compute node: a file changed behind the ledger's back
    /// (same size, same mtime) stops the job before its workload.
    @Test func jobRefusesAnInputChangedAfterUpload() throws {
        let ws = Harness.Workspace()
        ws.write("input.txt", "good")
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "input.txt"]).status == 0)
        #expect(Harness.ssh("cd \(Self.runsRoot)/\(runId) && m=$(stat -c %Y input.txt) && printf evil > input.txt && touch -d @$m input.txt").status == 0)
        #expect(ws.tool(["action": "render_job", "runId": runId, "command": "cat input.txt > seen.txt"]).status == 0)
        #expect(ws.tool(["action": "submit_job", "runId": runId]).status == 0)
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "FAILED", "\(done)")
        #expect(Harness.ssh("test -e \(Self.runsRoot)/\(runId)/seen.txt").status != 0, "the workload never ran")
        let err = Harness.ssh("cat \(Self.runsRoot)/\(runId)/slurm-*.err").stdout
        #expect(err.contains("inputs do not match their sha256"), "\(err)")
    }

    // 2. Any number of files.

    @Test func twentyThousandFilesInOneRoundTrip() throws {
        let ws = Harness.Workspace()
        let count = 20_000
        let root = ws.path + "/many"
        for group in 0..<20 {
            let dir = "\(root)/g\(group)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for index in 0..<(count / 20) {
                let name = "file-with-a-fairly-long-name-to-make-the-list-long-\(group)-\(index).txt"
                _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data("\(group)/\(index)\n".utf8))
            }
        }
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let counter = CountingSSH()
        let started = Date()
        let data = try JSONSerialization.data(withJSONObject: ["action": "upload", "runId": runId, "localPath": "many"])
        let out = Harness.run(Harness.binary, ["tool", "--config", ws.config, "--workspace", ws.path], stdin: String(decoding: data, as: UTF8.self),
                              environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir, "CLUSTER_SLURM_SSH": counter.script])
        let seconds = Date().timeIntervalSince(started)
        #expect(out.status == 0, "\(out.stdout.prefix(500)) \(out.stderr.prefix(500))")
        #expect((out.json["uploaded"] as? [Any])?.count == count)
        print("upload of \(count) files: \(String(format: "%.2f", seconds)) s, \(counter.calls) remote calls")
        #expect(counter.calls == 2, "one listing of what is there, one stream: \(counter.calls)")
        #expect(Harness.ssh("find \(Self.runsRoot)/\(runId)/many -type f | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(count)")
        #expect(Harness.ssh("cat \(Self.runsRoot)/\(runId)/many/g19/file-with-a-fairly-long-name-to-make-the-list-long-19-999.txt").stdout == "19/999\n")
        counter.reset()
        let again = Harness.run(Harness.binary, ["tool", "--config", ws.config, "--workspace", ws.path], stdin: String(decoding: data, as: UTF8.self),
                                environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir, "CLUSTER_SLURM_SSH": counter.script])
        #expect(again.json["bytesSent"] as? Int == 0, "unchanged: nothing sent")
        #expect(counter.calls == 1, "unchanged: one round trip")
    }

    // 3. Secrets leave no trace.

    @Test func secretsLeaveNoTraceAfterTheJob() throws {
        let ws = Harness.Workspace()
        let secret = "s3cr3t-\(UUID().uuidString)"
        let started = ws.tool(["action": "run_workload", "env": ["SERVICE_API_KEY": secret],
                               "command": "printf '%s' \"$SERVICE_API_KEY\" | sha256sum | cut -c1-64 > seen.txt"])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        let expected = Harness.run("/bin/bash", ["-c", "printf '%s' \"$0\" | sha256sum | cut -c1-64", secret]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Harness.ssh("cat \(Self.runsRoot)/\(runId)/seen.txt").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "the job saw the value")
        let local = Harness.run("/bin/grep", ["-r", "-a", "-l", "-F", secret, ws.path])
        #expect(local.stdout.isEmpty, "the workspace holds the secret: \(local.stdout)")
        let remote = Harness.ssh("grep -r -a -l -F -- \(Harness.quote(secret)) \(Self.runsRoot)/\(runId); ls -a \(Self.runsRoot)/\(runId)")
        #expect(!remote.stdout.contains(runId + "/"), "the remote run dir holds the secret: \(remote.stdout)")
        #expect(!remote.stdout.contains(".cluster-slurm-secrets.sh"), "the job removed the secrets file: \(remote.stdout)")
    }

    // 4. Streams, not copies; signals clean up.

    /// Starts the binary, waits (bounded) until `ready` holds, sends `signal`.
    static func interrupt(_ arguments: [String], ws: Harness.Workspace, signal: Int32, until ready: () -> Bool) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = arguments + ["--config", ws.config, "--workspace", ws.path]
        var env = ProcessInfo.processInfo.environment
        env["CLUSTER_SLURM_CONTROL_DIR"] = ws.controlDir
        process.environment = env
        let errPath = ws.path + "/../cs-it-stderr-\(UUID().uuidString.prefix(6))"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { unlink(errPath) }
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardOutput = FileHandle.nullDevice
        try! process.run()
        let deadline = Date().addingTimeInterval(60)
        while !ready() && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// ssh clients of this workspace still running (the ControlPersist master excepted).
    static func sshClients(_ ws: Harness.Workspace) -> [String] {
        let listing = Harness.run("/usr/bin/pgrep", ["-a", "-f", ws.controlDir]).stdout
        return listing.split(separator: "\n").map(String.init).filter { !$0.contains("[mux]") && !$0.contains("pgrep") }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func interruptedUploadLeavesNothing(signal: Int32) throws {
        let ws = Harness.Workspace()
        let big = ws.path + "/big.bin"
        #expect(Harness.run("/bin/sh", ["-c", "head -c 300000000 /dev/zero > \(big)"]).status == 0)
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let tmpBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [])
        let result = Self.interrupt(["upload", "--run-id", runId, "big.bin"], ws: ws, signal: signal) {
            Harness.ssh("ls -d \(Self.runsRoot)/\(runId)/.cluster-slurm-incoming.* 2>/dev/null").status == 0
        }
        #expect(result.status == 128 + signal, "exit \(result.status): \(result.stderr)")
        #expect(Self.sshClients(ws).isEmpty, "ssh left running: \(Self.sshClients(ws))")
        let tmpAfter = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [])
        let leftovers = tmpAfter.subtracting(tmpBefore).filter { $0.hasPrefix("cluster-slurm-upload") || $0.hasPrefix("cluster-slurm-manifest") }
        #expect(leftovers.isEmpty, "temporaries left in /tmp: \(leftovers)")
        // The cluster side notices the stream ended and removes its staging dir (bounded wait).
        var staging = 0
        for _ in 0..<100 {
            staging = Int(Harness.ssh("ls -d \(Self.runsRoot)/\(runId)/.cluster-slurm-incoming.* 2>/dev/null | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            if staging == 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(staging == 0, "the remote staging dir was removed")
        #expect(Harness.ssh("test -e \(Self.runsRoot)/\(runId)/big.bin").status != 0, "no partial file under the final name")
        #expect(ws.sql("SELECT count(*) FROM uploadEntry") == "0", "nothing recorded as uploaded")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func interruptedDownloadLeavesNothing(signal: Int32) throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        #expect(Harness.ssh("head -c 400000000 /dev/zero > \(Self.runsRoot)/\(runId)/big.out").status == 0)
        let localDir = ws.path + "/.openclaw/cluster-runs/\(runId)"
        func partials() -> [String] {
            (FileManager.default.enumerator(atPath: localDir)?.allObjects as? [String] ?? []).filter { $0.contains(".partial-") || $0.contains("cluster-slurm-download") }
        }
        let result = Self.interrupt(["download", "--run-id", runId, "big.out"], ws: ws, signal: signal) { !partials().isEmpty }
        #expect(result.status == 128 + signal, "exit \(result.status): \(result.stderr)")
        #expect(partials().isEmpty, "temporaries left: \(partials())")
        #expect(!FileManager.default.fileExists(atPath: localDir + "/big.out"), "no partial file under the final name")
        #expect(Self.sshClients(ws).isEmpty, "ssh left running: \(Self.sshClients(ws))")
        // A download writes each file once: its temporary sits beside the destination.
        let done = ws.tool(["action": "download", "runId": runId, "remotePath": "big.out"])
        #expect(done.status == 0, "\(done.stdout)")
        #expect((try? FileManager.default.attributesOfItem(atPath: localDir + "/big.out")[.size] as? Int) == 400_000_000)
    }

    /// A file over the listing's hashing size (4 MiB) is hashed by the
    /// cluster while it is sent, its sha256 after its bytes; smaller ones
    /// by the listing. A folder of both, the boundary included, arrives
    /// byte for byte with the cluster's own hashes.
    @Test func largeAndSmallFilesArriveWithTheClustersHashes() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let dir = "\(Self.runsRoot)/\(runId)/out"
        let names = ["big one.bin", "at-limit.bin", "over-limit.bin", "small.bin"]
        #expect(Harness.ssh("mkdir -p \(dir) && cd \(dir) && head -c 6000000 /dev/urandom > 'big one.bin' && head -c 4194304 /dev/urandom > at-limit.bin"
                            + " && head -c 4194305 /dev/urandom > over-limit.bin && head -c 300 /dev/urandom > small.bin").status == 0)
        var clusterSums: [String: String] = [:]
        for name in names { clusterSums[name] = String(Harness.ssh("sha256sum < \(Harness.quote(dir + "/" + name))").stdout.prefix(64)) }
        let done = ws.tool(["action": "download", "runId": runId, "remotePath": "out"])
        #expect(done.status == 0, "\(done.stdout)")
        let files = done.json["files"] as? [[String: Any]] ?? []
        #expect(files.count == names.count)
        for name in names {
            let entry = files.first { ($0["localPath"] as? String)?.hasSuffix("/out/" + name) == true }
            #expect(entry?["sha256"] as? String == clusterSums[name], "\(name)")
            let local = Harness.run("/bin/sh", ["-c", "sha256sum < \"$1\"", "sh", ws.path + "/.openclaw/cluster-runs/\(runId)/out/" + name])
            #expect(String(local.stdout.prefix(64)) == clusterSums[name], "\(name) on disk")
        }
    }

    // 5. Full disks.

    /// A small tmpfs mounted for one test, removed after.
    final class SmallDisk {
        let path: String
        init(megabytes: Int, owner: String? = nil, at directory: String? = nil) throws {
            path = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("cs-full-\(UUID().uuidString.prefix(6))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mounted = Harness.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", path])
            guard mounted.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: mounted.stderr]) }
            if let owner { Harness.run("/bin/chown", [owner, path]) }
        }
        func fill() { Harness.run("/bin/sh", ["-c", "head -c 100000000 /dev/zero > \(path)/filler 2>/dev/null; true"]) }
        deinit {
            Harness.run("/bin/umount", ["-l", path])
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test func fullLocalDiskIsNamedAndReadsStillWork() throws {
        let disk = try SmallDisk(megabytes: 8)
        let ws = Harness.Workspace()
        // The workspace's run dirs (and its ledger) live on the small disk.
        let workspaceOnDisk = Harness.Workspace(path: disk.path + "/ws", config: ws.config)
        let runId = try #require((workspaceOnDisk.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        // the ledger sits on the full disk, so the workspace cannot list its runs when it goes: remove the run dir here
        defer { Harness.ssh("rm -rf \(Self.runsRoot)/\(runId)") }
        #expect(Harness.ssh("head -c 16000000 /dev/zero > \(Self.runsRoot)/\(runId)/too-big.out").status == 0)
        let download = workspaceOnDisk.tool(["action": "download", "runId": runId, "remotePath": "too-big.out"])
        #expect(download.status == 1)
        let message = download.json["error"] as? String ?? ""
        #expect(message.contains("no space left on device"), "\(download.stdout)")
        #expect(message.contains(disk.path), "the message names the path: \(message)")
        let leftovers = Harness.run("/usr/bin/find", [disk.path, "-name", "*.partial-*"]).stdout
        #expect(leftovers.isEmpty, "partial files left: \(leftovers)")
        // With the disk completely full, read commands still answer (read-only).
        disk.fill()
        let list = workspaceOnDisk.cli(["runs", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(runId))
        let check = workspaceOnDisk.cli(["ledger", "check", "--json"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.json["integrity"] as? String == "ok")
        withExtendedLifetime((disk, ws)) {}
    }

    @Test func fullRemoteDiskIsNamed() throws {
        let remoteRoot = "/scratch/hpcuser/cs-full-\(UUID().uuidString.prefix(6))"
        let disk = try SmallDisk(megabytes: 1, owner: "hpcuser", at: remoteRoot)
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let ws = Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "/scratch/hpcuser/openclaw-runs", with: remoteRoot))
        #expect(Harness.run("/bin/sh", ["-c", "head -c 3000000 /dev/zero > \(ws.path)/big.bin"]).status == 0)
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let out = ws.tool(["action": "upload", "runId": runId, "localPath": "big.bin"])
        #expect(out.status == 1)
        let message = out.json["error"] as? String ?? ""
        #expect(message.contains("filesystem is full"), "\(out.stdout)")
        #expect(Harness.ssh("ls -A \(remoteRoot)/\(runId)").stdout.isEmpty, "nothing left in the run dir, staging included")
        #expect(ws.sql("SELECT count(*) FROM uploadEntry") == "0")
        withExtendedLifetime(disk) {}
    }

    // 6. The ledger file.

    @Test func foreignAndEmptyFilesAreNotLedgers() throws {
        let ws = Harness.Workspace()
        let foreign = ws.path + "/other.sqlite"
        Harness.run("/usr/bin/sqlite3", [foreign, "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO patients (name) VALUES ('x');"])
        let before = Harness.run("/usr/bin/sha256sum", [foreign]).stdout
        let refused = ws.cli(["runs", "list", "--ledger", foreign])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not a cluster-slurm ledger"), "\(refused.stderr)")
        #expect(refused.stderr.contains("patients"))
        #expect(Harness.run("/usr/bin/sha256sum", [foreign]).stdout == before, "the foreign database is unchanged")

        let otherApp = ws.path + "/app.sqlite"
        Harness.run("/usr/bin/sqlite3", [otherApp, "PRAGMA application_id = 1234; CREATE TABLE run (id TEXT);"])
        #expect(ws.cli(["runs", "list", "--ledger", otherApp]).stderr.contains("application_id"))

        let empty = ws.path + "/empty.sqlite"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let emptyOut = ws.cli(["runs", "list", "--ledger", empty])
        #expect(emptyOut.status == 1)
        #expect(emptyOut.stderr.contains("empty file"), "\(emptyOut.stderr)")
        #expect((try? FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int) == 0)

        // A ledger made by us carries our application id and mode 0600.
        #expect(ws.cli(["runs", "list"]).status == 0)
        #expect(Harness.run("/usr/bin/sqlite3", [ws.ledger, "PRAGMA application_id"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(0x4353_4C47)")
        #expect(Harness.run("/usr/bin/stat", ["-c", "%a", ws.ledger]).stdout.hasPrefix("600"))
    }

    @Test func readOnlyArchiveCanBeRead() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let disk = try SmallDisk(megabytes: 4)
        Harness.run("/bin/cp", [ws.ledger, disk.path + "/archive.sqlite"])
        #expect(Harness.run("/bin/mount", ["-o", "remount,ro", disk.path]).status == 0)
        let archive = disk.path + "/archive.sqlite"
        let list = ws.cli(["runs", "list", "--json", "--ledger", archive])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(runId))
        #expect(list.stderr.contains("read-only"))
        let show = ws.cli(["runs", "show", runId, "--ledger", archive])
        #expect(show.status == 0, "\(show.stderr)")
        let check = ws.cli(["ledger", "check", "--json", "--ledger", archive])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.json["readOnly"] as? Bool == true)
        let forced = ws.cli(["runs", "list", "--read-only", "--json"])
        #expect(forced.status == 0 && forced.stdout.contains(runId), "\(forced.stderr)")
        let write = ws.cli(["init-run", "--ledger", archive])
        #expect(write.status != 0, "a write command does not pretend to work on a read-only ledger")
        withExtendedLifetime(disk) {}
    }

    /// run_workload of a new run: its dir, inputs (one named like the submit
    /// program's question) and held submission in one ssh; the inputs are in
    /// the ledger, verified, and the job sees them.
    @Test func runWorkloadIsOneRoundTrip() throws {
        let ws = Harness.Workspace()
        let odd = "odd\n@@AWAIT_REPLY\n.txt"
        try "data\n".write(toFile: ws.path + "/data.txt", atomically: true, encoding: .utf8)
        try "odd\n".write(toFile: ws.path + "/" + odd, atomically: true, encoding: .utf8)
        let counter = CountingSSH()
        let call = try JSONSerialization.data(withJSONObject: ["action": "run_workload", "command": "cat data.txt > seen.txt",
                                                               "localPaths": ["data.txt", odd]])
        let out = Harness.run(Harness.binary, ["tool", "--config", ws.config, "--workspace", ws.path], stdin: String(decoding: call, as: UTF8.self),
                              environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir, "CLUSTER_SLURM_SSH": counter.script])
        #expect(out.status == 0, "\(out.stdout.prefix(500)) \(out.stderr.prefix(500))")
        #expect(counter.calls == 1, "claim, upload and submit in one round trip: \(counter.calls)")
        let runId = try #require(out.json["runId"] as? String)
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        #expect(Harness.ssh("cat \(Self.runsRoot)/\(runId)/seen.txt").stdout == "data\n")
        let recorded = Harness.run("/usr/bin/sqlite3", [ws.ledger, "SELECT count(*), sum(verified) FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId WHERE m.runId = '\(runId)'"]).stdout
        #expect(recorded == "2|2\n", "both inputs recorded, verified: \(recorded)")
        #expect(Harness.run("/usr/bin/sqlite3", [ws.ledger, "SELECT outcome FROM submitAttempt WHERE runId = '\(runId)'"]).stdout == "submitted\n")
    }

    // 7. Run ids.

    /// Another ledger sharing the remoteRoot made the run dir this one would
    /// generate now: the new run gets a suffix and a dir of its own.
    @Test func collidingRunDirGetsASuffix() throws {
        let ws = Harness.Workspace()
        let prefix = "collide-\(UUID().uuidString.prefix(6).lowercased())"
        // the ids of the next 60 seconds, made by "another ledger"
        let made = Harness.ssh("""
            for i in $(seq 0 60); do d=\(Self.runsRoot)/\(prefix)-$(date -u -d "+$i seconds" +%Y%m%d-%H%M%S); mkdir -p "$d" && echo other > "$d/theirs.txt"; done
            """)
        #expect(made.status == 0)
        defer { Harness.ssh("rm -rf \(Self.runsRoot)/\(prefix)-*") }
        let out = ws.tool(["action": "init_run", "prefix": prefix])
        let runId = try #require((out.json["run"] as? [String: Any])?["runId"] as? String, "\(out.stdout)")
        #expect(runId.hasPrefix(prefix + "-"))
        #expect(runId.count == prefix.count + 1 + 15 + 5, "a 4-character suffix was added: \(runId)")
        #expect(Harness.ssh("ls -A \(Self.runsRoot)/\(runId)").stdout.isEmpty, "the run dir is new and empty")
        // run_workload claims its dir in its one round trip: taken, it sends nothing there and a new run claims a dir of its own
        try "mine\n".write(toFile: ws.path + "/theirs.txt", atomically: true, encoding: .utf8)
        let workload = ws.tool(["action": "run_workload", "prefix": prefix, "command": "ls -A > listing.txt", "localPath": "theirs.txt"])
        let second = try #require(workload.json["runId"] as? String, "\(workload.stdout)")
        #expect(second != runId && second.hasPrefix(prefix + "-"))
        #expect(ws.waitUntilDone(runId: second)["state"] as? String == "COMPLETED")
        #expect(Harness.ssh("cat \(Self.runsRoot)/\(second)/theirs.txt").stdout == "mine\n")
        #expect(Harness.ssh("cat \(Self.runsRoot)/\(second)/listing.txt").stdout.contains("job.slurm\n"), "the job ran in its own dir")
        let others = Harness.ssh("grep -l -r -x mine \(Self.runsRoot)/\(prefix)-* --include=theirs.txt | grep -v -F -- /\(second)/ ; true").stdout
        #expect(others.isEmpty, "nothing was written into another ledger's dir: \(others)")
        let taken = Harness.run("/usr/bin/sqlite3", [ws.ledger, "SELECT n.runId FROM runNote n WHERE n.text LIKE '%already taken%'"]).stdout
        #expect(!taken.isEmpty && !taken.contains(second), "the run whose dir was taken says so")
    }
}
