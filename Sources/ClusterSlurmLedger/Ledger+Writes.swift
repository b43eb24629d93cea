import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// What a new run is created with.
public struct NewRun: Sendable {
    public var requestedId: String?
    public var prefix: String?
    public var cluster: String
    public var routing: RoutingDecision?
    public var workload: String?
    public var commands: [String]?
    /// Local and remote run dirs are derived from the id.
    public var localRunsDir: String
    public var remoteRoot: RemotePath
    public var parentRunId: String?
    public var config: LoadedConfig?
    public var provenance: Provenance

    public init(requestedId: String?, prefix: String?, cluster: String, routing: RoutingDecision?, workload: String?,
                commands: [String]?, localRunsDir: String, remoteRoot: RemotePath, parentRunId: String? = nil,
                config: LoadedConfig?, provenance: Provenance) {
        self.requestedId = requestedId
        self.prefix = prefix
        self.cluster = cluster
        self.routing = routing
        self.workload = workload
        self.commands = commands
        self.localRunsDir = localRunsDir
        self.remoteRoot = remoteRoot
        self.parentRunId = parentRunId
        self.config = config
        self.provenance = provenance
    }
}

/// Facts about where and with what a run was made.
public struct Provenance: Sendable, Codable, Equatable {
    public var toolVersion: String
    public var localHost: String?
    public var gitCommit: String?
    public var gitDirtySha256: String?

    public init(toolVersion: String, localHost: String?, gitCommit: String? = nil, gitDirtySha256: String? = nil) {
        self.toolVersion = toolVersion
        self.localHost = localHost
        self.gitCommit = gitCommit
        self.gitDirtySha256 = gitDirtySha256
    }
}

