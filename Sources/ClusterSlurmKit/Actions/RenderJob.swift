import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `render_job`: writes the batch script for a run into its local dir and
/// records its bytes in the ledger. Needs no SSH.
public enum RenderJob {
    public struct Request: Codable, Sendable {
        public var runId: String?
        public var cluster: String?
        public var prefix: String?
        public var commands: [String]
        public var workload: String?
        public var env: [String: String]
        public var setupCommands: [String]
        public var modules: [String]
        public var headerOverrides: SlurmDirectives
        public var scriptName: String?
        public var allowEnvOverrides: Bool
        /// The run's parameters (an object): recorded, and `CLUSTER_SLURM_PARAMS` in the job.
        public var params: JSONValue?
        public var array: JobArray?
        /// The outputs file whose numbers are the run's metrics (default: the profile's `metricsFile`).
        public var metricsFile: String?

        public init(runId: String? = nil, cluster: String? = nil, prefix: String? = nil, commands: [String], workload: String? = nil,
                    env: [String: String] = [:], setupCommands: [String] = [], modules: [String] = [],
                    headerOverrides: SlurmDirectives = SlurmDirectives(), scriptName: String? = nil, allowEnvOverrides: Bool = false,
                    params: JSONValue? = nil, array: JobArray? = nil, metricsFile: String? = nil) {
            self.metricsFile = metricsFile
            self.params = params
            self.array = array
            self.runId = runId
            self.cluster = cluster
            self.prefix = prefix
            self.commands = commands
            self.workload = workload
            self.env = env
            self.setupCommands = setupCommands
            self.modules = modules
            self.headerOverrides = headerOverrides
            self.scriptName = scriptName
            self.allowEnvOverrides = allowEnvOverrides
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var runId: String
        public var localScriptPath: String
        public var script: String
        public var scriptName: String
        public var scriptSha256: String
        package var runIdentifier: String? { runId }
    }

    public static let defaultScriptName = "job.slurm"

    /// `policyChecked` is set by run_workload, which applies the policy itself.
    public static func run(_ request: Request, context: ActionContext, policyChecked: Bool = false, createRemote: Bool = false,
                           routing: RoutingDecision? = nil) async throws -> Result {
        if !policyChecked {
            try EnvironmentPolicy.check(
                .init(setupCommands: request.setupCommands, modules: request.modules, headerModules: request.headerOverrides.modules,
                      commands: request.commands),
                allowEnvOverrides: request.allowEnvOverrides, configAllows: context.config.execution.allowCustomEnvOverride,
                action: "render_job")
        }
        let scriptName = try checkedScriptName(request.scriptName)
        try ScriptRenderer.validateEnv(request.env)
        let initialized = try await InitRun.run(
            .init(cluster: request.cluster, runId: request.runId, prefix: request.prefix, workload: request.workload,
                  commands: request.commands, createRemote: createRemote, routing: routing),
            context: context)
        let run = initialized.run
        let profile = try context.profile(run.cluster)
        let policy = context.config.policy(for: run.cluster)
        let secretNames = request.env.keys.filter(policy.isSecret).sorted()
        let rendered = try ScriptRenderer.render(profile: profile, request: RenderRequest(
            runId: run.runId, overrides: request.headerOverrides, env: request.env,
            extraSetupCommands: request.setupCommands, extraModules: request.modules, commands: request.commands,
            secretNames: secretNames, params: request.params, array: request.array))
        // Secret values never touch the local disk: they are streamed into a
        // private (0600) file in the remote run dir, which the job removes
        // right after reading it. A file an older version left here goes.
        unlink(run.localRunDir + "/" + ScriptRenderer.secretsFile)
        if !secretNames.isEmpty {
            // How to recognise them in the job's output, so no stored text holds them.
            try context.ledger.recordSecrets(runId: run.runId, values: request.env.filter { secretNames.contains($0.key) })
            let runRecord = try context.ledger.requireRun(id: run.runId)
            let sent = try await context.transport.run(
                RemoteCall(label: "send secrets", script: RemoteScripts.writePrivateFile,
                           arguments: [try context.remoteRunDirectory(runRecord).word, .literal(ScriptRenderer.secretsFile)],
                           stdin: .bytes(Data(ScriptRenderer.secretsText(request.env, names: secretNames).utf8))),
                on: SSHEndpoint(profile: profile))
            guard sent.succeeded else {
                throw RemoteFailure.error(action: "sending the secret values", to: "\(profile.sshTarget):\(run.remoteRunDir)", result: sent)
            }
        }
        let localPath = run.localRunDir + "/" + scriptName
        try LocalFiles.writeAtomically(Data(rendered.text.utf8), to: localPath, mode: 0o600)
        if !initialized.created {
            try context.ledger.updateRun(id: run.runId, workload: request.workload, commands: request.commands, status: nil, now: context.now())
        }
        _ = try context.ledger.recordScript(runId: run.runId, scriptName: scriptName, localPath: localPath, rendered: rendered,
                                            envNames: Array(request.env.keys), now: context.now())
        let metricsFile = try request.metricsFile.map { try LocalFiles.checkedRelative($0, field: "metricsFile") }
        try context.ledger.recordRunShape(runId: run.runId, params: request.params, array: request.array, metricsFile: metricsFile)
        return Result(cluster: run.cluster, runId: run.runId, localScriptPath: localPath, script: rendered.text,
                      scriptName: scriptName, scriptSha256: rendered.sha256)
    }

    /// `params` must be an object of parameters (any JSON inside).
    public static func checkedParams(_ value: JSONValue?, path: String = "params") throws -> JSONValue? {
        guard let value, value != .null else { return nil }
        guard case .object = value else {
            throw ClusterSlurmError.invalidInput("must be an object of parameters such as {\"lr\": 0.01, \"seed\": 3} (got \(value.typeName))", path: path)
        }
        return value
    }

    package static func checkedScriptName(_ name: String?) throws -> String {
        guard let name, !name.isEmpty else { return defaultScriptName }
        guard !name.contains("/"), name != ".", name != "..", !name.hasPrefix("-"), !name.hasPrefix("."),
              name.count <= 200, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw ClusterSlurmError.invalidInput(
                "must be a plain file name (no '/', not starting with '.' or '-', no control characters) (got \"\(name)\")", path: "scriptName")
        }
        return name
    }
}
