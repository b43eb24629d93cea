/// Reads `#SBATCH` lines back out of a script (ours or one the user wrote),
/// so log paths and job names come from what was actually submitted.
public enum ScriptDirectives {
    /// Long option name → value, for `#SBATCH --name=value`, `--name value`
    /// and the short forms `-J`, `-o`, `-e`, `-p`, `-A`, `-t`.
    public static func parse(_ script: String) -> [String: String] {
        let short = ["J": "job-name", "o": "output", "e": "error", "p": "partition", "A": "account", "t": "time",
                     "N": "nodes", "n": "ntasks", "c": "cpus-per-task", "q": "qos", "C": "constraint", "G": "gpus"]
        var out: [String: String] = [:]
        for line in script.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if !text.hasPrefix("#") { if text.isEmpty { continue } else { break } }
            guard text.hasPrefix("#SBATCH") else { continue }
            let words = text.dropFirst("#SBATCH".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var index = 0
            while index < words.count {
                let word = words[index]
                if word.hasPrefix("--") {
                    let body = word.dropFirst(2)
                    if let eq = body.firstIndex(of: "=") {
                        out[String(body[..<eq])] = String(body[body.index(after: eq)...])
                    } else if index + 1 < words.count, !words[index + 1].hasPrefix("-") {
                        out[String(body)] = words[index + 1]
                        index += 1
                    } else {
                        out[String(body)] = ""
                    }
                } else if word.hasPrefix("-"), word.count >= 2 {
                    let flag = String(word.dropFirst().prefix(1))
                    let inline = String(word.dropFirst(2))
                    if let long = short[flag] {
                        if !inline.isEmpty { out[long] = inline }
                        else if index + 1 < words.count { out[long] = words[index + 1]; index += 1 }
                    }
                }
                index += 1
            }
        }
        return out
    }
}
