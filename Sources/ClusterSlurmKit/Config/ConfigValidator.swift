import Foundation

/// Turns the plugin's config object into a `PluginConfig`, collecting every
/// problem at once (each with its JSON path) instead of stopping at the first.
public struct ConfigValidator {
    private var issues: [ConfigIssue] = []

    public init() {}

    public static let topLevelKeys = ["defaultCluster", "routing", "localRunsDir", "ledgerPath", "execution", "archive", "polling", "policy", "clusters"]
    public static let archiveKeys = ["maxInputBytesPerRun", "maxOutputBytes"]
    public static let routingKeys = ["defaultProfile", "gpuProfile", "gpuIndicators", "gpuRequiredErrorSignatures", "autoFallbackToGpuOnSignatures"]
    public static let executionKeys = ["allowCustomEnvOverride"]
    public static let profileKeys = ["sshTarget", "remoteRoot", "scheduler", "loginShell", "submitArgs", "moduleInitScripts",
                                     "setupCommands", "slurmDefaults", "sshConfigFile", "sshTimeoutSeconds", "description", "pythonCommand", "policy",
                                     "verifyInputsOnComputeNode"]

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

    private mutating func readConfig(_ root: JSONValue) -> PluginConfig? {
        guard case .object(let object) = root else {
            error("", "the plugin config must be a JSON object (got \(root.typeName))")
            return nil
        }
        checkKeys(object, allowed: Self.topLevelKeys, at: "")
        let defaultCluster = string(object["defaultCluster"], at: "defaultCluster", nonEmpty: true)
        let localRunsDir = string(object["localRunsDir"], at: "localRunsDir", nonEmpty: true) ?? PluginConfig.defaultLocalRunsDir
        checkWorkspaceRelative(localRunsDir, at: "localRunsDir")
        let ledgerPath = string(object["ledgerPath"], at: "ledgerPath", nonEmpty: true)
        let routing = readRouting(object["routing"])
        let execution = readExecution(object["execution"])
        let archive = readArchive(object["archive"])
        var polling = PollingConfig.defaults
        if let pollingObject = self.object(object["polling"], at: "polling") {
            checkKeys(pollingObject, allowed: ["minIntervalSeconds"], at: "polling")
            switch pollingObject["minIntervalSeconds"] {
            case nil: break
            case .int(let n)? where n >= 0 && n <= 86_400: polling.minIntervalSeconds = Int(n)
            case let bad?: error("polling.minIntervalSeconds", "must be an integer between 0 and 86400 (seconds) (got \(bad.preview))")
            }
        }

        var clusters: [String: ClusterProfile] = [:]
        switch object["clusters"] {
        case nil, .null?:
            error("clusters", "is required: an object mapping a cluster id to its profile")
        case .object(let profiles)?:
            if profiles.isEmpty { error("clusters", "must hold at least one cluster profile") }
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

    private mutating func readRouting(_ value: JSONValue?) -> RoutingConfig {
        var routing = RoutingConfig(
            defaultProfile: nil, gpuProfile: nil,
            gpuIndicators: RoutingConfig.defaultGpuIndicators,
            gpuRequiredErrorSignatures: RoutingConfig.defaultGpuRequiredErrorSignatures,
            autoFallbackToGpuOnSignatures: true)
        guard let object = object(value, at: "routing") else { return routing }
        checkKeys(object, allowed: Self.routingKeys, at: "routing")
        routing.defaultProfile = string(object["defaultProfile"], at: "routing.defaultProfile", nonEmpty: true)
        routing.gpuProfile = string(object["gpuProfile"], at: "routing.gpuProfile", nonEmpty: true)
        if let indicators = stringArray(object["gpuIndicators"], at: "routing.gpuIndicators", nonEmptyItems: true) {
            routing.gpuIndicators = indicators
            for (index, indicator) in indicators.enumerated() where GpuIndicator.isRegexLiteral(indicator) {
                if case .failure(let failure) = GpuIndicator.compile(indicator) {
                    error("routing.gpuIndicators[\(index)]", failure.message)
                }
            }
        }
        if let signatures = stringArray(object["gpuRequiredErrorSignatures"], at: "routing.gpuRequiredErrorSignatures", nonEmptyItems: true) {
            routing.gpuRequiredErrorSignatures = signatures
        }
        if let flag = bool(object["autoFallbackToGpuOnSignatures"], at: "routing.autoFallbackToGpuOnSignatures") {
            routing.autoFallbackToGpuOnSignatures = flag
        }
        return routing
    }

    private mutating func readExecution(_ value: JSONValue?) -> ExecutionConfig {
        var execution = ExecutionConfig(allowCustomEnvOverride: false)
        guard let object = object(value, at: "execution") else { return execution }
        checkKeys(object, allowed: Self.executionKeys, at: "execution")
        if let flag = bool(object["allowCustomEnvOverride"], at: "execution.allowCustomEnvOverride") {
            execution.allowCustomEnvOverride = flag
        }
        return execution
    }

    private mutating func readPolicy(_ value: JSONValue?, at path: String) -> PolicyConfig? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: PolicyConfig.keys, at: path)
        var policy = PolicyConfig()
        if let time = string(object["maxWalltime"], at: "\(path).maxWalltime", nonEmpty: true) {
            if case .failure(let f) = SlurmFormats.timeLimitSeconds(time) { error("\(path).maxWalltime", "\(f.message) (got \"\(time)\")") }
            else { policy.maxWalltime = time }
        }
        if let mem = string(object["maxMemoryPerJob"], at: "\(path).maxMemoryPerJob", nonEmpty: true) {
            if case .failure(let f) = SlurmFormats.memoryMegabytes(mem) { error("\(path).maxMemoryPerJob", "\(f.message) (got \"\(mem)\")") }
            else { policy.maxMemoryPerJob = mem }
        }
        policy.maxGpusPerJob = integer(object["maxGpusPerJob"], at: "\(path).maxGpusPerJob", minimum: 0)
        policy.maxCpusPerJob = integer(object["maxCpusPerJob"], at: "\(path).maxCpusPerJob", minimum: 1)
        policy.maxNodesPerJob = integer(object["maxNodesPerJob"], at: "\(path).maxNodesPerJob", minimum: 1)
        policy.maxActiveJobs = integer(object["maxActiveJobs"], at: "\(path).maxActiveJobs", minimum: 0)
        policy.maxSubmissionsPerHour = integer(object["maxSubmissionsPerHour"], at: "\(path).maxSubmissionsPerHour", minimum: 0)
        policy.maxConsecutiveFailures = integer(object["maxConsecutiveFailures"], at: "\(path).maxConsecutiveFailures", minimum: 0)
        policy.allowedPartitions = stringArray(object["allowedPartitions"], at: "\(path).allowedPartitions", nonEmptyItems: true)
        policy.allowedAccounts = stringArray(object["allowedAccounts"], at: "\(path).allowedAccounts", nonEmptyItems: true)
        policy.allowedQos = stringArray(object["allowedQos"], at: "\(path).allowedQos", nonEmptyItems: true)
        policy.secretEnvPatterns = stringArray(object["secretEnvPatterns"], at: "\(path).secretEnvPatterns", nonEmptyItems: true)
        switch object["maxLoginNodeHashBytes"] {
        case nil, .null?: break
        case .int(let n)? where n >= 0: policy.maxLoginNodeHashBytes = n
        case let bad?: error("\(path).maxLoginNodeHashBytes", "must be an integer >= 0 (bytes) (got \(bad.preview))")
        }
        for key in ["gpuHoursPerDay", "cpuHoursPerDay", "failureWindowHours"] {
            let number: Double?
            switch object[key] {
            case nil, .null?: number = nil
            case .int(let n)? where n >= 0: number = Double(n)
            case .double(let d)? where d >= 0: number = d
            case let bad?: error("\(path).\(key)", "must be a number >= 0 (got \(bad.preview))"); number = nil
            }
            switch key {
            case "gpuHoursPerDay": policy.gpuHoursPerDay = number
            case "cpuHoursPerDay": policy.cpuHoursPerDay = number
            default: policy.failureWindowHours = number
            }
        }
        switch object["requireTimeLimit"] {
        case nil, .null?: break
        case .bool(let flag)?: policy.requireTimeLimit = flag
        case let bad?: error("\(path).requireTimeLimit", "must be true or false (got \(bad.preview))")
        }
        return policy
    }

