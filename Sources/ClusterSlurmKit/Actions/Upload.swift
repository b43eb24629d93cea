import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `upload`: files and folders into the run dir in one tar stream, verified
/// by sha256 on the cluster in the same round trip; files already there with
/// the same hash are not sent again.
public enum Upload {
    public struct Request: Codable, Sendable {
        public var runId: String
        public var localPaths: [String]
        /// A sub-directory of the run dir; default the run dir itself.
        public var remoteDir: String?
        public init(runId: String, localPaths: [String], remoteDir: String? = nil) {
            self.runId = runId
            self.localPaths = localPaths
            self.remoteDir = remoteDir
        }
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var localPath: String
        public var remotePath: String
        public var relativePath: String
        public var size: Int64
        public var sha256: String
        /// False when the cluster already had identical bytes.
        public var sent: Bool
        public var verified: Bool
        /// Where the hash is checked: the login node now, or the job on the compute node.
        public var verifiedOn: String
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var runId: String
        public var remoteDir: String
        public var uploaded: [Entry]
        public var bytesSent: Int64
        public var filesSkipped: Int
        /// Empty directories made on the cluster (relative to remoteDir).
        public var directoriesCreated: [String]?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext, remoteKnownEmpty: Bool = false) async throws -> Result {
        guard !request.localPaths.isEmpty else {
            throw ClusterSlurmError.invalidInput("give at least one file or folder to upload (localPath or localPaths[])", path: "localPaths")
        }
        let run = try context.ledger.requireRun(id: request.runId)
        let subdir = try request.remoteDir.flatMap { $0.isEmpty || $0 == "." ? nil : try remoteSubdirectory($0, run: run) }
        let sources = try LocalFiles.collectSources(request.localPaths, workspace: context.workspace, field: request.localPaths.count == 1 ? "localPath" : "localPaths", progress: context.progress, cache: context.ledger, now: context.now, ledgerPath: context.ledger.path)
        return try await send(sources, run: run, subdir: subdir, context: context, remoteKnownEmpty: remoteKnownEmpty,
                              emptyDirectories: LocalFiles.emptyDirectories(request.localPaths, workspace: context.workspace))
    }

    /// Sends already-collected sources (also used by replay, whose sources
    /// come from the archive) and records the manifest.
    package static func send(_ sources: [LocalFiles.Source], run: RunRecord, subdir: String?, context: ActionContext,
                     remoteKnownEmpty: Bool, emptyDirectories: [String] = []) async throws -> Result {
        let prepared = try await prepare(sources, run: run, subdir: subdir, context: context, emptyDirectories: emptyDirectories,
                                         remoteKnownEmpty: remoteKnownEmpty)
        // The archive's thread is done before this returns, whatever happens to the transfer.
        defer { _ = try? prepared.archiving.wait() }
        var report = ""
        if let sending = prepared.sending(context: context) {
            defer { sending.meter.finish() }
            let result = try await context.transport.run(
                RemoteCall(label: "upload", script: RemoteScripts.receiveUpload,
                           arguments: [prepared.runDir.word, .literal(subdir ?? "")], stdin: .producer(sending.producer)),
                on: prepared.endpoint)
            guard result.succeeded else {
                throw RemoteFailure.error(action: "upload", to: "\(prepared.target):\(prepared.destination)", result: result)
            }
            report = result.stdoutText
        }
        return try prepared.finish(report: report, context: context)
    }

