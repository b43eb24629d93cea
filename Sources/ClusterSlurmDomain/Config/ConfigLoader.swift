import Foundation
import ClusterSlurmSupport

/// Finds, reads and validates the config: either an OpenClaw config file
/// (`plugins.entries.cluster-slurm.config`) or a file holding only the plugin's
/// config object.
public struct LoadedConfig: Sendable {
    public let config: PluginConfig
    public let warnings: [ConfigIssue]
    /// The file it came from.
    public let sourcePath: String
    /// The plugin config object as written, canonical JSON (for the ledger).
    public let canonicalJSON: String
    public let sha256: String
}

public enum ConfigLoader {
    public static let pluginId = "cluster-slurm"

    /// `--config`, then `CLUSTER_SLURM_CONFIG`, then `~/.openclaw/openclaw.json`.
    public static func resolvePath(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnv = environment["CLUSTER_SLURM_CONFIG"], !fromEnv.isEmpty { return fromEnv }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.openclaw/openclaw.json"
    }

    public static func load(path: String) throws -> LoadedConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClusterSlurmError(.invalidConfig,
                "config file not found: \(path); pass --config PATH, set CLUSTER_SLURM_CONFIG, or create ~/.openclaw/openclaw.json (see examples/gautschi/openclaw.json)",
                path: "--config")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClusterSlurmError(.invalidConfig, "cannot read config file \(path): \(error.localizedDescription)", path: "--config")
        }
        return try load(data: data, source: path)
    }

    public static func load(data: Data, source: String) throws -> LoadedConfig {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch {
            let position = JSONSyntax.firstProblem(in: Array(data)).map { $0.description } ?? describe(error)
            throw ClusterSlurmError(.invalidConfig, "\(source): not valid JSON or JSON5: \(position)")
        }
        let pluginConfig = try extractPluginConfig(document, source: source)
        let (config, warnings) = try ConfigValidator.validate(pluginConfig, source: source)
        let canonical = try CanonicalJSON.encode(pluginConfig)
        return LoadedConfig(config: config, warnings: warnings, sourcePath: source,
                            canonicalJSON: canonical, sha256: Hashing.sha256Hex(canonical))
    }

    /// An OpenClaw file is recognised by its top-level `plugins` key.
    package static func extractPluginConfig(_ document: JSONValue, source: String) throws -> JSONValue {
        guard case .object(let top) = document else {
            throw ClusterSlurmError(.invalidConfig, "\(source): the config must be a JSON object (got \(document.typeName))")
        }
        guard top["plugins"] != nil else { return document }
        let path = "plugins.entries.\(pluginId).config"
        guard let entry = top["plugins"]?["entries"]?[pluginId] else {
            throw ClusterSlurmError(.invalidConfig,
                "\(source): OpenClaw config has no plugins.entries.\(pluginId); add the plugin's entry (see examples/gautschi/openclaw.json)",
                path: "plugins.entries.\(pluginId)")
        }
        guard let config = entry["config"], case .object = config else {
            throw ClusterSlurmError(.invalidConfig, "\(source): \(path) must be an object holding the plugin's config", path: path)
        }
        return config
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context):
                let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return underlying ?? context.debugDescription
            default: return String(describing: decoding)
            }
        }
        return error.localizedDescription
    }
}
