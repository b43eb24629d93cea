import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Everything the ledger knows about one run, read in one transaction.
public struct RunArchive: Sendable, Codable {
    public var run: RunRecord
    public var script: ScriptRecord?
    public var scriptText: String?
    public var inputs: [UploadEntryRecord]
    public var submissions: [SubmitAttemptRecord]
    public var jobs: [JobRecord]
    public var observations: [JobObservationRecord]
    public var artifacts: [ArtifactRecord]
    public var configJSON: String?
    public var runInfoJSON: String?
    public var replay: ReplayRecord?
    public var replays: [ReplayRecord]
    /// How the run's jobs ended (end-state capture).
    public var ends: [JobEndRecord] = []
    /// The tasks of the run's last job array.
    public var tasks: [ArrayTaskRecord] = []
    /// The runs this one waited for, and the runs that wait for it.
    public var after: [RunDependencyRecord] = []
    public var before: [RunDependencyRecord] = []
    public var metrics: [String: Double] = [:]
    public var tags: [String] = []
    public var notes: [RunNote] = []
    /// The environment file the run's job recorded (`EnvironmentSnapshot`).
    public var environment: String?

    /// Each input once, as last uploaded (a re-upload records the same files again).
    public var currentInputs: [UploadEntryRecord] {
        var seen = Set<String>()
        return Array(inputs.reversed().filter { seen.insert($0.relativePath).inserted }.reversed())
    }

    /// A remote path as a path inside the run dir (unchanged when outside it).
    public func pathInRunDir(_ remotePath: String) -> String {
        let dir = run.remoteRunDir
        let prefix = dir.hasSuffix("/") ? dir : dir + "/"
        return remotePath.hasPrefix(prefix) ? String(remotePath.dropFirst(prefix.count)) : remotePath
    }

    /// The last observation of the run's last job.
    public var finalObservation: JobObservationRecord? {
        guard let job = jobs.last else { return nil }
        return observations.last { $0.jobId == job.jobId && $0.cluster == job.cluster }
    }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(run: RunRecord, script: ScriptRecord? = nil, scriptText: String? = nil, inputs: [UploadEntryRecord],
                 submissions: [SubmitAttemptRecord], jobs: [JobRecord], observations: [JobObservationRecord], artifacts: [ArtifactRecord],
                 configJSON: String? = nil, runInfoJSON: String? = nil, replay: ReplayRecord? = nil, replays: [ReplayRecord],
                 ends: [JobEndRecord] = [], tasks: [ArrayTaskRecord] = [], after: [RunDependencyRecord] = [],
                 before: [RunDependencyRecord] = [], metrics: [String: Double] = [:], tags: [String] = [], notes: [RunNote] = [],
                 environment: String? = nil) {
        self.run = run
        self.script = script
        self.scriptText = scriptText
        self.inputs = inputs
        self.submissions = submissions
        self.jobs = jobs
        self.observations = observations
        self.artifacts = artifacts
        self.configJSON = configJSON
        self.runInfoJSON = runInfoJSON
        self.replay = replay
        self.replays = replays
        self.ends = ends
        self.tasks = tasks
        self.after = after
        self.before = before
        self.metrics = metrics
        self.tags = tags
        self.notes = notes
        self.environment = environment
    }
}

public struct RunNote: Codable, Sendable, Equatable {
    public var text: String
    public var createdAt: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(text: String, createdAt: String) {
        self.text = text
        self.createdAt = createdAt
    }
}

public struct ReplayRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "replay"
    public var runId: String
    public var parentRunId: String
    public var deltasJson: String
    public var verdict: String?
    public var differingJson: String?
    public var verifiedAt: String?
    public var createdAt: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(runId: String, parentRunId: String, deltasJson: String, verdict: String? = nil, differingJson: String? = nil,
                 verifiedAt: String? = nil, createdAt: String) {
        self.runId = runId
        self.parentRunId = parentRunId
        self.deltasJson = deltasJson
        self.verdict = verdict
        self.differingJson = differingJson
        self.verifiedAt = verifiedAt
        self.createdAt = createdAt
    }
}

public struct RunListFilter: Sendable {
    public var cluster: String?
    /// One state or several, comma-separated (`FAILED,TIMEOUT`).
    public var state: String?
    public var since: String?
    public var grep: String?
    public var limit: Int
    /// Runs with every one of these tags, parameters (name, value as text) and metric conditions.
    public var tags: [String] = []
    public var params: [(name: String, value: String)] = []
    public var metrics: [MetricFilter] = []
    public init(cluster: String? = nil, state: String? = nil, since: String? = nil, grep: String? = nil, limit: Int = 50) {
        self.cluster = cluster
        self.state = state
        self.since = since
        self.grep = grep
        self.limit = limit
    }
}