    /// What is to be sent and how, decided before anything is sent: the
    /// stream to write (nil when the cluster already has every file) and,
    /// once the cluster has answered, `finish` to check and record it.
    package struct Prepared: Sendable {
        package var sources: [LocalFiles.Source]
        package var run: RunRecord
        package var subdir: String?
        package var runDir: RemotePath
        package var destination: RemotePath
        package var endpoint: SSHEndpoint
        package var target: String
        package var alreadyThere: [String: String]
        package var remoteSignature: [String: String]
        package var deferred: Set<String>
        package var toSend: [LocalFiles.Source]
        package var manifest: Data
        /// Empty directories to make (relative to the destination); they travel in the manifest.
        package var emptyDirectories: [String] = []
        /// Stores the inputs' contents in the ledger's archive while they travel.
        package var archiving: InputArchiving
        /// The sha256 the producer thread sent after the stream, read once ssh ends.
        package var streamHash = Locked<String?>(nil)

        package var bytesToSend: Int64 { toSend.reduce(0) { $0 + $1.size } }
        package var filesToSend: Int { toSend.count }

        /// The stream as ssh's standard input, its file bytes counted by a progress meter (to finish when
        /// the call ends); nil when there is nothing to send.
        package func sending(context: ActionContext) -> (producer: @Sendable (ByteSink) throws -> Void, meter: ProgressMeter)? {
            guard let stream else { return nil }
            let meter = ProgressMeter(observer: context.progress, phase: .uploading, total: bytesToSend, files: filesToSend)
            return ({ sink in try stream(sink, meter.add) }, meter)
        }

        /// Writes the upload stream (`receiveUpload`'s standard input), reporting file bytes as they go.
        private var stream: (@Sendable (ByteSink, @escaping @Sendable (Int64) -> Void) throws -> Void)? {
            guard !toSend.isEmpty || !emptyDirectories.isEmpty else { return nil }
            let (files, manifest, streamHash) = (toSend, manifest, streamHash)
            return { sink, onFileBytes in
                // The tar goes straight into ssh: no copy on the local disk. Its length
                // comes first and its sha256 after it, so the cluster checks every byte
                // as it arrives and places nothing unless they agree.
                let length = TarWriter.length(of: files.map { (("files/" + $0.relativePath).utf8.count, $0.size) } + [("manifest".utf8.count, Int64(manifest.count))])
                try sink.write(Data("\(length)\n".utf8))
                let digesting = DigestingWriter(sink)
                let tar = TarWriter(sink: digesting, onFileBytes: onFileBytes)
                for source in files {
                    try tar.appendFile(localPath: source.localPath, archiveName: "files/" + source.relativePath,
                                       size: source.size, mtime: source.mtime, signature: source.signature)
                }
                try tar.appendData(manifest, archiveName: "manifest")
                try tar.finish()
                guard digesting.count == length else {
                    throw ClusterSlurmError.io("the upload stream came out \(digesting.count) bytes long instead of \(length); nothing was placed")
                }
                let hash = digesting.finalize()
                streamHash.set(hash)
                try sink.write(Data((hash + "\n").utf8))
            }
        }

        /// Checks what the cluster reported (`receiveUpload`'s output; empty when nothing was sent)
        /// against what was sent, then archives and records the upload.
        package func finish(report: String, context: ActionContext) throws -> Result {
            var remoteSignature = remoteSignature
            var verified: [String: String] = [:]
            if !toSend.isEmpty || !emptyDirectories.isEmpty {
                guard let sent = streamHash.value, report.contains("@@STREAM \(sent)\0") else {
                    throw ClusterSlurmError.remote("the cluster did not confirm the upload stream's sha256 \(streamHash.value ?? "(not sent)"); the upload was not verified, run it again")
                }
                for (hash, stat) in RemoteStat.parseUploadReport(report) {
                    verified[stat.name] = hash
                    remoteSignature[stat.name] = stat.signature
                }
            }
            var entries: [Entry] = []
            for source in sources {
                let sent = alreadyThere[source.relativePath] != source.sha256
                let remoteHash = sent ? verified[source.relativePath] : alreadyThere[source.relativePath]
                let onComputeNode = deferred.contains(source.relativePath)
                guard remoteHash == source.sha256 || (onComputeNode && sent && remoteHash == "-") else {
                    throw ClusterSlurmError.remote("\(source.relativePath) arrived on \(target) with sha256 \(remoteHash ?? "none"), expected \(source.sha256); the upload was not verified, run it again")
                }
                entries.append(Entry(localPath: source.localPath, remotePath: destination.appending(source.relativePath).description,
                                     relativePath: runRelativePath(source),
                                     size: source.size, sha256: source.sha256, sent: sent, verified: !onComputeNode,
                                     verifiedOn: onComputeNode ? "compute node (when the job starts)" : "login node"))
            }
            let archived = try archiving.wait()
            try Upload.record(entries, sources: sources, run: run, destination: destination, remoteSignature: remoteSignature,
                              archived: archived, context: context)
            return Result(cluster: run.cluster, runId: run.id, remoteDir: destination.description, uploaded: entries,
                          bytesSent: entries.filter(\.sent).reduce(0) { $0 + $1.size }, filesSkipped: entries.filter { !$0.sent }.count,
                          directoriesCreated: emptyDirectories.isEmpty ? nil : emptyDirectories)
        }

        /// The inputs as the ledger will list them once `finish` has recorded them: what the job's manifest checks.
        package var plannedInputs: [(relativePath: String, sha256: String, verified: Bool)] {
            sources.map { (runRelativePath($0), $0.sha256, !deferred.contains($0.relativePath)) }
        }

        /// A source's path inside the run dir, as the ledger lists the run's inputs.
        private func runRelativePath(_ source: LocalFiles.Source) -> String { (subdir.map { $0 + "/" } ?? "") + source.relativePath }
    }

