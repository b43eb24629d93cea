import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `download`: files or folders from inside the remote run dir into the run's
/// local dir, never elsewhere. Two round trips whatever the number of files:
/// one lists (refusing paths that leave the run dir) and hashes the small
/// files, one streams the bytes, the large files hashed on the cluster as
/// they are sent (read once there). Each file lands under a temporary name
/// and is renamed only after its sha256 matches the cluster's.
public enum Download {
    public struct Request: Codable, Sendable {
        public var runId: String
        public var remotePaths: [String]
        public var localPath: String?
        /// Where remote paths are taken from and confined to, on the cluster:
        /// the run's remote dir unless set (the profile's remoteRoot, for a
        /// file outside any run, as the reference allows).
        public var remoteBase: RemotePath?
        public init(runId: String, remotePaths: [String], localPath: String? = nil, remoteBase: RemotePath? = nil) {
            self.runId = runId
            self.remotePaths = remotePaths
            self.localPath = localPath
            self.remoteBase = remoteBase
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var remotePath: String
        public var localPath: String
        public var size: Int64
        public var sha256: String
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var runId: String
        public var remotePath: String
        public var localPath: String
        public var files: [File]
        /// The run's metrics, when its declared metrics file was among the files.
        public var metrics: [String: Double]?
        /// Why the metrics file gave no metrics (or which values were not numbers).
        public var metricsNote: String?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext, field: String = "remotePath") async throws -> Result {
        guard !request.remotePaths.isEmpty else { throw ClusterSlurmError.invalidInput("give a remote path to download", path: field) }
        let run = try context.ledger.requireRun(id: request.runId)
        let profile = try context.profile(run.cluster)
        let endpoint = SSHEndpoint(profile: profile)
        let runDir = try request.remoteBase ?? context.remoteRunDirectory(run)
        let relativeRequests = try request.remotePaths.enumerated().map { index, path in
            try relative(path, to: runDir.description, field: request.remotePaths.count == 1 ? field : "\(field)s[\(index)]")
        }
        let localRunDir = context.localRunDirectory(run)
        // Where the files would land is checked before anything is asked of the cluster.
        if let requested = request.localPath {
            _ = try LocalFiles.downloadDestination(requested, defaultRelative: ".", runDirectory: localRunDir, field: "localPath")
        }
        try LocalFiles.makePrivateDirectory(localRunDir)

        let listing = try await context.transport.run(
            RemoteCall(label: "download (list)", script: RemoteScripts.listForDownload,
                       arguments: [runDir.word], stdin: .bytes(Upload.nulSeparated(relativeRequests))),
            on: endpoint)
        // sha is nil for a file the cluster hashes while sending it.
        var entries: [(sha: String?, size: Int64, relative: String)] = []
        var problems: [String] = []
        for record in listing.stdoutText.split(separator: "\0", omittingEmptySubsequences: true) {
            if record.hasPrefix("@@ERR ") {
                let parts = record.dropFirst(6).split(separator: " ", maxSplits: 1).map(String.init)
                let what = parts.first ?? "error", subject = parts.count > 1 ? parts[1] : ""
                switch what {
                case "nodir": problems.append("\(runDir) does not exist on \(profile.sshTarget)")
                case "missing": problems.append("\(subject): no such file in \(runDir)")
                case "outside": problems.append("\(subject): resolves outside \(runDir); refused")
                case "symlink": problems.append("\(subject): is a symlink; refused")
                case "notfile": problems.append("\(subject): is not a regular file (a FIFO, socket or device); refused")
                default: problems.append(String(record))
                }
                continue
            }
            let parts = record.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0].count == 64 || parts[0] == "-", let size = Int64(parts[1]) else { continue }
            entries.append((parts[0] == "-" ? nil : parts[0], size, parts[2]))
        }
        guard problems.isEmpty else {
            throw ClusterSlurmError.invalidInput(problems.joined(separator: "; "), path: field)
        }
        guard !entries.isEmpty else {
            throw ClusterSlurmError(.notFound, "nothing to download: \(relativeRequests.joined(separator: ", ")) holds no files", path: field)
        }

        let singleFile = entries.count == 1 && relativeRequests.count == 1 && entries[0].relative == relativeRequests[0]
        let destinations: [String]
        let reportedLocal: String
        if singleFile {
            let target = try LocalFiles.downloadDestination(request.localPath, defaultRelative: entries[0].relative,
                                                            runDirectory: localRunDir, field: "localPath")
            var isDirectory: ObjCBool = false
            let intoDirectory = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) && isDirectory.boolValue
            let file = intoDirectory ? target + "/" + (entries[0].relative as NSString).lastPathComponent : target
            destinations = [file]
            reportedLocal = file
        } else {
            let base = try LocalFiles.downloadDestination(request.localPath, defaultRelative: ".", runDirectory: localRunDir, field: "localPath")
            destinations = try entries.map { base + "/" + (try LocalFiles.checkedRelative($0.relative, field: field)) }
            reportedLocal = base
        }
        for destination in destinations {
            _ = try LocalFiles.downloadDestination(destination, defaultRelative: ".", runDirectory: localRunDir, field: "localPath")
        }

