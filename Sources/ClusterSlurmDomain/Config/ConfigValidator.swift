import Foundation
import ClusterSlurmSupport

/// Turns the plugin's config object into a `PluginConfig`, collecting every
/// problem at once (each with its JSON path) instead of stopping at the first.
public struct ConfigValidator {
    package var issues: [ConfigIssue] = []

    public init() {}

    public static let topLevelKeys = ["defaultCluster", "routing", "localRunsDir", "ledgerPath", "execution", "archive", "polling", "policy", "clusters"]
    public static let archiveKeys = ["maxInputBytesPerRun", "maxOutputBytes"]
    public static let routingKeys = ["defaultProfile", "gpuProfile", "gpuIndicators", "gpuRequiredErrorSignatures", "autoFallbackToGpuOnSignatures"]
    public static let executionKeys = ["allowCustomEnvOverride"]
    public static let profileKeys = ["sshTarget", "remoteRoot", "scheduler", "loginShell", "submitArgs", "moduleInitScripts",
                                     "setupCommands", "slurmDefaults", "sshConfigFile", "sshTimeoutSeconds", "description", "pythonCommand", "policy",
                                     "verifyInputsOnComputeNode", "allowCustomScripts", "retry", "preemption", "metricsFile"]

    /// Validates `root`, the plugin config object. Returns the config and any
    /// warnings, or throws `ClusterSlurmError.config` listing every error.
    public static func validate(_ root: JSONValue, source: String) throws -> (PluginConfig, [ConfigIssue]) {
        var validator = ConfigValidator()
        let config = validator.readConfig(root)
        let errors = validator.issues.filter { $0.severity == .error }
        if !errors.isEmpty || config == nil {
            throw ClusterSlurmError.config(source: source, issues: validator.issues)
        }
        return (config!, validator.issues.filter { $0.severity == .warning })
    }

    // MARK: - Sections

    package mutating func readConfig(_ root: JSONValue) -> PluginConfig? {
        guard case .object(let object) = root else {
            error("", "the plugin config must be a JSON object (got \(root.typeName))")
            return nil
        }
        checkKeys(object, allowed: Self.topLevelKeys, at: "")
        let defaultCluster = string(object["defaultCluster"], at: "defaultCluster", nonEmpty: true)
        let localRunsDir = string(object["localRunsDir"], at: "localRunsDir", nonEmpty: true) ?? PluginConfig.defaultLocalRunsDir
        checkWorkspaceRelative(localRunsDir, at: "localRunsDir")
        let ledgerPath = string(object["ledgerPath"], at: "ledgerPath", nonEmpty: true)
        var routing = readRouting(object["routing"])
        // As the reference: without its own defaultProfile, routing starts from defaultCluster.
        if routing.defaultProfile == nil { routing.defaultProfile = defaultCluster }
        let execution = readExecution(object["execution"])
        let archive = readArchive(object["archive"])
        var polling = PollingConfig.defaults
        if let pollingObject = self.object(object["polling"], at: "polling") {
            checkKeys(pollingObject, allowed: ["minIntervalSeconds", "maxWaitSeconds", "waitCheckSeconds"], at: "polling")
            switch pollingObject["minIntervalSeconds"] {
            case nil: break
            case .int(let n)? where n >= 0 && n <= 86_400: polling.minIntervalSeconds = Int(n)
            case let bad?: error("polling.minIntervalSeconds", "must be an integer between 0 and 86400 (seconds) (got \(bad.preview))")
            }
            switch pollingObject["maxWaitSeconds"] {
            case nil: break
            case .int(let n)? where n >= 0 && n <= 3_600: polling.maxWaitSeconds = Int(n)
            case let bad?: error("polling.maxWaitSeconds", "must be an integer between 0 and 3600 (seconds; 0 turns waiting off) (got \(bad.preview))")
            }
            switch pollingObject["waitCheckSeconds"] {
            case nil: break
            case .int(let n)? where n >= 5 && n <= 600: polling.waitCheckSeconds = Int(n)
            case let bad?: error("polling.waitCheckSeconds", "must be an integer between 5 and 600 (seconds) (got \(bad.preview))")
            }
        }

        var clusters: [String: ClusterProfile] = [:]
        switch object["clusters"] {
        case nil, .null?:
            // As the reference, an empty config loads; every action that needs a cluster says none is configured.
            warning("clusters", "no cluster profiles are configured; add one under clusters (see examples/) before running jobs")
        case .object(let profiles)?:
            if profiles.isEmpty { warning("clusters", "no cluster profiles are configured; add one under clusters (see examples/) before running jobs") }
            for id in profiles.keys.sorted() {
                let path = "clusters.\(id)"
                if !Self.isValidClusterId(id) {
                    error(path, "cluster id must be 1-64 characters of letters, digits, '.', '_' or '-'")
                }
                if let profile = readProfile(profiles[id]!, at: path) { clusters[id] = profile }
            }
        case let other?:
            error("clusters", "must be an object mapping cluster ids to profiles (got \(other.typeName))")
        }

        var ids = Set<String>()
        if case .object(let profiles)? = object["clusters"] { ids = Set(profiles.keys) }
        if let defaultCluster, !ids.isEmpty, !ids.contains(defaultCluster) {
            error("defaultCluster", "names a cluster that is not configured (got \"\(defaultCluster)\"; configured: \(ids.sorted().joined(separator: ", ")))\(suggestion(defaultCluster, ids))")
        }
        if let profile = routing.defaultProfile, !ids.isEmpty, !ids.contains(profile) {
            error("routing.defaultProfile", "names a cluster that is not configured (got \"\(profile)\")\(suggestion(profile, ids))")
        }
        if let profile = routing.defaultProfile, let defaultCluster, profile != defaultCluster {
            error("routing.defaultProfile", "must equal defaultCluster when both are set (got \"\(profile)\", defaultCluster is \"\(defaultCluster)\")")
        }
        if let profile = routing.gpuProfile, !ids.isEmpty, !ids.contains(profile) {
            error("routing.gpuProfile", "names a cluster that is not configured (got \"\(profile)\")\(suggestion(profile, ids))")
        }
        return PluginConfig(
            defaultCluster: defaultCluster, routing: routing, localRunsDir: localRunsDir,
            ledgerPath: ledgerPath, execution: execution, archive: archive, polling: polling,
            policy: readPolicy(object["policy"], at: "policy") ?? PolicyConfig(), clusters: clusters)
    }

