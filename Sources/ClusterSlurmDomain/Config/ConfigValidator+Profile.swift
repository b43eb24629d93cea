import Foundation
import ClusterSlurmSupport

/// A cluster profile and its remote root.
extension ConfigValidator {
    package mutating func readProfile(_ value: JSONValue, at path: String) -> ClusterProfile? {
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
        let allowCustomScripts = bool(object["allowCustomScripts"], at: "\(path).allowCustomScripts") ?? false
        let retry = readRetry(object["retry"], at: "\(path).retry")
        let preemption = readPreemption(object["preemption"], at: "\(path).preemption")
        let metricsFile = string(object["metricsFile"], at: "\(path).metricsFile", nonEmpty: true)
        if let metricsFile, metricsFile.hasPrefix("/") || metricsFile.split(separator: "/").contains("..") {
            error("\(path).metricsFile", "must be a path inside the run dir, such as outputs/metrics.json (got \"\(metricsFile)\")")
        }
        guard let sshTarget, let remoteRoot else { return nil }
        var profile = ClusterProfile(
            sshTarget: sshTarget, remoteRoot: remoteRoot, scheduler: scheduler, loginShell: loginShell,
            submitArgs: submitArgs, moduleInitScripts: moduleInitScripts, setupCommands: setupCommands,
            slurmDefaults: slurmDefaults, sshConfigFile: sshConfigFile, sshTimeoutSeconds: timeout, policy: policy,
            verifyInputsOnComputeNode: verifyInputs)
        profile.allowCustomScripts = allowCustomScripts
        profile.retry = retry
        profile.preemption = preemption
        profile.metricsFile = metricsFile
        return profile
    }

    package mutating func readRemoteRoot(_ text: String, at path: String) -> RemotePath? {
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
}
