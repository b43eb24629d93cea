import Foundation

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
        var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext, remoteKnownEmpty: Bool = false) async throws -> Result {
        guard !request.localPaths.isEmpty else {
            throw ClusterSlurmError.invalidInput("give at least one file or folder to upload (localPath or localPaths[])", path: "localPaths")
        }
        let run = try context.ledger.requireRun(id: request.runId)
        let subdir = try request.remoteDir.flatMap { $0.isEmpty || $0 == "." ? nil : try remoteSubdirectory($0, run: run) }
        let sources = try LocalFiles.collectSources(request.localPaths, workspace: context.workspace, field: request.localPaths.count == 1 ? "localPath" : "localPaths")
        return try await send(sources, run: run, subdir: subdir, context: context, remoteKnownEmpty: remoteKnownEmpty)
    }

    /// Sends already-collected sources (also used by replay, whose sources
    /// come from the archive) and records the manifest.
    static func send(_ sources: [LocalFiles.Source], run: RunRecord, subdir: String?, context: ActionContext,
                     remoteKnownEmpty: Bool) async throws -> Result {
        let profile = try context.profile(run.cluster)
        let runDir = try context.remoteRunDirectory(run)
        let destination = subdir.map { runDir.appending($0) } ?? runDir
        let endpoint = SSHEndpoint(profile: profile)

        // What is already there: files whose size and mtime match a copy this
        // ledger uploaded and verified before are trusted without hashing
        // (rsync's quick check, anchored to a recorded hash); files of the
        // same size otherwise are hashed on the cluster; the rest are sent.
        var alreadyThere: [String: String] = [:]
        if !remoteKnownEmpty {
            let listing = try await context.transport.run(
                RemoteCall(label: "upload (compare)", script: RemoteScripts.statExisting,
                           arguments: [destination.word] + sources.map { .literal($0.relativePath) }),
                on: endpoint)
            let remote = parseStatListing(listing.stdoutText)
            let verifiedBefore = Set(try context.ledger.uploadEntries(runId: run.id).filter(\.verified).map { "\($0.remotePath)\u{0}\($0.sha256)" })
            var toHash: [LocalFiles.Source] = []
            for source in sources {
                guard let (size, mtime) = remote[source.relativePath], size == source.size else { continue }
                if mtime == source.mtime, verifiedBefore.contains("\(destination.appending(source.relativePath).description)\u{0}\(source.sha256)") {
                    alreadyThere[source.relativePath] = source.sha256
                } else {
                    toHash.append(source)
                }
            }
            if !toHash.isEmpty {
                let check = try await context.transport.run(
                    RemoteCall(label: "upload (compare hashes)", script: RemoteScripts.hashExisting,
                               arguments: [destination.word] + toHash.map { .literal($0.relativePath) }),
                    on: endpoint)
                alreadyThere.merge(parseSha256Sums(check.stdoutText)) { _, hashed in hashed }
            }
        }
        let toSend = sources.filter { alreadyThere[$0.relativePath] != $0.sha256 }
        // Login-node etiquette: hash at most this much here; the job verifies the rest on the compute node.
        var hashBudget = context.config.policy(for: run.cluster).maxLoginNodeHashBytes ?? PolicyConfig.defaultMaxLoginNodeHashBytes
        var deferred = Set<String>()
        for source in toSend {
            let plainName = !source.relativePath.contains("\n") && !source.relativePath.contains("\\")
            if source.size > hashBudget && plainName { deferred.insert(source.relativePath) } else { hashBudget -= source.size }
        }
        var verified: [String: String] = [:]
        if !toSend.isEmpty {
            let archive = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-slurm-upload-\(UUID().uuidString).tar").path
            defer { unlink(archive) }
            let writer = try TarWriter(path: archive)
            for source in toSend { try writer.appendFile(localPath: source.localPath, archiveName: source.relativePath, size: source.size, mtime: source.mtime) }
            try writer.finish()
            let result = try await context.transport.run(
                RemoteCall(label: "upload", script: RemoteScripts.extractAndVerify,
                           arguments: [destination.word] + toSend.flatMap { [.literal(deferred.contains($0.relativePath) ? "-" : $0.sha256), .literal($0.relativePath)] },
                           stdinFile: archive),
                on: endpoint)
            guard result.succeeded else {
                throw ClusterSlurmError.remote("upload to \(profile.sshTarget):\(destination) failed (exit \(result.exitStatus)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            verified = parseSha256Sums(result.stdoutText)
            if !deferred.isEmpty {
                // The job checks these before its workload runs (see ScriptRenderer.inputVerificationLines).
                let prefix = subdir.map { $0 + "/" } ?? ""
                let manifest = toSend.filter { deferred.contains($0.relativePath) }.map { "\($0.sha256)  \(prefix)\($0.relativePath)" }.joined(separator: "\n") + "\n"
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-slurm-manifest-\(UUID().uuidString)").path
                defer { unlink(file) }
                try LocalFiles.writeAtomically(Data(manifest.utf8), to: file)
                let written = try await context.transport.run(
                    RemoteCall(label: "upload (manifest for the compute node)", script: RemoteScripts.writePrivateFile,
                               arguments: [runDir.word, .literal(".cluster-slurm-inputs.\(UUID().uuidString.prefix(8).lowercased()).sha256")], stdinFile: file),
                    on: endpoint)
                guard written.succeeded else { throw ClusterSlurmError.remote("cannot write the input manifest: \(written.stderr)") }
            }
        }
        var entries: [Entry] = []
        for source in sources {
            let sent = alreadyThere[source.relativePath] != source.sha256
            let remoteHash = sent ? verified[source.relativePath] : alreadyThere[source.relativePath]
            let onComputeNode = sent && deferred.contains(source.relativePath)
            guard remoteHash == source.sha256 || (onComputeNode && remoteHash == "-") else {
                throw ClusterSlurmError.remote("\(source.relativePath) arrived on \(profile.sshTarget) with sha256 \(remoteHash ?? "none"), expected \(source.sha256); the upload was not verified, run it again")
            }
            entries.append(Entry(localPath: source.localPath, remotePath: destination.appending(source.relativePath).description,
                                 relativePath: (subdir.map { $0 + "/" } ?? "") + source.relativePath,
                                 size: source.size, sha256: source.sha256, sent: sent, verified: !onComputeNode,
                                 verifiedOn: onComputeNode ? "compute node (when the job starts)" : "login node"))
        }
        // Inputs are archived by content while the run stays under the cap.
        var budget = context.config.archive.maxInputBytesPerRun - (try context.ledger.archivedInputBytes(runId: run.id))
        var archive: [String: Data] = [:]
        var archived = Set<String>()
        var notArchived = false
        for source in sources {
            if source.size <= budget, let data = FileManager.default.contents(atPath: source.localPath), Hashing.sha256Hex(data) == source.sha256 {
                archive[source.sha256] = data
                archived.insert(source.relativePath)
                budget -= source.size
            } else {
                notArchived = true
            }
        }
        _ = try context.ledger.recordUpload(runId: run.id, remoteDir: destination.description, entries: zip(sources, entries).map { source, entry in
            UploadEntryRecord(id: nil, manifestId: 0, relativePath: entry.relativePath, localPath: entry.localPath, size: entry.size,
                              sha256: entry.sha256, remotePath: entry.remotePath, sent: entry.sent, verified: entry.verified,
                              blobSha256: archived.contains(source.relativePath) ? entry.sha256 : nil)
        }, archive: archive, notArchived: notArchived, now: context.now())
        return Result(cluster: run.cluster, runId: run.id, remoteDir: destination.description, uploaded: entries,
                      bytesSent: entries.filter(\.sent).reduce(0) { $0 + $1.size }, filesSkipped: entries.filter { !$0.sent }.count)
    }

    /// `remoteDir` may be relative to the run dir or an absolute path inside it.
    static func remoteSubdirectory(_ text: String, run: RunRecord) throws -> String {
        if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("$") {
            let prefix = run.remoteRunDir.hasSuffix("/") ? run.remoteRunDir : run.remoteRunDir + "/"
            guard text.hasPrefix(prefix) else {
                throw ClusterSlurmError.invalidInput("must be inside the run directory \(run.remoteRunDir) (got \"\(text)\")", path: "remoteDir")
            }
            return try LocalFiles.checkedRelative(String(text.dropFirst(prefix.count)), field: "remoteDir")
        }
        return try LocalFiles.checkedRelative(text, field: "remoteDir")
    }

    /// Parses the `size mtime name\0` records of `statExisting`.
    static func parseStatListing(_ text: String) -> [String: (Int64, Int64)] {
        var out: [String: (Int64, Int64)] = [:]
        for record in text.split(separator: "\0", omittingEmptySubsequences: true) {
            let parts = record.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let size = Int64(parts[0]), let mtime = Int64(parts[1]) else { continue }
            out[String(parts[2])] = (size, mtime)
        }
        return out
    }

    /// Parses `sha256sum -z` output: `HASH  NAME\0` records.
    static func parseSha256Sums(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for record in text.split(separator: "\0", omittingEmptySubsequences: true) {
            guard record.count > 66 else { continue }
            let hash = String(record.prefix(64))
            var name = record.dropFirst(64)
            if name.hasPrefix("  ") || name.hasPrefix(" *") { name = name.dropFirst(2) } else { continue }
            out[String(name)] = hash
        }
        for record in text.split(separator: "\0", omittingEmptySubsequences: true) where record.hasPrefix("-  ") {
            out[String(record.dropFirst(3))] = "-"
        }
        return out
    }
}