extension RunListFilter {
    /// The filters in words, for "no runs match …".
    public var describe: String {
        let parts = [cluster.map { "cluster \($0)" }, state.map { "state \($0)" }, since.map { "created since \($0)" },
                     grep.map { "containing \"\($0)\"" }].compactMap { $0 }
            + tags.map { "tagged \($0)" } + params.map { "with \($0.name)=\($0.value)" } + metrics.map { "with \($0.name)\($0.op)\($0.value)" }
        return parts.isEmpty ? " (the ledger has no runs)" : " " + parts.joined(separator: ", ")
    }
}

/// A row of the `run_summary` view.
public struct RunSummaryRow: Codable, Sendable, Equatable, FetchableRecord {
    public var run_id: String
    public var cluster: String
    public var created: String
    public var status: String
    public var job_id: String?
    public var last_state: String?
    public var exit_code: String?
    public var elapsed_seconds: Int?
    public var max_rss_bytes: Int64?
    public var node_list: String?
    public var replay_of: String?
    public var verdict: String?
    public var partition: String?
    public var account: String?
    public var gpus: Int?
    public var reason: String?
    public var stderr_tail: String?
    public var workload: String?
    public var queued_seconds: Int?
    public var started: String?
    public var ended: String?

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(run_id: String, cluster: String, created: String, status: String, job_id: String? = nil, last_state: String? = nil,
                 exit_code: String? = nil, elapsed_seconds: Int? = nil, max_rss_bytes: Int64? = nil, node_list: String? = nil,
                 replay_of: String? = nil, verdict: String? = nil, partition: String? = nil, account: String? = nil, gpus: Int? = nil,
                 reason: String? = nil, stderr_tail: String? = nil, workload: String? = nil, queued_seconds: Int? = nil,
                 started: String? = nil, ended: String? = nil) {
        self.run_id = run_id
        self.cluster = cluster
        self.created = created
        self.status = status
        self.job_id = job_id
        self.last_state = last_state
        self.exit_code = exit_code
        self.elapsed_seconds = elapsed_seconds
        self.max_rss_bytes = max_rss_bytes
        self.node_list = node_list
        self.replay_of = replay_of
        self.verdict = verdict
        self.partition = partition
        self.account = account
        self.gpus = gpus
        self.reason = reason
        self.stderr_tail = stderr_tail
        self.workload = workload
        self.queued_seconds = queued_seconds
        self.started = started
        self.ended = ended
    }
}

extension Ledger {
    public func archive(runId: String) throws -> RunArchive {
        try read { db in
            guard let run = try RunRecord.fetchOne(db, key: runId) else {
                throw ClusterSlurmError(.notFound, "no run \"\(runId)\" in the ledger; `cluster-slurm runs list` shows the runs", path: "runId")
            }
            let script = try ScriptRecord.fetchOne(db, sql: "SELECT * FROM renderedScript WHERE runId = ? ORDER BY id DESC LIMIT 1", arguments: [runId])
            let scriptText = try script.flatMap { try Data.fetchOne(db, sql: "SELECT content FROM blob WHERE sha256 = ?", arguments: [$0.scriptSha256]) }
                .map { String(decoding: $0, as: UTF8.self) }
            let inputs = try UploadEntryRecord.fetchAll(db, sql: """
                SELECT e.* FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId WHERE m.runId = ? ORDER BY e.id
                """, arguments: [runId])
            let jobs = try JobRecord.fetchAll(db, sql: "SELECT * FROM job WHERE runId = ? ORDER BY submittedAt, rowid", arguments: [runId])
            let observations = try JobObservationRecord.fetchAll(db, sql: """
                SELECT o.* FROM jobObservation o JOIN job j ON j.cluster = o.cluster AND j.jobId = o.jobId WHERE j.runId = ? ORDER BY o.id
                """, arguments: [runId])
            return RunArchive(
                run: run, script: script, scriptText: scriptText, inputs: inputs,
                submissions: try SubmitAttemptRecord.fetchAll(db, sql: "SELECT * FROM submitAttempt WHERE runId = ? ORDER BY attempt", arguments: [runId]),
                jobs: jobs, observations: observations,
                artifacts: try ArtifactRecord.fetchAll(db, sql: "SELECT * FROM artifact WHERE runId = ? ORDER BY id", arguments: [runId]),
                configJSON: try run.configSha256.flatMap { try String.fetchOne(db, sql: "SELECT json FROM configSnapshot WHERE sha256 = ?", arguments: [$0]) },
                runInfoJSON: try String.fetchOne(db, sql: "SELECT json FROM runInfo WHERE runId = ?", arguments: [runId]),
                replay: try ReplayRecord.fetchOne(db, key: runId),
                replays: try ReplayRecord.fetchAll(db, sql: "SELECT * FROM replay WHERE parentRunId = ? ORDER BY createdAt", arguments: [runId]),
                ends: try JobEndRecord.fetchAll(db, sql: "SELECT * FROM jobEnd WHERE runId = ? ORDER BY capturedAt", arguments: [runId]),
                tasks: try jobs.last(where: { $0.arraySpec != nil }).map { job in
                    try ArrayTaskRecord.fetchAll(db, sql: "SELECT * FROM arrayTask WHERE cluster = ? AND arrayJobId = ? ORDER BY taskIndex",
                                                 arguments: [job.cluster, job.jobId])
                } ?? [],
                after: try RunDependencyRecord.fetchAll(db, sql: "SELECT * FROM runDependency WHERE runId = ? ORDER BY upstreamRunId", arguments: [runId]),
                before: try RunDependencyRecord.fetchAll(db, sql: "SELECT * FROM runDependency WHERE upstreamRunId = ? ORDER BY runId", arguments: [runId]),
                metrics: Dictionary(try Row.fetchAll(db, sql: "SELECT name, value FROM runMetric WHERE runId = ?", arguments: [runId])
                    .map { (row: Row) -> (String, Double) in (row["name"], row["value"]) }, uniquingKeysWith: { a, _ in a }),
                tags: try String.fetchAll(db, sql: "SELECT tag FROM runTag WHERE runId = ? ORDER BY tag", arguments: [runId]),
                notes: try Row.fetchAll(db, sql: "SELECT text, createdAt FROM runNote WHERE runId = ? ORDER BY id", arguments: [runId])
                    .map { RunNote(text: $0["text"], createdAt: $0["createdAt"]) },
                environment: try Data.fetchOne(db, sql: "SELECT b.content FROM runEnvironment e JOIN blob b ON b.sha256 = e.sha256 WHERE e.runId = ?",
                                               arguments: [runId]).map { String(decoding: $0, as: UTF8.self) })
        }
    }