    /// Decides what to send: asks the cluster what it already has (unless
    /// the destination is known to be empty), and which files the login
    /// node may hash within its budget.
    package static func prepare(_ sources: [LocalFiles.Source], run: RunRecord, subdir: String?, context: ActionContext, emptyDirectories: [String] = [],
                        remoteKnownEmpty: Bool) async throws -> Prepared {
        let profile = try context.profile(run.cluster)
        let runDir = try context.remoteRunDirectory(run)
        let destination = subdir.map { runDir.appending($0) } ?? runDir
        let endpoint = SSHEndpoint(profile: profile)

        // What is already there. A file is trusted without hashing only when
        // its stat signature (inode, size, mtime and ctime in nanoseconds) is
        // the one recorded right after this ledger verified it with the same
        // hash: nothing can have changed it since (ctime cannot be set back).
        // Files of the right size otherwise are hashed on the cluster; the
        // rest are sent.
        var alreadyThere: [String: String] = [:]
        var remoteSignature: [String: String] = [:]
        // Trusted copies this ledger placed but the compute node has not verified yet stay that way.
        var pendingComputeCheck = Set<String>()
        // Login-node etiquette: hash at most this much here; the job verifies the rest on the compute node.
        var hashBudget = context.config.policy(for: run.cluster).maxLoginNodeHashBytes ?? PolicyConfig.defaultMaxLoginNodeHashBytes
        if !remoteKnownEmpty {
            let listing = try await context.transport.run(
                RemoteCall(label: "upload (compare)", script: RemoteScripts.statFiles, arguments: [destination.word],
                           stdin: .bytes(nulSeparated(sources.map(\.relativePath)))),
                on: endpoint)
            let remote = RemoteStat.parseRecords(listing.stdoutText)
            let known = try context.ledger.remoteSignatures(runId: run.id)
            var toHash: [LocalFiles.Source] = []
            for source in sources {
                guard let found = remote[source.relativePath], found.isRegularFile, found.size == source.size else { continue }
                let remotePath = destination.appending(source.relativePath).description
                if let record = known[remotePath], record.sha256 == source.sha256, record.signature == found.signature {
                    alreadyThere[source.relativePath] = source.sha256
                    remoteSignature[source.relativePath] = found.signature
                    if !record.verified { pendingComputeCheck.insert(source.relativePath) }
                } else if source.size <= hashBudget {
                    hashBudget -= source.size
                    toHash.append(source)
                }
                // else: too large to hash here with an unknown history; sent again, verified by the job.
            }
            if !toHash.isEmpty {
                let check = try await context.transport.run(
                    RemoteCall(label: "upload (compare hashes)", script: RemoteScripts.hashFiles, arguments: [destination.word],
                               stdin: .bytes(nulSeparated(toHash.map(\.relativePath)))),
                    on: endpoint)
                let (stats, hashes) = RemoteStat.parseHashOutput(check.stdoutText)
                for (name, hash) in hashes {
                    guard let stat = stats[name], stat.isRegularFile else { continue }
                    alreadyThere[name] = hash
                    remoteSignature[name] = stat.signature
                }
            }
        }
        let toSend = sources.filter { alreadyThere[$0.relativePath] != $0.sha256 }
        var deferred = pendingComputeCheck
        for source in toSend {
            if source.size > hashBudget { deferred.insert(source.relativePath) } else { hashBudget -= source.size }
        }
        // Empty directories travel as manifest records of mode D (no bytes): made on the cluster, inside the run dir.
        let manifest = nulSeparated(toSend.flatMap { [deferred.contains($0.relativePath) ? "C" : "L", $0.sha256, $0.relativePath] }
            + emptyDirectories.flatMap { ["D", "-", $0] })
        let archiving = try InputArchiving.start(sources, run: run, context: context)
        return Prepared(sources: sources, run: run, subdir: subdir, runDir: runDir, destination: destination, endpoint: endpoint,
                        target: profile.sshTarget, alreadyThere: alreadyThere, remoteSignature: remoteSignature, deferred: deferred,
                        toSend: toSend, manifest: manifest, emptyDirectories: emptyDirectories, archiving: archiving)
    }

    /// Records the upload; `archived` names the sources whose contents the archive holds.
    private static func record(_ entries: [Entry], sources: [LocalFiles.Source], run: RunRecord, destination: RemotePath,
                               remoteSignature: [String: String], archived: InputArchiving.Archived, context: ActionContext) throws {
        _ = try context.ledger.recordUpload(runId: run.id, remoteDir: destination.description, entries: zip(sources, entries).map { source, entry in
            UploadEntryRecord(id: nil, manifestId: 0, relativePath: entry.relativePath, localPath: entry.localPath, size: entry.size,
                              sha256: entry.sha256, remotePath: entry.remotePath, sent: entry.sent, verified: entry.verified,
                              blobSha256: archived.paths.contains(source.relativePath) ? entry.sha256 : nil,
                              remoteStat: remoteSignature[source.relativePath])
        }, archive: [:], notArchived: archived.incomplete, now: context.now())
    }

    /// `remoteDir` may be relative to the run dir or an absolute path inside it.
    package static func remoteSubdirectory(_ text: String, run: RunRecord) throws -> String {
        if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("$") {
            let prefix = run.remoteRunDir.hasSuffix("/") ? run.remoteRunDir : run.remoteRunDir + "/"
            guard text.hasPrefix(prefix) else {
                throw ClusterSlurmError.invalidInput("must be inside the run directory \(run.remoteRunDir) (got \"\(text)\")", path: "remoteDir")
            }
            return try LocalFiles.checkedRelative(String(text.dropFirst(prefix.count)), field: "remoteDir")
        }
        return try LocalFiles.checkedRelative(text, field: "remoteDir")
    }

    /// Names for a remote program's standard input: NUL-separated, so any
    /// byte but NUL may appear in them and any number may be sent.
    package static func nulSeparated(_ names: [String]) -> Data {
        var data = Data()
        for name in names {
            data.append(contentsOf: Array(name.utf8))
            data.append(0)
        }
        return data
    }
}