    private mutating func readArchive(_ value: JSONValue?) -> ArchiveConfig {
        var archive = ArchiveConfig.defaults
        guard let object = object(value, at: "archive") else { return archive }
        checkKeys(object, allowed: Self.archiveKeys, at: "archive")
        if case .int(let n)? = object["maxInputBytesPerRun"], n >= 0 { archive.maxInputBytesPerRun = n }
        else if let bad = object["maxInputBytesPerRun"] { error("archive.maxInputBytesPerRun", "must be an integer >= 0 (bytes) (got \(bad.preview))") }
        if case .int(let n)? = object["maxOutputBytes"], n >= 0 { archive.maxOutputBytes = n }
        else if let bad = object["maxOutputBytes"] { error("archive.maxOutputBytes", "must be an integer >= 0 (bytes) (got \(bad.preview))") }
        return archive
    }

    private mutating func readProfile(_ value: JSONValue, at path: String) -> ClusterProfile? {
        guard case .object(let object) = value else {
            error(path, "must be an object (a cluster profile) (got \(value.typeName))")
            return nil
        }
        checkKeys(object, allowed: Self.profileKeys, at: path)
        let sshTarget = string(object["sshTarget"], at: "\(path).sshTarget", nonEmpty: true)
        if object["sshTarget"] == nil { error("\(path).sshTarget", "is required: the ssh host alias (or user@host) of the login node") }
        if let sshTarget, sshTarget.hasPrefix("-") || sshTarget.contains(where: { $0.isWhitespace || $0.isNewline }) {
            error("\(path).sshTarget", "must be an ssh host alias or user@host without spaces or a leading '-' (got \"\(sshTarget)\")")
        }
        var remoteRoot: RemotePath?
        if let text = string(object["remoteRoot"], at: "\(path).remoteRoot", nonEmpty: true) {
            remoteRoot = readRemoteRoot(text, at: "\(path).remoteRoot")
        } else if object["remoteRoot"] == nil {
            error("\(path).remoteRoot", "is required: an absolute directory on the cluster, or one under ~/")
        }
        let scheduler = string(object["scheduler"], at: "\(path).scheduler", nonEmpty: true) ?? "slurm"
        if scheduler != "slurm" { error("\(path).scheduler", "must be \"slurm\" (the only scheduler supported) (got \"\(scheduler)\")") }
        let loginShell = bool(object["loginShell"], at: "\(path).loginShell") ?? false
        let submitArgs = stringArray(object["submitArgs"], at: "\(path).submitArgs", nonEmptyItems: true) ?? []
        for (index, arg) in submitArgs.enumerated() where !arg.hasPrefix("-") {
            error("\(path).submitArgs[\(index)]", "must be an sbatch option starting with '-' (got \"\(arg)\")")
        }
        let moduleInitScripts = stringArray(object["moduleInitScripts"], at: "\(path).moduleInitScripts", nonEmptyItems: true) ?? []
        for (index, script) in moduleInitScripts.enumerated() where !(script.hasPrefix("/") || script.hasPrefix("~/") || script.hasPrefix("$HOME/")) {
            error("\(path).moduleInitScripts[\(index)]", "must be an absolute path on the cluster (got \"\(script)\")")
        }
        let setupCommands = stringArray(object["setupCommands"], at: "\(path).setupCommands", nonEmptyItems: true) ?? []
        let slurmDefaults = readDirectives(object["slurmDefaults"], at: "\(path).slurmDefaults") ?? SlurmDirectives()
        let sshConfigFile = string(object["sshConfigFile"], at: "\(path).sshConfigFile", nonEmpty: true)
        var timeout = ClusterProfile.defaultSshTimeoutSeconds
        if let value = object["sshTimeoutSeconds"] {
            if let seconds = integer(value, at: "\(path).sshTimeoutSeconds", minimum: 1), seconds <= 86_400 { timeout = seconds }
            else if case .int(let v) = value, v > 86_400 { error("\(path).sshTimeoutSeconds", "must be at most 86400 (got \(v))") }
        }
        let policy = readPolicy(object["policy"], at: "\(path).policy")
        let verifyInputs = bool(object["verifyInputsOnComputeNode"], at: "\(path).verifyInputsOnComputeNode") ?? true
        guard let sshTarget, let remoteRoot else { return nil }
        return ClusterProfile(
            sshTarget: sshTarget, remoteRoot: remoteRoot, scheduler: scheduler, loginShell: loginShell,
            submitArgs: submitArgs, moduleInitScripts: moduleInitScripts, setupCommands: setupCommands,
            slurmDefaults: slurmDefaults, sshConfigFile: sshConfigFile, sshTimeoutSeconds: timeout, policy: policy,
            verifyInputsOnComputeNode: verifyInputs)
    }

