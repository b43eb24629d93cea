import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `run_workload`: route → run → upload → render → submit, returning the
/// run and job ids at once without waiting for the job. A submit that fails
/// with a GPU-required signature is retried once on the GPU profile.
public enum RunWorkload {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var runId: String?
        public var prefix: String?
        public var workload: String?
        public var commands: [String]
        public var localPaths: [String]
        public var env: [String: String]
        public var setupCommands: [String]
        public var modules: [String]
        public var headerOverrides: SlurmDirectives
        public var submitArgs: [String]
        public var scriptName: String?
        public var autoFallbackToGpu: Bool?
        public var allowEnvOverrides: Bool
        /// A person's override of the loop breaker (CLI only).
        public var allowRepeatedFailures = false
        public var params: JSONValue?
        public var array: JobArray?
        public var metricsFile: String?
        /// Runs this one waits for (sbatch's afterok/afterany/afternotok).
        public var after: [RunDependencyRequest] = []

        public init(cluster: String? = nil, runId: String? = nil, prefix: String? = nil, workload: String? = nil, commands: [String],
                    localPaths: [String] = [], env: [String: String] = [:], setupCommands: [String] = [], modules: [String] = [],
                    headerOverrides: SlurmDirectives = SlurmDirectives(), submitArgs: [String] = [], scriptName: String? = nil,
                    autoFallbackToGpu: Bool? = nil, allowEnvOverrides: Bool = false, allowRepeatedFailures: Bool = false) {
            self.allowRepeatedFailures = allowRepeatedFailures
            self.cluster = cluster
            self.runId = runId
            self.prefix = prefix
            self.workload = workload
            self.commands = commands
            self.localPaths = localPaths
            self.env = env
            self.setupCommands = setupCommands
            self.modules = modules
            self.headerOverrides = headerOverrides
            self.submitArgs = submitArgs
            self.scriptName = scriptName
            self.autoFallbackToGpu = autoFallbackToGpu
            self.allowEnvOverrides = allowEnvOverrides
        }
    }

    public struct Fallback: Codable, Sendable, Equatable {
        public var triggered: Bool
        public var fromCluster: String?
        public var toCluster: String?
        public var matchedSignature: String?
        public var originalError: String?
        public var failedRunId: String?
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var mode = "run_workload"
        public var cluster: String
        public var clusterSelection: RoutingDecision
        public var runId: String
        public var jobId: String
        public var remoteRunDir: String
        public var localScriptPath: String
        public var submitOutput: String
        public var allowEnvOverrides: Bool
        public var fallback: Fallback
        public var uploaded: [Upload.Entry]
        /// For an array: its spec and task count.
        public var array: String?
        public var arrayTasks: Int?
        /// The runs it waits for, as submitted.
        public var after: [SubmitJob.Dependency]?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let commands = request.commands.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !commands.isEmpty else { throw ClusterSlurmError.invalidInput("command or commands is required", path: "commands") }
        try EnvironmentPolicy.check(
            .init(setupCommands: request.setupCommands, modules: request.modules, headerModules: request.headerOverrides.modules, commands: commands),
            allowEnvOverrides: request.allowEnvOverrides, configAllows: context.config.execution.allowCustomEnvOverride, action: "run_workload")
        try SubmitArgsPolicy.check(request.submitArgs)
        _ = try RenderJob.checkedScriptName(request.scriptName)
        _ = try request.metricsFile.map { try LocalFiles.checkedRelative($0, field: "metricsFile") }
        let runId = try request.runId.map { try RunId.validate($0) }
        let existing = try runId.flatMap { try context.ledger.run(id: $0) }
        var selection = try Router.route(
            RoutingRequest(explicitCluster: request.cluster, existingRunCluster: nil, workload: request.workload, commands: commands),
            config: context.config)
        // Without an explicit cluster, a run that waits for others goes where they ran (dependencies work within one cluster).
        if request.cluster == nil, let upstream = try request.after.first.flatMap({ try context.ledger.run(id: $0.runId) }) {
            selection = RoutingDecision(clusterId: upstream.cluster, reason: .upstreamRun)
        }
        if let existing, let explicit = request.cluster, existing.cluster != explicit {
            throw ClusterSlurmError.invalidInput("runId \(existing.id) belongs to cluster \"\(existing.cluster)\" (requested \"\(explicit)\")", path: "cluster")
        }
        let primary = existing?.cluster ?? selection.clusterId
        // Upstream runs are checked before anything is created or sent.
        _ = try RunDependencies.check(request.after, cluster: primary, runId: runId, context: context)
        let decision = existing.map { RoutingDecision(clusterId: $0.cluster, reason: .existingRun) } ?? selection

        do {
            return try await attempt(request, commands: commands, cluster: primary, runId: runId, prefix: request.prefix,
                                     decision: decision, selection: selection, fallback: Fallback(triggered: false), context: context)
        } catch let failure as ClusterSlurmError where failure.kind == .submitFailed {
            let errorText = failure.description
            guard let (gpuProfile, signature) = Router.gpuFallbackSignature(
                errorText: errorText, currentCluster: primary, config: context.config, callOverride: request.autoFallbackToGpu) else {
                throw failure
            }
            // The run the error is about: the ledger's newest run may be another process's.
            let fallback = Fallback(triggered: true, fromCluster: primary, toCluster: gpuProfile, matchedSignature: signature,
                                    originalError: errorText, failedRunId: failure.runId)
            return try await attempt(request, commands: commands, cluster: gpuProfile, runId: nil,
                                     prefix: "\(request.prefix?.isEmpty == false ? request.prefix! : "run")-gpu-fallback",
                                     decision: RoutingDecision(clusterId: gpuProfile, reason: .explicitCluster),
                                     selection: selection, fallback: fallback, context: context)
        }
    }

    private static func attempt(_ request: Request, commands: [String], cluster: String, runId: String?, prefix: String?,
                                decision: RoutingDecision, selection: RoutingDecision, fallback: Fallback,
                                context: ActionContext, claimFirst: Bool = false) async throws -> Result {
        var headerOverrides = request.headerOverrides
        if !(request.allowEnvOverrides && context.config.execution.allowCustomEnvOverride) { headerOverrides.modules = nil }
        // A new run's dir, inputs and submission travel in one round trip
        // (secret values go first, into a dir claimed on its own).
        let policy = context.config.policy(for: cluster)
        let firstContact = runId == nil && !claimFirst && !request.env.keys.contains(where: policy.isSecret)
        let rendered = try await RenderJob.run(
            .init(runId: runId, cluster: cluster, prefix: prefix, commands: commands, workload: request.workload, env: request.env,
                  setupCommands: request.setupCommands, modules: request.modules, headerOverrides: headerOverrides,
                  scriptName: request.scriptName, allowEnvOverrides: request.allowEnvOverrides, params: request.params, array: request.array,
                  metricsFile: request.metricsFile),
            context: context, policyChecked: true, createRemote: runId == nil && !firstContact, routing: decision)
        let run = try context.ledger.requireRun(id: rendered.runId)
        // The policy looks once, before anything reaches the cluster: at the
        // script just rendered and at the inputs the run will have (what it
        // had, with these sources over it).
        let inputs = try LocalFiles.collectSources(request.localPaths, workspace: context.workspace, field: "localPaths", progress: context.progress, cache: context.ledger, now: context.now, ledgerPath: context.ledger.path)
        var current = Dictionary(try context.ledger.currentInputs(runId: run.id).map { ($0.relativePath, $0.sha256) }) { _, later in later }
        for source in inputs { current[source.relativePath] = source.sha256 }
        let checked = try await SubmitPolicy.enforce(
            cluster: cluster, runId: run.id, scriptName: rendered.scriptName, scriptText: rendered.script,
            submitArgs: (try context.profile(cluster)).submitArgs + request.submitArgs,
            inputs: current.map { ($0.key, $0.value) }, allowRepeatedFailures: request.allowRepeatedFailures, context: context)
        let prepared = SubmitJob.Prepared(scriptName: rendered.scriptName, script: Data(rendered.script.utf8), checked: checked)
        var submit = SubmitJob.Request(runId: run.id, submitArgs: request.submitArgs, allowRepeatedFailures: request.allowRepeatedFailures)
        submit.after = request.after
        var uploaded: [Upload.Entry] = []
        let submitted: SubmitJob.Result
        if firstContact {
            // The sources collected (and hashed) for the policy check are the ones sent.
            let preparedUpload = request.localPaths.isEmpty ? nil
                : try await Upload.prepare(inputs, run: run, subdir: nil, context: context,
                                           emptyDirectories: LocalFiles.emptyDirectories(request.localPaths, workspace: context.workspace),
                                           remoteKnownEmpty: true)
            do {
                let (result, upload) = try await SubmitJob.submit(submit, context: context, firstContact: .init(upload: preparedUpload),
                                                                  prepared: prepared)
                submitted = result
                uploaded = upload?.uploaded ?? []
            } catch is SubmitJob.RunDirectoryTaken {
                // Another ledger sharing the remoteRoot made a run with this id: nothing was sent; a new run claims its dir first.
                try context.ledger.addNote(runId: run.id, text: "not submitted: its run dir \(run.remoteRunDir) was already taken on the cluster (another ledger's run with the same id); nothing was sent", now: context.now())
                return try await attempt(request, commands: commands, cluster: cluster, runId: nil, prefix: prefix, decision: decision,
                                         selection: selection, fallback: fallback, context: context, claimFirst: true)
            }
        } else {
            if !request.localPaths.isEmpty {
                let isFresh = try context.ledger.submitAttempts(runId: run.id).isEmpty && context.ledger.uploadEntries(runId: run.id).isEmpty
                uploaded = try await Upload.send(inputs, run: run, subdir: nil, context: context, remoteKnownEmpty: isFresh,
                                                 emptyDirectories: LocalFiles.emptyDirectories(request.localPaths, workspace: context.workspace)).uploaded
            }
            submitted = try await SubmitJob.submit(submit, context: context, prepared: prepared).result
        }
        return Result(cluster: cluster, clusterSelection: selection, runId: run.id, jobId: submitted.jobId, remoteRunDir: run.remoteRunDir,
                      localScriptPath: rendered.localScriptPath, submitOutput: submitted.submitOutput,
                      allowEnvOverrides: request.allowEnvOverrides, fallback: fallback, uploaded: uploaded,
                      array: request.array?.spec.text, arrayTasks: request.array?.spec.indexes.count, after: submitted.after)
    }
}
