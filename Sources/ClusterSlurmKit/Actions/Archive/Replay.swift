import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs replay`: a new run linked to its parent, made from the ledger's
/// archived script bytes (run-scoped names rewritten) and archived inputs,
/// which the upload verifies by hash on the cluster. Changes (`--cluster`,
/// `--override key=value`) are explicit and stored as deltas.
public enum Replay {
    public struct Request: Sendable {
        public var parentRunId: String
        public var cluster: String?
        public var overrides: [String: String]
        public var dryRun: Bool
        public init(parentRunId: String, cluster: String? = nil, overrides: [String: String] = [:], dryRun: Bool = false) {
            self.parentRunId = parentRunId
            self.cluster = cluster
            self.overrides = overrides
            self.dryRun = dryRun
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var parentRunId: String
        public var runId: String?
        public var cluster: String
        public var jobId: String?
        public var dryRun: Bool
        public var deltas: [String: String]
        public var inputs: [String]
        public var inputsFrom: String
        public var scriptSha256: String
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let parent = try context.ledger.archive(runId: request.parentRunId)
        guard let parentScript = parent.scriptText, let scriptRecord = parent.script else {
            throw ClusterSlurmError.invalidInput("run \(parent.run.id) has no rendered script in the ledger, so it cannot be replayed", path: "runId")
        }
        let cluster = request.cluster ?? parent.run.cluster
        let profile = try context.profile(cluster)
        var deltas: [String: String] = [:]
        if cluster != parent.run.cluster { deltas["cluster"] = cluster }
        let flags = Dictionary(uniqueKeysWithValues: SlurmDirectives.renderOrder.map { ($0.key, $0.flag) })
        // On another cluster, placement follows its profile (explicit overrides still win).
        var mapped: [String: String?] = [:]
        if cluster != parent.run.cluster {
            mapped = ReplayMapping.directives(parentScript: parentScript, from: context.config.clusters[parent.run.cluster], to: profile)
                .filter { request.overrides[$0.key] == nil }
            for (key, value) in mapped { deltas["mapped.\(key)"] = value ?? "(removed)" }
        }
        for (key, value) in request.overrides {
            guard let flag = flags[key] else {
                throw ClusterSlurmError.invalidInput("unknown directive \"\(key)\"; use one of \(flags.keys.sorted().joined(separator: ", "))", path: "--override")
            }
            guard SlurmFormats.isSafeDirectiveValue(value) else {
                throw ClusterSlurmError.invalidInput("\(key)=\(value) must not contain whitespace, quotes or shell characters", path: "--override")
            }
            deltas["override.\(key)"] = value
            _ = flag
        }

        // Inputs: archived bytes, or (when the run was over the cap) local files that still hash the same.
        var inputsFrom = "archive"
        var inputData: [(entry: UploadEntryRecord, data: Data)] = []
        for entry in parent.inputs {
            if let sha = entry.blobSha256, let data = try context.ledger.blob(sha256: sha) {
                inputData.append((entry, data))
            } else if let data = FileManager.default.contents(atPath: entry.localPath), Hashing.sha256Hex(data) == entry.sha256 {
                inputsFrom = "archive and unchanged local files (inputs were not archived)"
                inputData.append((entry, data))
            } else {
                throw ClusterSlurmError.invalidInput(
                    "input \(entry.relativePath) of \(parent.run.id) was not archived (over the cap) and \(entry.localPath) no longer has sha256 \(entry.sha256.prefix(12)); the run cannot be replayed byte for byte",
                    path: "runId")
            }
        }

        let newId = request.dryRun ? nil : try context.ledger.createOrFetchRun(NewRun(
            requestedId: nil, prefix: "replay", cluster: cluster,
            routing: cluster == parent.run.cluster
                ? RoutingDecision(clusterId: cluster, reason: parent.run.routingReason.flatMap(RoutingReason.init(rawValue:)) ?? .existingRun,
                                  matchedIndicator: parent.run.matchedIndicator)
                : RoutingDecision(clusterId: cluster, reason: .explicitCluster),
            workload: parent.run.workload, commands: parent.run.commandsJson.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) },
            localRunsDir: context.config.localRunsDir, remoteRoot: profile.remoteRoot, parentRunId: parent.run.id,
            config: context.loaded, provenance: await Provenance.collect(workspace: context.workspace, toolVersion: context.toolVersion)),
            now: context.now()).run.id
        let placeholderId = newId ?? "<new-run-id>"
        var changes: [String: String?] = mapped
        for (key, value) in request.overrides { changes[key] = value }
        let script = applyOverrides(parentScript.replacingOccurrences(of: parent.run.id, with: placeholderId), changes, flags: flags)
        let result = Result(parentRunId: parent.run.id, runId: newId, cluster: cluster, jobId: nil, dryRun: request.dryRun, deltas: deltas,
                            inputs: parent.inputs.map(\.relativePath), inputsFrom: inputsFrom, scriptSha256: Hashing.sha256Hex(script))
        guard let newId else { return result }

        let run = try context.ledger.requireRun(id: newId)
        let localDir = context.localRunDirectory(run)
        try LocalFiles.makePrivateDirectory(localDir)
        let scriptPath = localDir + "/" + scriptRecord.scriptName
        try LocalFiles.writeAtomically(Data(script.utf8), to: scriptPath)
        let parsed = ScriptDirectives.parse(script)
        var directives = SlurmDirectives()
        directives.jobName = parsed["job-name"]; directives.partition = parsed["partition"]; directives.account = parsed["account"]
        directives.qos = parsed["qos"]; directives.constraint = parsed["constraint"]; directives.time = parsed["time"]
        directives.nodes = parsed["nodes"].flatMap(Int.init); directives.ntasks = parsed["ntasks"].flatMap(Int.init)
        directives.ntasksPerNode = parsed["ntasks-per-node"].flatMap(Int.init); directives.cpusPerTask = parsed["cpus-per-task"].flatMap(Int.init)
        directives.mem = parsed["mem"]; directives.gpus = parsed["gpus"]; directives.gpusPerNode = parsed["gpus-per-node"]
        directives.gres = parsed["gres"]; directives.output = parsed["output"]; directives.error = parsed["error"]
        let decode = { (json: String) in (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }
        _ = try context.ledger.recordScript(
            runId: newId, scriptName: scriptRecord.scriptName, localPath: scriptPath,
            rendered: RenderedScript(text: script, directives: directives, setupCommands: decode(scriptRecord.setupCommandsJson),
                                     modules: decode(scriptRecord.modulesJson)),
            envNames: decode(scriptRecord.envNamesJson), now: context.now())
        try context.ledger.recordReplay(ReplayRecord(runId: newId, parentRunId: parent.run.id, deltasJson: try CanonicalJSON.encode(deltas),
                                                     verdict: nil, differingJson: nil, verifiedAt: nil, createdAt: Timestamp.string(context.now())))

        if !inputData.isEmpty {
            let staging = localDir + "/.replay-inputs"
            try LocalFiles.makePrivateDirectory(staging)
            defer { try? FileManager.default.removeItem(atPath: staging) }
            var sources: [LocalFiles.Source] = []
            for (entry, data) in inputData {
                let file = staging + "/" + Hashing.sha256Hex(data)
                try LocalFiles.writeAtomically(data, to: file)
                sources.append(LocalFiles.Source(localPath: file, relativePath: entry.relativePath, size: Int64(data.count), sha256: entry.sha256))
            }
            _ = try await Upload.send(sources, run: run, subdir: nil, context: context, remoteKnownEmpty: true)
        }
        let submitted = try await SubmitJob.run(.init(runId: newId), context: context)
        var final = result
        final.jobId = submitted.jobId
        return final
    }

    /// Replaces or adds `#SBATCH --flag=value` lines for each override; a
    /// nil value removes the directive.
    package static func applyOverrides(_ script: String, _ overrides: [String: String?], flags: [String: String]) -> String {
        guard !overrides.isEmpty else { return script }
        var lines = script.components(separatedBy: "\n")
        for key in overrides.keys.sorted() {
            let flag = flags[key]!
            guard let value = overrides[key]! else {
                lines.removeAll { $0.hasPrefix("#SBATCH --\(flag)=") }
                continue
            }
            let directive = "#SBATCH --\(flag)=\(value)"
            if let index = lines.firstIndex(where: { $0.hasPrefix("#SBATCH --\(flag)=") }) { lines[index] = directive }
            else if let last = lines.lastIndex(where: { $0.hasPrefix("#SBATCH") }) { lines.insert(directive, at: last + 1) }
            else { lines.insert(directive, at: min(1, lines.count)) }
        }
        return lines.joined(separator: "\n")
    }
}