    // MARK: - Primitive readers

    package mutating func checkKeys(_ object: [String: JSONValue], allowed: [String], at path: String) {
        for problem in JSONFields.unknownKeys(object, allowed: allowed, at: path) { error(problem.path, problem.message) }
    }

    /// A reader's answer, with its problem collected as an issue.
    package mutating func collect<T>(_ result: Result<T?, JSONFields.Problem>) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let problem): error(problem.path, problem.message); return nil
        }
    }

    package mutating func object(_ value: JSONValue?, at path: String) -> [String: JSONValue]? {
        collect(JSONFields.object(value, at: path))
    }

    package mutating func string(_ value: JSONValue?, at path: String, nonEmpty: Bool) -> String? {
        collect(JSONFields.string(value, at: path, nonEmpty: nonEmpty))
    }

    package mutating func bool(_ value: JSONValue?, at path: String) -> Bool? {
        collect(JSONFields.bool(value, at: path))
    }

    package mutating func integer(_ value: JSONValue?, at path: String, minimum: Int) -> Int? {
        collect(JSONFields.integer(value, at: path, minimum: minimum))
    }

    package mutating func stringArray(_ value: JSONValue?, at path: String, nonEmptyItems: Bool) -> [String]? {
        collect(JSONFields.stringArray(value, at: path, nonEmptyItems: nonEmptyItems))
    }

    package mutating func checkWorkspaceRelative(_ dir: String, at path: String) {
        if dir.hasPrefix("/") || dir.hasPrefix("~") || dir.split(separator: "/").contains("..") {
            error(path, "must be a relative path that stays inside the workspace (got \"\(dir)\")")
        }
    }

    package mutating func error(_ path: String, _ message: String) {
        issues.append(ConfigIssue(severity: .error, path: path, message: message))
    }

    package mutating func warning(_ path: String, _ message: String) {
        issues.append(ConfigIssue(severity: .warning, path: path, message: message))
    }

    package static func isValidClusterId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy {
            ($0.value < 128) && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }

    package func suggestion(_ word: String, _ candidates: Set<String>) -> String {
        guard let best = Suggestion.closest(to: word, among: candidates) else { return "" }
        return " (did you mean \"\(best)\"?)"
    }
}