extension Ledger {
    /// Creates a run, or returns the existing one with that id (keeping its
    /// history; the reference wiped it). A different cluster for an existing id
    /// is refused. Generated ids get a `-2`, `-3`… suffix when taken.
    public func createOrFetchRun(_ new: NewRun, now: Date = Date()) throws -> (run: RunRecord, created: Bool) {
        try write("createRun") { db in
            if let requested = new.requestedId, let existing = try RunRecord.fetchOne(db, key: requested) {
                if existing.cluster != new.cluster {
                    throw ClusterSlurmError.invalidInput(
                        "run \(requested) belongs to cluster \"\(existing.cluster)\", not \"\(new.cluster)\"; a run keeps its cluster",
                        path: "cluster")
                }
                return (existing, false)
            }
            var id = new.requestedId ?? RunId.generate(prefix: new.prefix, at: now)
            if new.requestedId == nil {
                let base = id
                var counter = 2
                while try RunRecord.fetchOne(db, key: id) != nil {
                    let suffix = "-\(counter)"
                    id = String(base.prefix(RunId.maxLength - suffix.count)) + suffix
                    counter += 1
                }
            }
            if let config = new.config {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO configSnapshot (sha256, json, createdAt) VALUES (?, ?, ?)",
                    arguments: [config.sha256, config.canonicalJSON, Timestamp.string(now)])
            }
            let stamp = Timestamp.string(now)
            let commandsJson = try new.commands.map { try CanonicalJSON.encode($0) }
            let run = RunRecord(
                id: id, createdAt: stamp, updatedAt: stamp, cluster: new.cluster,
                routingReason: new.routing?.reason.rawValue, matchedIndicator: new.routing?.matchedIndicator,
                workload: new.workload, commandsJson: commandsJson,
                localRunDir: new.localRunsDir + "/" + id,
                remoteRunDir: new.remoteRoot.appending(id).description,
                parentRunId: new.parentRunId, configSha256: new.config?.sha256, status: .initialized,
                toolVersion: new.provenance.toolVersion, localHost: new.provenance.localHost,
                gitCommit: new.provenance.gitCommit, gitDirtySha256: new.provenance.gitDirtySha256)
            try run.insert(db)
            return (run, true)
        }
    }

    /// The id `createOrFetchRun` would generate now: `<prefix>-YYYYMMDD-HHMMSS`,
    /// with `-2`, `-3`… while this ledger already has it.
    public func nextFreeRunId(prefix: String?, now: Date) throws -> String {
        try read { db in
            let base = RunId.generate(prefix: prefix, at: now)
            var id = base
            var counter = 2
            while try RunRecord.fetchOne(db, key: id) != nil {
                let suffix = "-\(counter)"
                id = String(base.prefix(RunId.maxLength - suffix.count)) + suffix
                counter += 1
            }
            return id
        }
    }

    /// Updates what a run is about (workload text, commands) and its status.
    public func updateRun(id: String, workload: String?, commands: [String]?, status: RunStatus?, now: Date = Date()) throws {
        let commandsJson = try commands.map { try CanonicalJSON.encode($0) }
        try write("updateRun") { db in
            try db.execute(sql: """
                UPDATE run SET workload = coalesce(?, workload), commandsJson = coalesce(?, commandsJson),
                               status = coalesce(?, status), updatedAt = ? WHERE id = ?
                """, arguments: [workload, commandsJson, status, Timestamp.string(now), id])
        }
    }

    /// Stores bytes once by their sha256; returns the hash.
    @discardableResult
    public func storeBlob(_ data: Data, now: Date = Date()) throws -> String {
        let sha = Hashing.sha256Hex(data)
        try write("storeBlob") { db in
            try Ledger.storeBlob(db, sha256: sha, data: data, at: Timestamp.string(now))
        }
        return sha
    }

    /// Stores contents already hashed (sha256 → bytes), once each, in one transaction.
    public func storeBlobs(_ blobs: [String: Data], now: Date = Date()) throws {
        try write("storeBlobs") { db in
            for (sha, data) in blobs { try Ledger.storeBlob(db, sha256: sha, data: data, at: Timestamp.string(now)) }
        }
    }

    public func recordScript(runId: String, scriptName: String, localPath: String, rendered: RenderedScript,
                             envNames: [String], now: Date = Date()) throws -> ScriptRecord {
        var directives: [String: String] = [:]
        for (key, _, value) in rendered.directives.renderedPairs { directives[key] = value }
        return try recordScript(ScriptRecord(
            id: nil, runId: runId, scriptSha256: "", scriptName: scriptName, localPath: localPath,
            directivesJson: try CanonicalJSON.encode(directives), envNamesJson: try CanonicalJSON.encode(envNames.sorted()),
            setupCommandsJson: try CanonicalJSON.encode(rendered.setupCommands),
            modulesJson: try CanonicalJSON.encode(rendered.modules), createdAt: Timestamp.string(now)), text: rendered.text)
    }

    /// Records `text` as the run's newest script, described by `record` (its hash is filled in).
    public func recordScript(_ record: ScriptRecord, text: String) throws -> ScriptRecord {
        let data = Data(text.utf8)
        let sha = Hashing.sha256Hex(data)
        var record = record
        record.id = nil
        record.scriptSha256 = sha
        let stored = record
        record = try write("recordScript") { db in
            var copy = stored
            try Ledger.storeBlob(db, sha256: sha, data: data, at: copy.createdAt)
            try copy.insert(db)
            try db.execute(sql: "UPDATE run SET updatedAt = ?, status = CASE WHEN status = 'initialized' THEN 'rendered' ELSE status END WHERE id = ?",
                           arguments: [copy.createdAt, copy.runId])
            return copy
        }
        return record
    }

    /// Records an upload; `archive` holds the bytes to keep (by sha256), and
    /// `notArchived` marks the run when some input was too large to keep.
    public func recordUpload(runId: String, remoteDir: String, entries: [UploadEntryRecord], archive: [String: Data] = [:],
                             notArchived: Bool = false, now: Date = Date()) throws -> UploadManifestRecord {
        try write("recordUpload") { db in
            for (sha, data) in archive {
                try Ledger.storeBlob(db, sha256: sha, data: data, at: Timestamp.string(now))
            }
            if notArchived { try db.execute(sql: "UPDATE run SET inputsNotArchived = 1 WHERE id = ?", arguments: [runId]) }
            var manifest = UploadManifestRecord(
                id: nil, runId: runId, remoteDir: remoteDir,
                totalBytes: entries.reduce(0) { $0 + $1.size },
                sentBytes: entries.filter(\.sent).reduce(0) { $0 + $1.size }, createdAt: Timestamp.string(now))
            try manifest.insert(db)
            for var entry in entries {
                entry.manifestId = manifest.id!
                try entry.insert(db)
            }
            try db.execute(sql: "UPDATE run SET updatedAt = ? WHERE id = ?", arguments: [manifest.createdAt, runId])
            return manifest
        }
    }

    /// Records an sbatch attempt; a successful one also creates the job row.
    public func recordSubmitAttempt(_ attempt: SubmitAttemptRecord, job: JobRecord?) throws -> SubmitAttemptRecord {
        try write("recordSubmitAttempt") { db in
            var copy = attempt
            copy.attempt = (try Int.fetchOne(db, sql: "SELECT coalesce(max(attempt), 0) + 1 FROM submitAttempt WHERE runId = ?",
                                             arguments: [attempt.runId]) ?? 1)
            try copy.insert(db)
            if let job {
                try job.insert(db, onConflict: .ignore)
                try Ledger.insertArrayTasks(db, job: job)
                try db.execute(sql: "UPDATE run SET status = 'submitted', updatedAt = ?, cluster = cluster WHERE id = ?",
                               arguments: [attempt.submittedAt, attempt.runId])
            }
            return copy
        }
    }

    package static let startedStates: Set<JobState> = [.running, .completing, .configuring, .suspended, .stopped]

    /// Stores observations; each one whose state differs from the job's last
    /// known state is marked as a transition. Unknown jobs are skipped.
    @discardableResult
    public func recordObservations(_ observations: [JobObservationRecord]) throws -> [JobObservationRecord] {
        try write("recordObservations") { db in
            var stored: [JobObservationRecord] = []
            for observation in observations {
                guard let job = try JobRecord.fetchOne(db, key: ["cluster": observation.cluster, "jobId": observation.jobId]) else { continue }
                // An ended job stays ended: a later non-terminal state or
                // NOT_FOUND is about another job (a reused id) or a lagging
                // source, never this job's truth.
                if let last = job.lastState.flatMap(JobState.init(rawValue:)), last.isTerminal,
                   !(JobState(rawValue: observation.state)?.isTerminal ?? false) { continue }
                if let last = job.lastState.flatMap(JobState.init(rawValue:)), Ledger.startedStates.contains(last),
                   observation.state == JobState.pending.rawValue {
                    // Started, then waiting again: the job was requeued (by
                    // `scontrol requeue`, preemption or a node failure) between
                    // two looks; SLURM shows REQUEUED only for a moment.
                    var requeued = observation
                    requeued.state = JobState.requeued.rawValue
                    requeued.rawState = JobState.requeued.rawValue
                    requeued.reason = "requeued: seen \(last.rawValue), then PENDING again"
                    requeued.isTransition = true
                    try requeued.insert(db)
                }
                var copy = observation
                copy.isTransition = job.lastState != observation.state
                try copy.insert(db)
                try db.execute(sql: "UPDATE job SET lastState = ?, lastObservedAt = ? WHERE cluster = ? AND jobId = ?",
                               arguments: [copy.state, copy.observedAt, copy.cluster, copy.jobId])
                if copy.isTransition {
                    try db.execute(sql: "UPDATE run SET status = ?, updatedAt = ? WHERE id = ?",
                                   arguments: [RunStatus(job: JobState(rawValue: copy.state) ?? .unknown), copy.observedAt, job.runId])
                }
                stored.append(copy)
            }
            return stored
        }
    }

    public func recordArtifacts(_ artifacts: [ArtifactRecord], archive: [String: Data] = [:], now: Date) throws {
        try write("recordArtifacts") { db in
            for (sha, data) in archive {
                try Ledger.storeBlob(db, sha256: sha, data: data, at: Timestamp.string(now))
            }
            for var artifact in artifacts { try artifact.insert(db) }
        }
    }

    /// Appends to the action log. Never throws: a failing log must not turn a
    /// successful action into an error.
    public func logAction(_ record: ActionLogRecord) {
        _ = try? write("logAction") { db in
            var copy = record
            try copy.insert(db)
        }
    }
}

