import Foundation
import ClusterSlurmSupport

/// run_workload is profile-managed: the environment comes from the cluster
/// profile, not from the call. This decides what a call may add.
public enum EnvironmentPolicy {
    public struct Overrides: Sendable {
        public var setupCommands: [String]
        public var modules: [String]
        public var headerModules: [String]?
        public var commands: [String]

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(setupCommands: [String], modules: [String], headerModules: [String]? = nil, commands: [String]) {
            self.setupCommands = setupCommands
            self.modules = modules
            self.headerModules = headerModules
            self.commands = commands
        }
    }

    private static let activationPatterns: [(String, NSRegularExpression)] = [
        ("conda/mamba activate or create", #"\b(conda|mamba|micromamba)\s+(activate|create)\b"#),
        ("source …/bin/activate", #"(^|[\s;&|(])(source|\.)\s+\S*bin/activate\b"#),
        ("python -m venv", #"\bpython[0-9.]*\s+-m\s+venv\b"#),
        ("virtualenv", #"\bvirtualenv\b"#),
        ("uv venv", #"\buv\s+venv\b"#),
        ("eval \"$(conda shell…)\"", #"\beval\s+["']?\$\(\s*(conda|mamba|micromamba)\s+shell"#),
    ].map { ($0.0, try! NSRegularExpression(pattern: $0.1, options: [.caseInsensitive])) }

    /// Throws when the call changes the environment without permission.
    /// Permission needs both the config switch `execution.allowCustomEnvOverride`
    /// and the call's `allowEnvOverrides: true`; asking without the switch is
    /// itself an error, so an agent learns why.
    public static func check(_ overrides: Overrides, allowEnvOverrides: Bool, configAllows: Bool, action: String) throws {
        if allowEnvOverrides && !configAllows {
            throw ClusterSlurmError(.invalidInput,
                "\(action): allowEnvOverrides is disabled by cluster-slurm config (execution.allowCustomEnvOverride is false); environment setup belongs in the cluster profile",
                path: "allowEnvOverrides")
        }
        guard !(allowEnvOverrides && configAllows) else { return }
        let hint = "\(action) is profile-managed: put environment setup in the cluster profile's setupCommands / slurmDefaults.modules (or set execution.allowCustomEnvOverride in the config and pass allowEnvOverrides: true)"
        if overrides.setupCommands.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ClusterSlurmError(.invalidInput, "\(action) rejected call-level environment overrides (setupCommands); \(hint)", path: "setupCommands")
        }
        if overrides.modules.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ClusterSlurmError(.invalidInput, "\(action) rejected call-level environment overrides (modules); \(hint)", path: "modules")
        }
        if let headerModules = overrides.headerModules, !headerModules.isEmpty {
            throw ClusterSlurmError(.invalidInput, "\(action) rejected call-level environment overrides (headerOverrides.modules); \(hint)", path: "headerOverrides.modules")
        }
        for (index, command) in overrides.commands.enumerated() {
            for words in ShellCommands.commands(in: command) {
                if let what = environmentChange(words) {
                    throw ClusterSlurmError(.invalidInput, "\(action) rejected \(what) (`\(words.joined(separator: " ").prefix(120))`); \(hint)", path: "commands[\(index)]")
                }
            }
            // A second look at the raw text, for forms the word reading cannot see.
            for line in command.split(whereSeparator: \.isNewline).map(String.init) {
                let range = NSRange(line.startIndex..., in: line)
                for (name, regex) in activationPatterns where regex.firstMatch(in: line, range: range) != nil {
                    throw ClusterSlurmError(.invalidInput, "\(action) rejected custom environment mutation (\(name): \(line.trimmingCharacters(in: .whitespaces))); \(hint)", path: "commands[\(index)]")
                }
            }
        }
    }

    /// What a simple command (its words, quotes removed, wrappers already
    /// taken off by `ShellCommands`) does to the environment, if anything.
    package static func environmentChange(_ words: [String]) -> String? {
        guard let first = words.first else { return nil }
        let name = first.split(separator: "/").last.map(String.init) ?? first
        let args = words.dropFirst()
        let lowered = name.lowercased()
        if lowered == "module" || lowered == "ml" { return "inline module command `\(name)`" }
        if ["conda", "mamba", "micromamba"].contains(lowered),
           let verb = args.first(where: { ["activate", "deactivate", "run", "create"].contains($0) || $0.hasPrefix("shell") }) {
            return "custom environment mutation (\(name) \(verb))"
        }
        if lowered == "source" || lowered == "." {
            if args.contains(where: { $0 == "activate" || $0.hasSuffix("/activate") }) { return "custom environment mutation (source …activate)" }
        }
        if lowered == "activate" || lowered == "deactivate" { return "custom environment mutation (\(name))" }
        if lowered == "virtualenv" || (lowered == "pyenv" && args.contains { $0.hasPrefix("virtualenv") || $0 == "activate" || $0 == "shell" }) {
            return "custom environment mutation (\(name))"
        }
        if lowered == "uv", args.contains("venv") { return "custom environment mutation (uv venv)" }
        if lowered.hasPrefix("python") {
            let list = Array(args)
            for (i, word) in list.enumerated() where word == "-mvenv" || word == "-mvirtualenv"
                || (word == "-m" && i + 1 < list.count && (list[i + 1] == "venv" || list[i + 1] == "virtualenv")) {
                return "custom environment mutation (python -m venv)"
            }
        }
        return nil
    }
}
