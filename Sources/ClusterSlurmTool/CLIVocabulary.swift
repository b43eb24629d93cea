import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// The command line's names for what tool mode calls fields and actions, so
/// a hint printed by the CLI names what the person can type (`--run-id`,
/// `render-job`), while tool mode keeps the JSON names (`runId`, `render_job`).
public enum CLIVocabulary {
    /// Tool field → CLI option: every tool parameter's flag, and the person-only overrides'.
    public static let options: [String: String] = Dictionary(uniqueKeysWithValues: ToolParameter.allCases.map { ($0.name, $0.flag) })
        .merging(PersonOverrides.flags) { tool, _ in tool }

    /// The option for an error's path: `scriptPath` → `--script-path`,
    /// `headerOverrides.time` → `--header time=…`.
    public static func option(forPath path: String) -> String {
        if let option = options[path] { return option }
        if let dot = path.firstIndex(of: "."), let option = options[String(path[..<dot])] {
            return option == "--header" ? "--header \(path[path.index(after: dot)...])=…" : option
        }
        // a list's item (`after[1]`, `commands[0]`): the option that gives the list
        if let bracket = path.firstIndex(of: "["), let option = options[String(path[..<bracket])] { return option }
        return path
    }

    /// A message with tool names replaced by CLI names. Only identifiers
    /// that cannot be ordinary words are replaced: camelCase field names
    /// (`scriptPath`) and snake_case action names (`render_job`).
    public static func translate(_ message: String) -> String {
        let actionNames = Set(ToolCall.Action.allCases.map(\.rawValue))
        var out = ""
        var word = ""
        var before: Character = " "   // the character just before the current word
        func flush() {
            defer { word = "" }
            // part of a path, a flag, a dotted name or code: leave it
            if "-/.`$=\"'".contains(before) { out += word; return }
            if word.contains("_"), actionNames.contains(word) { out += word.replacingOccurrences(of: "_", with: "-"); return }
            if word.first?.isLowercase == true, word.contains(where: \.isUppercase), let option = options[word] { out += option; return }
            out += word
        }
        for character in message {
            if character.isLetter || character.isNumber || character == "_" {
                if word.isEmpty { before = out.last ?? " " }
                word.append(character)
                continue
            }
            flush()
            out.append(character)
        }
        flush()
        return out
    }
}
