import Foundation

/// Runs a parsed `ToolCall` against the actions and returns the result as
/// canonical JSON. The only logic here is choosing the action and copying
/// parameters across.
public enum ToolDispatcher {
    public static func run(_ call: ToolCall, context: ActionContext) async throws -> String {
        try await context.logged(call.action.rawValue, parameters: LoggedParameters(call), runId: call.runId, cluster: call.cluster) {
            try await dispatch(call, context: context)
        }.json
    }

    struct Encoded: Encodable, RunScoped {
        let json: String
        let runIdentifier: String?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(try JSONValue.parse(Data(json.utf8)))
        }
    }

    private static func encode<T: Encodable>(_ value: T) throws -> Encoded {
        Encoded(json: try CanonicalJSON.encode(value), runIdentifier: (value as? any RunScoped)?.runIdentifier)
    }

    private static func dispatch(_ call: ToolCall, context: ActionContext) async throws -> Encoded {
        func require(_ value: String?, _ field: String) throws -> String {
            guard let value else { throw ClusterSlurmError.invalidInput("is required for \(call.action.rawValue)", path: field) }
            return value
        }
        switch call.action {
        case .listClusters:
            var facts: [String: RecordedClusterFacts] = [:]
            for id in context.config.clusterIds { facts[id] = try? context.ledger.clusterFacts(cluster: id) }
            return try encode(ListClusters.run(config: context.config, facts: facts))
        case .initRun:
            return try encode(await InitRun.run(.init(cluster: call.cluster, runId: call.runId, prefix: call.prefix), context: context))
        case .upload:
            return try encode(await Upload.run(.init(runId: try require(call.runId, "runId"), localPaths: call.mergedLocalPaths,
                                                     remoteDir: call.remoteDir), context: context))
        case .renderJob:
            let commands = call.mergedCommands
            guard !commands.isEmpty else { throw ClusterSlurmError.invalidInput("command or commands is required", path: "commands") }
            return try encode(await RenderJob.run(.init(
                runId: call.runId, cluster: call.cluster, prefix: call.prefix, commands: commands, workload: call.workload,
                env: call.env ?? [:], setupCommands: call.setupCommands ?? [], modules: call.modules ?? [],
                headerOverrides: call.headerOverrides ?? SlurmDirectives(), scriptName: call.scriptName,
                allowEnvOverrides: call.allowEnvOverrides ?? false, params: call.params, array: call.array,
                metricsFile: call.metricsFile), context: context))
        case .submitJob:
            var request = SubmitJob.Request(runId: try require(call.runId, "runId"), scriptPath: call.scriptPath,
                                            scriptName: call.scriptName, submitArgs: call.submitArgs ?? [],
                                            allowRepeatedFailures: call.allowRepeatedFailures, allowCustomScript: call.allowCustomScript)
            request.after = call.after ?? []
            return try encode(await SubmitJob.run(request, context: context))
        case .jobStatus:
            return try encode(await JobStatusAction.run(.init(cluster: call.cluster, jobId: try require(call.jobId, "jobId"), runId: call.runId,
                                                              includeAccounting: call.includeAccounting ?? false, refresh: call.refresh), context: context))
        case .jobLogs:
            return try encode(await JobLogs.run(.init(cluster: call.cluster, runId: call.runId, jobId: call.jobId, remotePath: call.remotePath,
                                                      tail: call.tail, taskIndex: call.taskIndex), context: context))
        case .download:
            let remotePath = try require(call.remotePath, "remotePath")
            guard let runId = call.runId else {
                return try encode(await Download.withoutRun(remotePath: remotePath, localPath: call.localPath, cluster: call.cluster, context: context))
            }
            return try encode(await Download.run(.init(runId: runId, remotePaths: [remotePath], localPath: call.localPath), context: context))
        case .cancelJob:
            return try encode(await CancelJob.run(.init(cluster: call.cluster, jobId: try require(call.jobId, "jobId"), runId: call.runId), context: context))
        case .runWorkload:
            var request = RunWorkload.Request(
                cluster: call.cluster, runId: call.runId, prefix: call.prefix, workload: call.workload, commands: call.mergedCommands,
                localPaths: call.mergedLocalPaths, env: call.env ?? [:], setupCommands: call.setupCommands ?? [], modules: call.modules ?? [],
                headerOverrides: call.headerOverrides ?? SlurmDirectives(), submitArgs: call.submitArgs ?? [], scriptName: call.scriptName,
                autoFallbackToGpu: call.autoFallbackToGpu, allowEnvOverrides: call.allowEnvOverrides ?? false,
                allowRepeatedFailures: call.allowRepeatedFailures)
            request.params = call.params
            request.array = call.array
            request.after = call.after ?? []
            request.metricsFile = call.metricsFile
            return try encode(await RunWorkload.run(request, context: context))
        case .checkWorkload:
            return try encode(await CheckWorkload.run(.init(runId: call.runId, jobId: call.jobId, cluster: call.cluster,
                                                            includeAccounting: call.includeAccounting ?? false, refresh: call.refresh), context: context))
        case .fetchWorkloadLogs:
            return try encode(await FetchWorkloadLogs.run(.init(runId: call.runId, jobId: call.jobId, cluster: call.cluster,
                                                                remotePath: call.remotePath, tail: call.tail, taskIndex: call.taskIndex),
                                                          context: context))
        case .downloadWorkloadOutputs:
            let runId = try call.runId ?? Download.owningRun(remotePath: try require(call.remotePath, "runId"), context: context)
            return try encode(await DownloadWorkloadOutputs.run(.init(runId: runId, remotePath: call.remotePath, remoteFile: call.remoteFile,
                                                                      localPath: call.localPath, taskIndex: call.taskIndex), context: context))
        }
    }

    /// The call as stored in the action log: env values are left out, since
    /// they may hold secrets.
    struct LoggedParameters: Encodable {
        let call: ToolCall
        init(_ call: ToolCall) { self.call = call }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(call.action.rawValue, forKey: Key("action"))
            let strings: [(String, String?)] = [("cluster", call.cluster), ("runId", call.runId), ("prefix", call.prefix),
                ("localPath", call.localPath), ("remoteDir", call.remoteDir), ("remotePath", call.remotePath),
                ("remoteFile", call.remoteFile), ("scriptPath", call.scriptPath), ("scriptName", call.scriptName),
                ("command", call.command), ("workload", call.workload), ("jobId", call.jobId), ("metricsFile", call.metricsFile)]
            for (key, value) in strings { try c.encodeIfPresent(value, forKey: Key(key)) }
            let arrays: [(String, [String]?)] = [("localPaths", call.localPaths), ("commands", call.commands),
                ("setupCommands", call.setupCommands), ("modules", call.modules), ("submitArgs", call.submitArgs)]
            for (key, value) in arrays { try c.encodeIfPresent(value, forKey: Key(key)) }
            try c.encodeIfPresent(call.env.map { $0.keys.sorted() }, forKey: Key("envNames"))
            try c.encodeIfPresent(call.headerOverrides, forKey: Key("headerOverrides"))
            try c.encodeIfPresent(call.includeAccounting, forKey: Key("includeAccounting"))
            try c.encodeIfPresent(call.autoFallbackToGpu, forKey: Key("autoFallbackToGpu"))
            try c.encodeIfPresent(call.allowEnvOverrides, forKey: Key("allowEnvOverrides"))
            try c.encodeIfPresent(call.tail, forKey: Key("tail"))
            try c.encodeIfPresent(call.params, forKey: Key("params"))
            try c.encodeIfPresent(call.array?.spec.text, forKey: Key("array"))
            try c.encodeIfPresent(call.array?.taskParams.map(\.count), forKey: Key("arrayTaskParams"))
            try c.encodeIfPresent(call.after, forKey: Key("after"))
            try c.encodeIfPresent(call.taskIndex, forKey: Key("taskIndex"))
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }
}