extension Ledger {
    public func openSubmitIntent(_ intent: SubmitIntentRecord) throws {
        try write("openSubmitIntent") { db in try intent.insert(db) }
    }

    public func resolveSubmitIntent(token: String, outcome: SubmitIntentOutcome, now: Date = Date()) throws {
        try write("resolveSubmitIntent") { db in
            try db.execute(sql: "UPDATE submitIntent SET outcome = ?, resolvedAt = ? WHERE token = ?",
                           arguments: [outcome, Timestamp.string(now), token])
        }
    }

    public func openSubmitIntents(runId: String) throws -> [SubmitIntentRecord] {
        try read { db in
            try SubmitIntentRecord.fetchAll(db, sql: "SELECT * FROM submitIntent WHERE runId = ? AND resolvedAt IS NULL ORDER BY createdAt",
                                            arguments: [runId])
        }
    }
}

extension Ledger {
    /// Claims the right to query `cluster`'s scheduler now: true (and the
    /// time recorded) when the last query by any process is at least
    /// `minInterval` old; false with the last query time otherwise.
    public func claimPoll(cluster: String, minInterval: Int, now: Date = Date()) throws -> (allowed: Bool, lastQueryAt: Date?) {
        try write("claimPoll") { db in
            let last = try String.fetchOne(db, sql: "SELECT lastQueryAt FROM pollState WHERE cluster = ?", arguments: [cluster]).flatMap(Timestamp.parse)
            if let last, now.timeIntervalSince(last) < Double(minInterval), now >= last { return (false, last) }
            try db.execute(sql: "INSERT OR REPLACE INTO pollState (cluster, lastQueryAt) VALUES (?, ?)", arguments: [cluster, Timestamp.string(now)])
            return (true, last)
        }
    }
}

extension Ledger {
    /// The job verified the inputs the login node did not hash.
    public func markInputsVerified(runId: String) throws {
        try write("markInputsVerified") { db in
            try db.execute(sql: """
                UPDATE uploadEntry SET verified = 1
                WHERE verified = 0 AND manifestId IN (SELECT id FROM uploadManifest WHERE runId = ?)
                """, arguments: [runId])
        }
    }

    /// Stores how a job ended; the first capture stays.
    public func recordJobEnd(_ record: JobEndRecord) throws {
        try write("recordJobEnd") { db in try record.insert(db, onConflict: .ignore) }
    }
}
