import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The remote bash programs and the real OpenSSH transport code, run on
/// this machine: a stand-in `ssh` executes the command line with bash
/// locally, so streaming, quoting and the programs themselves are tested
/// without a cluster.
@Suite struct LocalRemoteProgramTests {
    final class Bed {
        let root = TestSupport.temporaryDirectory()
        var workspace: String { root + "/ws" }
        var remoteRoot: String { root + "/remote" }
        var fakeSSH: String { root + "/ssh" }
        let context: ActionContext

        /// `withoutOpenSSL`: the "cluster" finds every program of /usr/bin
        /// and /bin but openssl (as a minimal Debian has), so the programs'
        /// sha256sum fallback runs.
        /// `withSlurm`: stand-ins for sbatch (job 4242), scontrol (the held
        /// job in the dir it was submitted from; release) and scancel, each
        /// logging its call to `slurm.log`.
        /// `clock`: the context's clock (a fixed one where a test computes a run id the action will compute too).
        init(archiveCap: Int? = nil, withoutOpenSSL: Bool = false, withSlurm: Bool = false, clock: (@Sendable () -> Date)? = nil) throws {
            try FileManager.default.createDirectory(atPath: root + "/ws", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/remote", withIntermediateDirectories: true)
            var remotePath = CleanEnvironment.path
            if withSlurm {
                let stubs = root + "/slurm-bin"
                try FileManager.default.createDirectory(atPath: stubs, withIntermediateDirectories: true)
                let log = root + "/slurm.log"
                let programs = [
                    "sbatch": "echo \"sbatch $PWD\" >> '\(log)'; echo 4242",
                    "scontrol": """
                    echo "scontrol $*" >> '\(log)'
                    [ "$1" = show ] && echo "JobId=4242 JobName=job UserId=u(1001) JobState=PENDING Reason=JobHeldUser Dependency=(null) NumNodes=1 NumCPUs=1 Partition=cpu TimeLimit=00:05:00 TRES=cpu=1,mem=1G,node=1 OverSubscribe=OK WorkDir=$(pwd -P) StdErr=$(pwd -P)/slurm-4242.err StdIn=/dev/null StdOut=$(pwd -P)/slurm-4242.out"
                    exit 0
                    """,
                    "scancel": "echo \"scancel $*\" >> '\(log)'",
                ]
                for (name, body) in programs {
                    try "#!/bin/bash\n\(body)\n".write(toFile: stubs + "/" + name, atomically: true, encoding: .utf8)
                    chmod(stubs + "/" + name, 0o755)
                }
                remotePath = stubs + ":" + CleanEnvironment.path
            }
            if withoutOpenSSL {
                let farm = root + "/bin"
                try FileManager.default.createDirectory(atPath: farm, withIntermediateDirectories: true)
                for directory in ["/usr/bin", "/bin"] {
                    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name != "openssl" {
                        try? FileManager.default.createSymbolicLink(atPath: farm + "/" + name, withDestinationPath: directory + "/" + name)
                    }
                }
                remotePath = farm
            }
            // ssh's last argument is the command line for the remote shell.
            try "#!/bin/bash\necho call >> '\(root)/ssh.calls'\nexec /bin/bash -c \"${@: -1}\"\n".write(toFile: root + "/ssh", atomically: true, encoding: .utf8)
            chmod(root + "/ssh", 0o755)
            let config = """
            {"defaultCluster": "here", "clusters": {"here": {"sshTarget": "localhost-fake", "remoteRoot": "\(root)/remote",
             "slurmDefaults": {"time": "00:05:00"}}}\(archiveCap.map { ", \"archive\": {\"maxInputBytesPerRun\": \($0)}" } ?? "")}
            """
            let loaded = try ConfigLoader.load(data: Data(config.utf8), source: "test.json")
            let ledger = try Ledger(path: root + "/ws/.openclaw/cluster-runs/ledger.sqlite")
            let transport = OpenSSHTransport(environment: ["CLUSTER_SLURM_SSH": root + "/ssh", "CLUSTER_SLURM_CONTROL_DIR": root + "/cm",
                                                                "CLUSTER_SLURM_REMOTE_PATH": remotePath])
            context = ActionContext(loaded: loaded, ledger: ledger, transport: transport, workspace: root + "/ws", now: clock ?? { Date() })
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func write(_ relative: String, _ text: String) throws {
            let path = workspace + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        /// How many times ssh was started.
        var sshCalls: Int { ((try? String(contentsOfFile: root + "/ssh.calls", encoding: .utf8)) ?? "").split(separator: "\n").count }
        var slurmLog: [String] { ((try? String(contentsOfFile: root + "/slurm.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        func newRun() async throws -> String { try await InitRun.run(.init(), context: context).run.runId }
        func remote(_ runId: String, _ relative: String) -> String? {
            try? String(contentsOfFile: remoteRoot + "/" + runId + "/" + relative, encoding: .utf8)
        }
    }

    static let hostileNames = ["plain.txt", "with space.txt", "new\nline.txt", "back\\slash.txt", "'quote'.txt", "$(touch pwned).txt",
                               "-dash.txt", "tab\there.txt", "ünïcødé.txt", "semi;colon.txt", "star*.txt", String(repeating: "l", count: 200) + ".txt"]

    @Test func hostileNamesArriveExactAndVerified() async throws {
        let bed = try Bed()
        for (index, name) in Self.hostileNames.enumerated() { try bed.write("in/" + name, "content \(index)\n") }
        let runId = try await bed.newRun()
        let result = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(result.uploaded.count == Self.hostileNames.count)
        #expect(result.uploaded.allSatisfy { $0.verified && $0.sent })
        for (index, name) in Self.hostileNames.enumerated() { #expect(bed.remote(runId, "in/" + name) == "content \(index)\n", "\(name)") }
        #expect(!FileManager.default.fileExists(atPath: bed.remoteRoot + "/\(runId)/in/pwned"))
        #expect(!FileManager.default.fileExists(atPath: bed.workspace + "/pwned"))
        let staging = try FileManager.default.contentsOfDirectory(atPath: bed.remoteRoot + "/\(runId)").filter { $0.hasPrefix(".cluster-slurm-incoming") }
        #expect(staging.isEmpty)
        let again = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(again.bytesSent == 0 && again.filesSkipped == Self.hostileNames.count)
    }

    /// The quick check: an unchanged signature is trusted, a same-size
    /// same-mtime overwrite (ctime moved) is hashed and sent again.
    @Test func quickCheckTrustsOnlyAnUnchangedSignature() async throws {
        let bed = try Bed()
        try bed.write("a.txt", "aaaa")
        let runId = try await bed.newRun()
        _ = try await Upload.run(.init(runId: runId, localPaths: ["a.txt"]), context: bed.context)
        let remoteFile = bed.remoteRoot + "/\(runId)/a.txt"
        var before = stat()
        stat(remoteFile, &before)
        try Data("XXXX".utf8).write(to: URL(fileURLWithPath: remoteFile))
        var times = [before.st_atim, before.st_mtim]
        utimensat(AT_FDCWD, remoteFile, &times, 0)
        var after = stat()
        stat(remoteFile, &after)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_size == before.st_size)
        let result = try await Upload.run(.init(runId: runId, localPaths: ["a.txt"]), context: bed.context)
        #expect(result.bytesSent == 4)
        #expect(bed.remote(runId, "a.txt") == "aaaa")
    }

    /// Uploading the same inputs again archives nothing again: the run's
    /// archived bytes count each content once, so a tree over half the cap
    /// is not declared "not archived" by its second upload.
    /// The archive stores each content once while the upload travels: two
    /// files with the same bytes point at one blob and count once against
    /// the cap; the bytes stored are the files' own.
    @Test func sameContentIsArchivedOnceWhileItTravels() async throws {
        let bed = try Bed(archiveCap: 1000)
        try bed.write("in/a.txt", String(repeating: "s", count: 600))
        try bed.write("in/copy of a.txt", String(repeating: "s", count: 600))
        try bed.write("in/b.txt", String(repeating: "b", count: 300))
        let runId = try await bed.newRun()
        let up = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(up.uploaded.count == 3)
        let entries = try bed.context.ledger.uploadEntries(runId: runId)
        #expect(entries.allSatisfy { $0.blobSha256 == $0.sha256 }, "\(entries.map { ($0.relativePath, $0.blobSha256 ?? "-") })")
        #expect(try bed.context.ledger.archivedInputBlobs(runId: runId).count == 2)
        #expect(try bed.context.ledger.blob(sha256: Hashing.sha256Hex(String(repeating: "s", count: 600))) == Data(String(repeating: "s", count: 600).utf8))
        #expect(try #require(try bed.context.ledger.run(id: runId)).inputsNotArchived == false)
    }

    @Test func reUploadKeepsTheArchiveWhole() async throws {
        let bed = try Bed(archiveCap: 1500)
        try bed.write("in/a.txt", String(repeating: "a", count: 500))
        try bed.write("in/b.txt", String(repeating: "b", count: 500))
        let runId = try await bed.newRun()
        _ = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        _ = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        let run = try #require(try bed.context.ledger.run(id: runId))
        #expect(run.inputsNotArchived == false)
        #expect(try bed.context.ledger.archivedInputBlobs(runId: runId).count == 2)
        // a third file over what is left of the cap is the one not archived
        try bed.write("in/c.txt", String(repeating: "c", count: 600))
        _ = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(try #require(try bed.context.ledger.run(id: runId)).inputsNotArchived == true)
        #expect(try bed.context.ledger.archivedInputBlobs(runId: runId).count == 2)
    }

    @Test func manyFilesTravelOnStdin() async throws {
        let bed = try Bed()
        let count = 2_000
        for index in 0..<count { try bed.write("many/d\(index % 7)/a-rather-long-file-name-so-the-list-exceeds-one-argument-\(index).txt", "\(index)") }
        let runId = try await bed.newRun()
        let result = try await Upload.run(.init(runId: runId, localPaths: ["many"]), context: bed.context)
        #expect(result.uploaded.count == count)
        #expect(bed.remote(runId, "many/d4/a-rather-long-file-name-so-the-list-exceeds-one-argument-1999.txt") == "1999")
        // and back: a download of the whole folder streams every file into place
        let download = try await Download.run(.init(runId: runId, remotePaths: ["many"]), context: bed.context)
        #expect(download.files.count == count)
        let local = bed.context.localRunDirectory(try bed.context.ledger.requireRun(id: runId))
        #expect((try? String(contentsOfFile: local + "/many/d0/a-rather-long-file-name-so-the-list-exceeds-one-argument-0.txt", encoding: .utf8)) == "0")
        let leftovers = (FileManager.default.enumerator(atPath: local)?.allObjects as? [String] ?? []).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty)
    }

    @Test func largeFilesAreHashedWhileSentAndSmallOnesByTheListing() async throws {
        let bed = try Bed()
        let runId = try await bed.newRun()
        let dir = bed.remoteRoot + "/" + runId + "/out"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let large = RemoteScripts.hashedWhileListedBytes + 12_345
        var expected: [String: Data] = [:]
        for (index, name) in ["a small.txt", "b big\nline.bin", "c 'small'.txt", "d $(big).bin", "e-last-big.bin"].enumerated() {
            let size = name.contains("big") ? large + index : 100 + index
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: data)
            expected[name] = data
        }
        let result = try await Download.run(.init(runId: runId, remotePaths: ["out"]), context: bed.context)
        #expect(result.files.count == expected.count)
        let local = bed.context.localRunDirectory(try bed.context.ledger.requireRun(id: runId))
        for (name, data) in expected {
            #expect(FileManager.default.contents(atPath: local + "/out/" + name) == data, "\(name)")
            #expect(result.files.first { $0.localPath.hasSuffix("/" + name) }?.sha256 == Hashing.sha256Hex(data), "\(name)")
        }
    }

    /// Outputs are archived by content: downloaded again (to another local
    /// path), they point at the blob the first download stored.
    @Test func outputsAreArchivedOncePerContent() async throws {
        let bed = try Bed()
        let runId = try await bed.newRun()
        try FileManager.default.createDirectory(atPath: bed.remoteRoot + "/\(runId)/out", withIntermediateDirectories: true)
        try "result 42\n".write(toFile: bed.remoteRoot + "/\(runId)/out/result.txt", atomically: true, encoding: .utf8)
        _ = try await Download.run(.init(runId: runId, remotePaths: ["out/result.txt"]), context: bed.context)
        _ = try await Download.run(.init(runId: runId, remotePaths: ["out/result.txt"], localPath: "again.txt"), context: bed.context)
        let artifacts = try bed.context.ledger.artifacts(runId: runId)
        let sha = Hashing.sha256Hex("result 42\n")
        #expect(artifacts.count == 2 && artifacts.allSatisfy { $0.sha256 == sha && $0.blobSha256 == sha }, "\(artifacts)")
        #expect(try bed.context.ledger.blob(sha256: sha) == Data("result 42\n".utf8))
    }

    /// A cluster without openssl: both transfers hash with sha256sum instead.
    @Test func withoutOpenSSLTheTransfersFallBackToSha256sum() async throws {
        let bed = try Bed(withoutOpenSSL: true)
        #expect(!FileManager.default.fileExists(atPath: bed.root + "/bin/openssl"))
        let big = Data((0..<(RemoteScripts.hashedWhileListedBytes + 1)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try bed.write("in/small 'one'.txt", "small\n")
        _ = FileManager.default.createFile(atPath: bed.workspace + "/in/big.bin", contents: big)
        let runId = try await bed.newRun()
        let up = try await Upload.run(.init(runId: runId, localPaths: ["in"]), context: bed.context)
        #expect(up.uploaded.count == 2 && up.uploaded.allSatisfy { $0.verified })
        #expect(FileManager.default.contents(atPath: bed.remoteRoot + "/\(runId)/in/big.bin") == big)
        try FileManager.default.removeItem(atPath: bed.workspace + "/in")
        let down = try await Download.run(.init(runId: runId, remotePaths: ["in"]), context: bed.context)
        #expect(down.files.count == 2)
        let local = bed.context.localRunDirectory(try bed.context.ledger.requireRun(id: runId))
        #expect(FileManager.default.contents(atPath: local + "/in/big.bin") == big)
        #expect(down.files.first { $0.localPath.hasSuffix("/big.bin") }?.sha256 == Hashing.sha256Hex(big))
    }

    @Test func aStreamedHashThatDiffersLeavesNothing() throws {
        let root = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let body = Data(repeating: 7, count: 10_000)
        for (trailer, shouldLand) in [(Hashing.sha256Hex(body), true), (String(repeating: "0", count: 64), false), ("", false)] {
            let pipe = try PrivatePipe()
            var stream = body + Data(trailer.utf8)
            stream.withUnsafeMutableBytes { _ = write(pipe.writeEnd, $0.baseAddress!, $0.count) }
            close(pipe.writeEnd)
            defer { close(pipe.readEnd) }
            let destination = root + "/file.bin"
            let outcome = Result { try Download.copyVerified(from: ByteSource(fd: pipe.readEnd), count: Int64(body.count), to: destination, expected: nil) }
            #expect(((try? outcome.get()) != nil) == shouldLand, "trailer \(trailer)")
            #expect(FileManager.default.fileExists(atPath: destination) == shouldLand)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains(".partial-") }.isEmpty)
            try? FileManager.default.removeItem(atPath: destination)
        }
    }

    /// Collects a stream in memory.
    final class Collected: ByteWriter, @unchecked Sendable {
        var data = Data()
        func write(_ bytes: Data) throws { data.append(bytes) }
    }

    @Test func theReceiverPlacesNothingUnlessTheStreamsHashAgrees() async throws {
        let bed = try Bed()
        let runId = try await bed.newRun()
        let names = ["ok.txt", String(repeating: "n", count: 150) + ".txt"]
        for name in names { try bed.write(name, "bytes of \(name)\n") }
        let collected = Collected()
        let tar = TarWriter(sink: collected)
        var manifest = Data()
        for name in names {
            let path = bed.workspace + "/" + name
            try tar.appendFile(localPath: path, archiveName: "files/" + name, size: Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count), mtime: 0)
            manifest += Data("L\0\(Hashing.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path))))\0\(name)\0".utf8)
        }
        try tar.appendData(manifest, archiveName: "manifest")
        try tar.finish()
        #expect(Int64(collected.data.count) == TarWriter.length(of: names.map { (("files/" + $0).utf8.count, Int64("bytes of \($0)\n".utf8.count)) }
                                                               + [("manifest".utf8.count, Int64(manifest.count))]))
        let runDir = bed.remoteRoot + "/" + runId
        for (trailer, placed) in [(String(repeating: "0", count: 64), false), ("", false), (Hashing.sha256Hex(collected.data), true)] {
            let stdin = Data("\(collected.data.count)\n".utf8) + collected.data + Data((trailer + "\n").utf8)
            let result = try await bed.context.transport.run(
                RemoteCall(label: "t", script: RemoteScripts.receiveUpload, arguments: [.literal(runDir), .literal("")], stdin: .bytes(stdin)),
                on: SSHEndpoint(profile: try bed.context.profile("here")))
            #expect(result.succeeded == placed, "trailer '\(trailer)': \(result.stderr)")
            #expect(bed.remote(runId, "ok.txt") == (placed ? "bytes of ok.txt\n" : nil))
            #expect(bed.remote(runId, names[1]) == (placed ? "bytes of \(names[1])\n" : nil))
            #expect(placed || result.stderr.contains("nothing was placed"))
            let staging = try FileManager.default.contentsOfDirectory(atPath: runDir).filter { $0.hasPrefix(".cluster-slurm-incoming") }
            #expect(staging.isEmpty)
        }
    }

    @Test func aFileChangedAfterItWasHashedIsNotSent() async throws {
        let bed = try Bed()
        try bed.write("in/a.txt", "first\n")
        try bed.write("in/b.txt", "second\n")
        let runId = try await bed.newRun()
        let sources = try LocalFiles.collectSources(["in"], workspace: bed.workspace, field: "localPath")
        // same size, new bytes: only the stat signature (mtime, ctime) can tell
        try bed.write("in/b.txt", "SECOND\n")
        await #expect(throws: ClusterSlurmError.self) {
            _ = try await Upload.send(sources, run: try bed.context.ledger.requireRun(id: runId), subdir: nil, context: bed.context, remoteKnownEmpty: true)
        }
        #expect(bed.remote(runId, "in/a.txt") == nil && bed.remote(runId, "in/b.txt") == nil)
        // The receiver was hung up on and removes its staging dir as it exits, on its own
        // time: a bounded wait for that observable state.
        var staging: [String] = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            staging = try FileManager.default.contentsOfDirectory(atPath: bed.remoteRoot + "/" + runId).filter { $0.hasPrefix(".cluster-slurm-incoming") }
            if staging.isEmpty { break }
            usleep(20_000)
        } while Date() < deadline
        #expect(staging.isEmpty)
    }

    @Test func tarFieldsTooLargeForOctalUseBase256() {
        #expect(TarWriter.numericField(0o777, length: 8) == Array("0000777".utf8) + [0])
        let eightGiB = Int64(1) << 33
        #expect(TarWriter.numericField(eightGiB - 1, length: 12) == Array("77777777777".utf8) + [0])
        let big = TarWriter.numericField(eightGiB, length: 12)
        #expect(big[0] == 0x80 && big.count == 12)
        #expect(big.dropFirst().reduce(Int64(0)) { $0 << 8 | Int64($1) } == eightGiB)
    }

    /// run_workload's first contact, the real program: one ssh, the dir
    /// claimed, the inputs placed and recorded, the job submitted held and
    /// released. File names that spell the submit program's markers are
    /// only names: the question and the held job are read after the stage
    /// mark, so the job is released from the real run dir.
    @Test func aNewRunIsClaimedUploadedAndSubmittedInOneRoundTrip() async throws {
        let bed = try Bed(withSlurm: true)
        let names = ["a.txt", "\n@@AWAIT_REPLY\n", "\n@@RUNDIR x\n@@SCONTROL\nJobId=1 WorkDir=x\n@@SCONTROL_RC=0\n", "@@CLUSTER_SLURM_SUBMIT@@\n99"]
        for (index, name) in names.enumerated() { try bed.write(name, "input \(index)") }
        let result = try await RunWorkload.run(.init(commands: ["cat a.txt"], localPaths: names), context: bed.context)
        #expect(result.jobId == "4242")
        #expect(bed.sshCalls == 1, "one round trip")
        let runDir = bed.remoteRoot + "/" + result.runId
        #expect(bed.slurmLog.first == "sbatch \(runDir)")
        #expect(bed.slurmLog.contains("scontrol release 4242") && !bed.slurmLog.contains { $0.hasPrefix("scancel") })
        for (index, name) in names.enumerated() { #expect(bed.remote(result.runId, name) == "input \(index)") }
        let inputs = try bed.context.ledger.currentInputs(runId: result.runId)
        #expect(Set(inputs.map(\.relativePath)) == Set(names) && inputs.allSatisfy(\.verified))
        #expect(result.uploaded.count == names.count && result.uploaded.allSatisfy { $0.sent && $0.verified })
        let manifest = try String(contentsOfFile: runDir + "/.cluster-slurm-inputs.all.sha256", encoding: .utf8)
        #expect(manifest.contains(Hashing.sha256Hex("input 0") + "  a.txt"), "the job checks its inputs on the compute node")
        #expect(try bed.context.ledger.submitAttempts(runId: result.runId).map(\.outcome) == [.submitted])
        #expect(try bed.context.ledger.openSubmitIntents(runId: result.runId).isEmpty)
    }

    /// A run dir that is already there (another ledger's run with the same
    /// id) gets nothing: the first contact stops at the claim, and a new run
    /// claims its own dir first.
    @Test func aTakenRunDirGetsNothing() async throws {
        // a fixed clock: the id computed here is the one the action computes, whatever second it is
        let fixed = Date()
        let bed = try Bed(withSlurm: true, clock: { fixed })
        try bed.write("a.txt", "mine")
        // The id the ledger will choose next, taken on the "cluster" with someone else's file.
        let taken = try bed.context.ledger.nextFreeRunId(prefix: nil, now: bed.context.now())
        try FileManager.default.createDirectory(atPath: bed.remoteRoot + "/" + taken, withIntermediateDirectories: true)
        try "theirs".write(toFile: bed.remoteRoot + "/" + taken + "/a.txt", atomically: true, encoding: .utf8)
        let result = try await RunWorkload.run(.init(commands: ["cat a.txt"], localPaths: ["a.txt"]), context: bed.context)
        #expect(result.runId != taken && result.jobId == "4242")
        #expect(bed.remote(taken, "a.txt") == "theirs", "the other run's dir is untouched")
        #expect(bed.remote(result.runId, "a.txt") == "mine")
        #expect(bed.slurmLog.filter { $0.hasPrefix("sbatch") } == ["sbatch \(bed.remoteRoot)/\(result.runId)"])
        #expect(try bed.context.ledger.submitAttempts(runId: taken).isEmpty)
        #expect(try bed.context.ledger.openSubmitIntents(runId: taken).isEmpty)
        #expect(try bed.context.ledger.archive(runId: taken).notes.contains { $0.text.contains("already taken") })
    }

    @Test func claimIsExclusive() async throws {
        let bed = try Bed()
        let word = ShellWord.literal(bed.remoteRoot + "/claimed")
        let first = try await bed.context.transport.run(RemoteCall(label: "claim", script: RemoteScripts.claimRunDirectory, arguments: [word]),
                                                        on: SSHEndpoint(target: "x"))
        #expect(first.succeeded)
        let second = try await bed.context.transport.run(RemoteCall(label: "claim", script: RemoteScripts.claimRunDirectory, arguments: [word]),
                                                         on: SSHEndpoint(target: "x"))
        #expect(second.exitStatus == RemoteExit.runDirectoryTaken.rawValue && second.stderr.contains("exists already"))
    }

    @Test func inputManifestChecksHostileNames() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let dir = scratch.path
        var entries: [(path: String, sha256: String)] = []
        for (index, name) in Self.hostileNames.enumerated() {
            let data = Data("x\(index)".utf8)
            try data.write(to: URL(fileURLWithPath: dir + "/" + name))
            entries.append((name, Hashing.sha256Hex(data)))
        }
        try InputManifest.text(entries).write(toFile: dir + "/m.sha256", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = ["--check", "--strict", "--quiet", "m.sha256"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func statRecordsParse() {
        let text = "regular file|12 4 2026-11-29 09:00:00.000000000 +0000 2026-11-29 09:00:01.123456789 +0000\twe\tird\nname\0"
            + "symbolic link|13 3 x y\tlink\0garbage\0"
        let records = RemoteStat.parseRecords(text)
        #expect(records["we\tird\nname"]?.isRegularFile == true)
        #expect(records["we\tird\nname"]?.size == 4)
        #expect(records["link"]?.isRegularFile == false)
        #expect(records.count == 2)
    }
}