    public func runSummaries(_ filter: RunListFilter) throws -> [RunSummaryRow] {
        try read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let cluster = filter.cluster { clauses.append("s.cluster = ?"); _ = arguments.append(contentsOf: [cluster]) }
            if let state = filter.state {
                let states = state.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
                clauses.append("upper(s.last_state) IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
                _ = arguments.append(contentsOf: StatementArguments(states))
            }
            if let since = filter.since { clauses.append("s.created >= ?"); _ = arguments.append(contentsOf: [since]) }
            if let grep = filter.grep {
                clauses.append("(s.run_id LIKE ? OR r.workload LIKE ? OR r.commandsJson LIKE ?)")
                let pattern = "%\(grep)%"
                _ = arguments.append(contentsOf: [pattern, pattern, pattern])
            }
            for tag in filter.tags {
                clauses.append("EXISTS (SELECT 1 FROM runTag t WHERE t.runId = s.run_id AND t.tag = ?)")
                _ = arguments.append(contentsOf: [tag])
            }
            for param in filter.params {
                clauses.append("EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = s.run_id AND p.name = ? AND CAST(p.value AS TEXT) = ?)")
                _ = arguments.append(contentsOf: [param.name, param.value])
            }
            for metric in filter.metrics where MetricFilter.operators.contains(metric.op) {
                // the operator is one of a fixed list, never the caller's text
                clauses.append("EXISTS (SELECT 1 FROM runMetric m WHERE m.runId = s.run_id AND m.name = ? AND m.value \(metric.op) ?)")
                _ = arguments.append(contentsOf: [metric.name, metric.value])
            }
            _ = arguments.append(contentsOf: [filter.limit])
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            return try RunSummaryRow.fetchAll(db, sql: """
                SELECT s.* FROM run_summary s JOIN run r ON r.id = s.run_id \(whereClause)
                ORDER BY s.created DESC, s.run_id DESC LIMIT ?
                """, arguments: arguments)
        }
    }

    /// Every cluster any run of this ledger used.
    public func clustersInUse() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT cluster FROM run ORDER BY cluster") }
    }

    public func recordReplay(_ replay: ReplayRecord) throws {
        try write("recordReplay") { db in try replay.insert(db, onConflict: .replace) }
    }

    public func recordRunInfo(runId: String, json: String, now: Date) throws {
        try write("recordRunInfo") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO runInfo (runId, json, ingestedAt) VALUES (?, ?, ?)", arguments: [runId, json, Timestamp.string(now)])
        }
    }

    /// The one way bytes enter the archive: by sha256, stored once.
    package static func storeBlob(_ db: Database, sha256: String, data: Data, at stamp: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO blob (sha256, size, content, createdAt) VALUES (?, ?, ?, ?)",
                       arguments: [sha256, data.count, data, stamp])
    }
}
