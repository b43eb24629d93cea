import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `init_run`: creates a run (or returns an existing one, keeping its
/// history), its private local dir and, unless told not to, its remote dir.
public enum InitRun {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var runId: String?
        public var prefix: String?
        public var workload: String?
        public var commands: [String]?
        /// Skip the remote mkdir (run_workload creates it while uploading).
        public var createRemote: Bool = true
        public var parentRunId: String?
        /// A routing decision made by the caller (run_workload).
        public var routing: RoutingDecision?

        public init(cluster: String? = nil, runId: String? = nil, prefix: String? = nil, workload: String? = nil,
                    commands: [String]? = nil, createRemote: Bool = true, parentRunId: String? = nil, routing: RoutingDecision? = nil) {
            self.cluster = cluster
            self.runId = runId
            self.prefix = prefix
            self.workload = workload
            self.commands = commands
            self.createRemote = createRemote
            self.parentRunId = parentRunId
            self.routing = routing
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var run: RunInfo
        public var created: Bool
        public var remoteDirectoryCreated: Bool
        package var runIdentifier: String? { run.runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let runId = try request.runId.map { try RunId.validate($0) }
        let existing = try runId.flatMap { try context.ledger.run(id: $0) }
        let decision = try request.routing ?? Router.route(
            RoutingRequest(explicitCluster: request.cluster, existingRunCluster: existing?.cluster,
                           workload: request.workload, commands: request.commands ?? []),
            config: context.config)
        let profile = try context.profile(decision.clusterId)
        let provenance = existing == nil ? await Provenance.collect(workspace: context.workspace, toolVersion: context.toolVersion)
                                         : Provenance(toolVersion: context.toolVersion, localHost: nil)
        // A generated id names a remote dir that must be this run's alone:
        // another ledger sharing the remoteRoot may have made the same id in
        // the same second. The dir is claimed exclusively first; on a
        // collision the id gets a short random suffix.
        var chosenId = runId
        var claimed = false
        if existing == nil, runId == nil, request.createRemote {
            let base = try context.ledger.nextFreeRunId(prefix: request.prefix, now: context.now())
            var candidate = base
            for attempt in 0..<6 {
                let result = try await context.transport.run(
                    RemoteCall(label: "create run dir", script: RemoteScripts.claimRunDirectory,
                               arguments: [profile.remoteRoot.appending(candidate).word]),
                    on: SSHEndpoint(profile: profile))
                if result.succeeded { claimed = true; break }
                guard result.exitStatus == RemoteExit.runDirectoryTaken.rawValue, attempt < 5 else {
                    throw RemoteFailure.error(action: "creating the run dir", to: "\(profile.sshTarget):\(profile.remoteRoot.appending(candidate))", result: result)
                }
                let suffix = "-" + String(UInt32.random(in: 0...0xFFFF_FFFF), radix: 16).suffix(4)
                candidate = String(base.prefix(RunId.maxLength - suffix.count)) + suffix
            }
            chosenId = candidate
        }
        let (record, created) = try context.ledger.createOrFetchRun(NewRun(
            requestedId: chosenId, prefix: request.prefix, cluster: decision.clusterId, routing: decision,
            workload: request.workload, commands: request.commands, localRunsDir: context.config.localRunsDir,
            remoteRoot: profile.remoteRoot, parentRunId: request.parentRunId, config: context.loaded, provenance: provenance),
            now: context.now())
        let localDir = context.localRunDirectory(record)
        try LocalFiles.makePrivateDirectory(localDir)
        var remoteCreated = claimed
        if request.createRemote && !claimed {
            let result = try await context.transport.run(
                RemoteCall(label: "create run dir", script: RemoteScripts.makeRunDirectory, arguments: [try context.remoteRunDirectory(record).word]),
                on: SSHEndpoint(profile: profile))
            guard result.succeeded else {
                throw RemoteFailure.error(action: "creating the run dir", to: "\(profile.sshTarget):\(record.remoteRunDir)", result: result)
            }
            remoteCreated = true
        }
        return Result(run: RunInfo(run: record, localRunDir: localDir, jobs: try context.ledger.jobs(runId: record.id)),
                      created: created, remoteDirectoryCreated: remoteCreated)
    }
}