        for destination in destinations {
            try LocalFiles.makePrivateDirectory((destination as NSString).deletingLastPathComponent)
        }
        // The bytes arrive back to back on ssh's stdout and are split into
        // files as they come: each goes to one temporary file beside its
        // destination and is renamed only after its hash matches. Nothing is
        // staged anywhere else, and an interrupted download leaves nothing.
        let plan = Array(zip(entries, destinations))
        // The files the consumer thread has finished, read after ssh ends.
        let received = Locked<[File]>([])
        let meter = ProgressMeter(observer: context.progress, phase: .downloading, total: entries.reduce(0) { $0 + $1.size }, files: entries.count)
        defer { meter.finish() }
        // Temporaries a killed download left (its process gone) are removed first.
        LocalFiles.removeStalePartials(in: localRunDir)
        let fetched: RemoteResult
        do {
            fetched = try await context.transport.run(
            RemoteCall(label: "download", script: RemoteScripts.sendFiles, arguments: [runDir.word],
                       stdin: .bytes(Upload.nulSeparated(entries.flatMap { [$0.sha == nil ? "S" : "L", String($0.size), $0.relative] })),
                       stdout: .consumer { source in
                           for (entry, destination) in plan {
                               let sha = try copyVerified(from: source, count: entry.size, to: destination, expected: entry.sha, onBytes: meter.add)
                               received.withLock { $0.append(File(remotePath: runDir.appending(entry.relative).description, localPath: destination,
                                                    size: entry.size, sha256: sha)) }
                           }
                       }),
            on: endpoint)
        } catch {
            // The files placed before the cut are recorded: the run dir and the ledger agree.
            try? recordPlaced(received.value, run: run, context: context)
            throw error
        }
        guard fetched.succeeded else {
            try? recordPlaced(received.value, run: run, context: context)
            throw RemoteFailure.error(action: "download", to: "\(profile.sshTarget):\(run.remoteRunDir)", result: fetched)
        }
        let files = received.value
        try recordPlaced(files, run: run, context: context)
        let remoteReported = relativeRequests.count == 1 ? runDir.appending(relativeRequests[0]).description : runDir.description
        var result = Result(cluster: run.cluster, runId: run.id, remotePath: remoteReported, localPath: reportedLocal, files: files)
        if let declared = run.metricsFile ?? profile.metricsFile,
           let file = files.first(where: { $0.remotePath == runDir.appending(declared).description }) {
            (result.metrics, result.metricsNote) = try ingestMetrics(file, declared: declared, runId: run.id, context: context)
        }
        return result
    }

    /// Records files now in the local run dir, each verified as it arrived,
    /// as the run's artifacts (archived by content under the cap).
    package static func recordPlaced(_ files: [File], run: RunRecord, context: ActionContext) throws {
        guard !files.isEmpty else { return }
        let stamp = Timestamp.string(context.now())
        // Outputs under the cap are archived by content: one the archive already holds is not read again
        // (a repeated download archives nothing new); a new one is read back and must still hash as received.
        let archivable = files.filter { $0.size <= context.config.archive.maxOutputBytes }
        var archived = try context.ledger.existingBlobs(archivable.map(\.sha256))
        var archive: [String: Data] = [:]
        // A file that holds one of the run's secret values is recorded (path, size, sha256) but its
        // bytes never enter the archive: secrets never enter the ledger, and a redacted copy would
        // not be the file.
        let redactor = context.ledger.redactor(runId: run.id)
        for file in archivable where !archived.contains(file.sha256) {
            if let data = FileManager.default.contents(atPath: file.localPath), Hashing.sha256Hex(data) == file.sha256 {
                if let redactor, let text = String(data: data, encoding: .utf8), redactor.redact(text) != text { continue }
                archive[file.sha256] = data
                archived.insert(file.sha256)
            }
        }
        try context.ledger.recordArtifacts(files.map {
            ArtifactRecord(id: nil, runId: run.id, remotePath: $0.remotePath, localPath: $0.localPath, size: $0.size, sha256: $0.sha256,
                           downloadedAt: stamp, blobSha256: $0.size <= context.config.archive.maxOutputBytes && archived.contains($0.sha256) ? $0.sha256 : nil)
        }, archive: archive, now: context.now())
    }

    /// The numbers of the run's metrics file, recorded in the ledger.
    package static func ingestMetrics(_ file: File, declared: String, runId: String, context: ActionContext) throws -> ([String: Double]?, String?) {
        guard let data = FileManager.default.contents(atPath: file.localPath) else { return (nil, "\(declared) could not be read back") }
        switch RunMetrics.parse(data) {
        case .failure(let problem): return (nil, "\(declared): \(problem.message)")
        case .success(let parsed):
            try context.ledger.recordMetrics(runId: runId, values: parsed.values, sourcePath: declared, sourceSha256: file.sha256, now: context.now())
            return (parsed.values, parsed.skipped.isEmpty ? nil : "not numbers, so not metrics: " + parsed.skipped.joined(separator: ", "))
        }
    }

    /// Copies `count` bytes to a temporary file beside `destination`, checks
    /// the hash (`expected`, or when nil the 64 hex digits the cluster sends
    /// right after the bytes), then renames; a mismatch, a short stream, a
    /// full disk or an interruption leaves nothing under the final name and
    /// no temporary.
    package static func copyVerified(from input: ByteSource, count: Int64, to destination: String, expected known: String?,
                             onBytes: (Int64) -> Void = { _ in }) throws -> String {
        let temporary = (destination as NSString).deletingLastPathComponent + "/.\((destination as NSString).lastPathComponent).partial-\(getpid())"
        let output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw LocalFiles.ioError("cannot create", temporary, errno: errno)
        }
        var hasher = StreamingSHA256()
        var remaining = count
        do {
            defer { close(output) }
            while remaining > 0 {
                let chunk = try input.read(upTo: Int(min(1 << 20, remaining)))
                if chunk.isEmpty { break }
                hasher.update(chunk)
                try LocalFiles.writeAll(chunk, to: output, path: destination)
                remaining -= Int64(chunk.count)
                onBytes(Int64(chunk.count))
            }
        } catch {
            unlink(temporary)
            throw error
        }
        let sha = hasher.finalize()
        var expected = known ?? ""
        if known == nil, remaining == 0 {
            do { expected = String(decoding: try readExactly(64, from: input), as: UTF8.self) } catch { unlink(temporary); throw error }
        }
        guard remaining == 0, sha == expected else {
            unlink(temporary)
            throw ClusterSlurmError.remote("\(destination): received bytes do not match the cluster's sha256 (\(remaining == 0 ? "hash \(sha) != \(expected)" : "\(remaining) bytes short")); nothing was written, try again")
        }
        guard rename(temporary, destination) == 0 else {
            let code = errno
            unlink(temporary)
            throw LocalFiles.ioError("cannot move \(temporary) to", destination, errno: code)
        }
        return sha
    }

    /// Exactly `count` bytes, or fewer when the stream ends first.
    package static func readExactly(_ count: Int, from input: ByteSource) throws -> Data {
        var data = Data()
        while data.count < count {
            let chunk = try input.read(upTo: count - data.count)
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        return data
    }

    /// A requested remote path as a path relative to the run dir.
    package static func relative(_ path: String, to base: String, field: String) throws -> String {
        if path.hasPrefix("/") || path.hasPrefix("~") || path.hasPrefix("$") {
            let normalized = RemotePath(parsing: path)?.description ?? path
            let prefix = base.hasSuffix("/") ? base : base + "/"
            guard normalized.hasPrefix(prefix) else {
                throw ClusterSlurmError.invalidInput("downloads come only from inside \(base) (got \"\(path)\")", path: field)
            }
            return try LocalFiles.checkedRelative(String(normalized.dropFirst(prefix.count)), field: field)
        }
        return try LocalFiles.checkedRelative(path, field: field)
    }
}

