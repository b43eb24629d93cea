import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Everything an action needs, passed in explicitly (no globals).
public struct ActionContext: Sendable {
    public let loaded: LoadedConfig
    public let ledger: Ledger
    public let transport: any Transport
    /// Absolute path of the workspace; local run dirs live under it.
    public let workspace: String
    public let toolVersion: String
    public let now: @Sendable () -> Date
    /// Who is told about bytes hashed, sent and received (the CLI on a terminal); nil: nobody.
    public var progress: (any ProgressObserver)?
    /// Who is told, while `check_workload` waits, of each change (MCP progress
    /// notifications, the OpenClaw shim's `onUpdate`, a terminal); nil: nobody.
    public var waitUpdates: (@Sendable (WaitUpdate) -> Void)?

    public var config: PluginConfig { loaded.config }

    public init(loaded: LoadedConfig, ledger: Ledger, transport: any Transport, workspace: String,
                toolVersion: String = ClusterSlurmVersion.current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.loaded = loaded
        self.ledger = ledger
        self.transport = transport
        self.workspace = workspace
        self.toolVersion = toolVersion
        self.now = now
    }

    /// The ledger path: `ledgerPath` from the config, else `<workspace>/<localRunsDir>/ledger.sqlite`.
    public static func ledgerPath(config: PluginConfig, workspace: String, override: String?) -> String {
        if let override, !override.isEmpty { return absolute(override, base: workspace) }
        if let configured = config.ledgerPath { return absolute(configured, base: workspace) }
        return workspace + "/" + config.localRunsDir + "/ledger.sqlite"
    }

    package static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSHomeDirectory() + "/" + path.dropFirst(2) }
        return base + "/" + path
    }

    public func profile(_ cluster: String) throws -> ClusterProfile {
        guard let profile = config.clusters[cluster] else {
            throw ClusterSlurmError.invalidInput(
                "unknown cluster \"\(cluster)\"; configured clusters: \(config.clusterIds.joined(separator: ", "))", path: "cluster")
        }
        return profile
    }

    public func slurm(_ cluster: String) throws -> SlurmClient {
        SlurmClient(transport: transport, endpoint: SSHEndpoint(profile: try profile(cluster)))
    }

    public func localRunDirectory(_ run: RunRecord) -> String {
        Self.absolute(run.localRunDir, base: workspace)
    }

    public func remoteRunDirectory(_ run: RunRecord) throws -> RemotePath {
        guard let path = RemotePath(parsing: run.remoteRunDir) else {
            throw ClusterSlurmError.ledger("run \(run.id) has an unusable remote dir \"\(run.remoteRunDir)\"")
        }
        return path
    }

    /// Runs `body`, recording the call, its result or error, and its duration
    /// in the action log.
    public func logged<Parameters: Encodable, Result: Encodable>(
        _ action: String, parameters: Parameters, runId: String? = nil, cluster: String? = nil,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let started = now()
        let clock = ContinuousClock.now
        let parametersJson = (try? CanonicalJSON.encode(parameters)) ?? "{}"
        func millis() -> Int64 {
            let d = ContinuousClock.now - clock
            return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        }
        do {
            let result = try await body()
            ledger.logAction(ActionLogRecord(
                id: nil, action: action, runId: runId ?? Self.runId(of: result), cluster: cluster, parametersJson: parametersJson,
                resultJson: try? CanonicalJSON.encode(result), error: nil, startedAt: Timestamp.string(started), durationMs: millis()))
            return result
        } catch let error as ClusterSlurmError where error.kind == .invalidInput || error.kind == .invalidConfig {
            // Malformed calls leave no trace in the ledger: nothing happened.
            throw error
        } catch {
            ledger.logAction(ActionLogRecord(
                id: nil, action: action, runId: runId, cluster: cluster, parametersJson: parametersJson, resultJson: nil,
                error: String(describing: error), startedAt: Timestamp.string(started), durationMs: millis()))
            throw error
        }
    }

    private static func runId(of result: some Encodable) -> String? {
        (result as? any RunScoped)?.runIdentifier
    }
}

/// Results that belong to a run, so the action log can say which.
package protocol RunScoped { var runIdentifier: String? { get } }

public enum ClusterSlurmVersion {
    public static let current = "0.1.0"
}