    private mutating func readRemoteRoot(_ text: String, at path: String) -> RemotePath? {
        if text.contains("<username>") || text.contains("<user>") {
            warning(path, "still holds the example's <username> placeholder (\"\(text)\"); set your real path before running jobs")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            error(path, "must not contain control characters or newlines")
            return nil
        }
        guard let remote = RemotePath(parsing: text) else {
            error(path, "must be an absolute path or start with ~/ or $HOME/ (got \"\(text)\"); it is expanded on the cluster, never locally")
            return nil
        }
        if remote.base == .absolute && remote.path == "/" {
            error(path, "must not be the filesystem root \"/\"; use a directory such as /scratch/<cluster>/$USER/openclaw-runs")
            return nil
        }
        if remote.base == .home && remote.path.isEmpty {
            error(path, "must be a directory below your home (e.g. ~/openclaw-runs), not the home directory itself")
            return nil
        }
        if remote.path.split(separator: "/").contains("..") {
            error(path, "must not contain '..' components (got \"\(text)\")")
            return nil
        }
        return remote
    }

    /// Reads a `slurmDefaults` (or `headerOverrides`) object.
    mutating func readDirectives(_ value: JSONValue?, at path: String) -> SlurmDirectives? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: SlurmDirectives.allKeys, at: path)
        var directives = SlurmDirectives()
        func text(_ key: String) -> String? {
            guard let value = string(object[key], at: "\(path).\(key)", nonEmpty: true) else { return nil }
            if !SlurmFormats.isSafeDirectiveValue(value) {
                error("\(path).\(key)", "must not contain whitespace, quotes or shell characters (got \(JSONValue.string(value).preview))")
                return nil
            }
            return value
        }
        directives.jobName = text("jobName")
        directives.partition = text("partition")
        directives.account = text("account")
        directives.qos = text("qos")
        directives.constraint = text("constraint")
        if let time = text("time") {
            if case .failure(let failure) = SlurmFormats.timeLimitSeconds(time) {
                error("\(path).time", "\(failure.message) (got \"\(time)\")")
            } else {
                directives.time = time
            }
        }
        directives.nodes = integer(object["nodes"], at: "\(path).nodes", minimum: 1)
        directives.ntasks = integer(object["ntasks"], at: "\(path).ntasks", minimum: 1)
        directives.ntasksPerNode = integer(object["ntasksPerNode"], at: "\(path).ntasksPerNode", minimum: 1)
        directives.cpusPerTask = integer(object["cpusPerTask"], at: "\(path).cpusPerTask", minimum: 1)
        if let mem = text("mem") {
            if case .failure(let failure) = SlurmFormats.memoryMegabytes(mem) { error("\(path).mem", "\(failure.message) (got \"\(mem)\")") }
            else { directives.mem = mem }
        }
        directives.gpus = gpuValue(object["gpus"], at: "\(path).gpus")
        directives.gpusPerNode = gpuValue(object["gpusPerNode"], at: "\(path).gpusPerNode")
        if object["gpus"] != nil && object["gpusPerNode"] != nil {
            error("\(path).gpusPerNode", "cannot be set together with \(path).gpus; keep one (sites such as Gautschi want gpusPerNode)")
        }
        directives.gres = text("gres")
        directives.output = text("output")
        directives.error = text("error")
        for key in ["output", "error"] {
            if let pattern = object[key], case .string(let p) = pattern, p.split(separator: "/").contains("..") {
                error("\(path).\(key)", "must stay inside the run directory: no '..' components (got \"\(p)\")")
            }
        }
        if let modules = stringArray(object["modules"], at: "\(path).modules", nonEmptyItems: true) {
            for (index, module) in modules.enumerated() where !SlurmFormats.isSafeDirectiveValue(module) {
                error("\(path).modules[\(index)]", "must be a module name without whitespace or shell characters (got \"\(module)\")")
            }
            directives.modules = modules
        }
        return directives
    }

    private mutating func gpuValue(_ value: JSONValue?, at path: String) -> String? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?:
            guard n >= 1 else { error(path, "must be an integer >= 1 (got \(n))"); return nil }
            return String(n)
        case .string(let text)?:
            if case .failure(let failure) = SlurmFormats.gpuCount(text) { error(path, "\(failure.message) (got \"\(text)\")"); return nil }
            return text
        case let other?:
            error(path, "must be an integer >= 1 or a \"type:count\" string (got \(other.preview))")
            return nil
        }
    }

    // MARK: - Primitive readers

    mutating func checkKeys(_ object: [String: JSONValue], allowed: [String], at path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let location = path.isEmpty ? key : "\(path).\(key)"
            error(location, "unknown key\(suggestion(key, Set(allowed))); allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    private mutating func object(_ value: JSONValue?, at path: String) -> [String: JSONValue]? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        case let other?:
            error(path, "must be an object (got \(other.preview))")
            return nil
        }
    }

    mutating func string(_ value: JSONValue?, at path: String, nonEmpty: Bool) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty {
                error(path, "must not be empty")
                return nil
            }
            if text.contains("\0") { error(path, "must not contain NUL bytes"); return nil }
            return text
        case let other?:
            error(path, "must be a string (got \(other.preview))")
            return nil
        }
    }

    private mutating func bool(_ value: JSONValue?, at path: String) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?:
            error(path, "must be true or false (got \(other.preview))")
            return nil
        }
    }

    mutating func integer(_ value: JSONValue?, at path: String, minimum: Int) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)? where n >= Int64(minimum) && n <= 1_000_000_000: return Int(n)
        case let other?:
            error(path, "must be an integer >= \(minimum) (got \(other.preview))")
            return nil
        }
    }

    mutating func stringArray(_ value: JSONValue?, at path: String, nonEmptyItems: Bool) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            var out: [String] = []
            var ok = true
            for (index, item) in items.enumerated() {
                if let text = string(item, at: "\(path)[\(index)]", nonEmpty: nonEmptyItems) { out.append(text) }
                else { ok = false; if case .null = item { error("\(path)[\(index)]", "must be a string (got null)") } }
            }
            return ok ? out : nil
        case let other?:
            error(path, "must be an array of strings (got \(other.preview))")
            return nil
        }
    }

    private mutating func checkWorkspaceRelative(_ dir: String, at path: String) {
        if dir.hasPrefix("/") || dir.hasPrefix("~") || dir.split(separator: "/").contains("..") {
            error(path, "must be a relative path that stays inside the workspace (got \"\(dir)\")")
        }
    }

    mutating func error(_ path: String, _ message: String) {
        issues.append(ConfigIssue(severity: .error, path: path, message: message))
    }

    private mutating func warning(_ path: String, _ message: String) {
        issues.append(ConfigIssue(severity: .warning, path: path, message: message))
    }

    static func isValidClusterId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy {
            ($0.value < 128) && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }

    func suggestion(_ word: String, _ candidates: Set<String>) -> String {
        guard let best = Suggestion.closest(to: word, among: candidates) else { return "" }
        return " (did you mean \"\(best)\"?)"
    }
}

extension ConfigValidator {
    /// Reads a call's `headerOverrides` object with the same rules as a
    /// profile's `slurmDefaults`; throws listing every problem.
    public static func parseDirectives(_ value: JSONValue, path: String) throws -> SlurmDirectives {
        var validator = ConfigValidator()
        let directives = validator.readDirectives(value, at: path)
        if let first = validator.issues.first(where: { $0.severity == .error }) {
            let all = validator.issues.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw ClusterSlurmError.invalidInput(all, path: first.path)
        }
        return directives ?? SlurmDirectives()
    }
}