extension Download {
    /// The run whose remote dir holds `remotePath` (absolute), for calls that
    /// name a remote path without a runId, as the reference's `download` does.
    package static func owningRun(remotePath: String, context: ActionContext) throws -> String {
        if let runId = try context.ledger.runId(containingRemotePath: remotePath) { return runId }
        throw ClusterSlurmError.invalidInput(
            "downloads come only from a run directory this ledger knows; pass runId, or a remotePath inside a run's remote dir (got \"\(remotePath)\")",
            path: "runId")
    }

    /// A download without a run (the reference's `download` of any file
    /// under remoteRoot): from the run that owns the path if there is one,
    /// else into a new local-only run made for it, taken from and confined
    /// to the profile's remoteRoot on the cluster. Files always land in a
    /// run's local directory.
    package static func withoutRun(remotePath: String, localPath: String?, cluster: String?, context: ActionContext) async throws -> Result {
        if let runId = try context.ledger.runId(containingRemotePath: remotePath) {
            return try await run(.init(runId: runId, remotePaths: [remotePath], localPath: localPath), context: context)
        }
        let clusterId = try Router.route(RoutingRequest(explicitCluster: cluster, existingRunCluster: nil, workload: nil, commands: []),
                                         config: context.config).clusterId
        let root = try context.profile(clusterId).remoteRoot
        let normalized = RemotePath(parsing: remotePath)?.description ?? remotePath
        guard normalized.hasPrefix(root.description.hasSuffix("/") ? root.description : root.description + "/") else {
            throw ClusterSlurmError.invalidInput(
                "downloads come only from inside the profile's remoteRoot \(root) or a run directory this ledger knows (got \"\(remotePath)\"); pass runId for a run's file",
                path: "remotePath")
        }
        let made = try await InitRun.run(.init(cluster: clusterId, prefix: "download", createRemote: false), context: context)
        return try await run(.init(runId: made.run.runId, remotePaths: [remotePath], localPath: localPath, remoteBase: root), context: context)
    }
}
