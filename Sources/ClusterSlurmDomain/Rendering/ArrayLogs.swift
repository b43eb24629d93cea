import ClusterSlurmSupport

/// Log file patterns for array tasks: each task its own file, named by the
/// array id and task index (`%A_%a`) so a task's logs are found from its id.
public enum ArrayLogs {
    /// `slurm-%j.out` → `slurm-%A_%a.out`; a pattern already naming `%a` is
    /// kept; one with neither `%j` nor `%a` gets `_%A_%a` before its extension
    /// (else every task would write the same file).
    public static func taskPattern(_ pattern: String) -> String {
        let characters = Array(pattern)
        var out = ""
        var sawTask = false
        var replacedJob = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "%", index + 1 < characters.count else { out.append(character); index += 1; continue }
            var cursor = index + 1
            while cursor < characters.count, characters[cursor].isNumber { cursor += 1 }
            guard cursor < characters.count else { out.append(contentsOf: characters[index...]); break }
            let code = characters[cursor]
            if code == "a" { sawTask = true }
            if code == "j" {
                out += "%A_%a"
                replacedJob = true
            } else {
                out.append(contentsOf: characters[index...cursor])
            }
            index = cursor + 1
        }
        if sawTask { return pattern }
        if replacedJob { return out }
        let slash = pattern.lastIndex(of: "/").map { pattern.index(after: $0) } ?? pattern.startIndex
        if let dot = pattern[slash...].lastIndex(of: "."), dot > slash {
            return String(pattern[..<dot]) + "_%A_%a" + String(pattern[dot...])
        }
        return pattern + "_%A_%a"
    }
}
