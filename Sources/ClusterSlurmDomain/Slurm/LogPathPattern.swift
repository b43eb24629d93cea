import ClusterSlurmSupport

/// Expands sbatch filename patterns (`--output`/`--error`) the way slurmd does:
/// `%j` job id, `%x` job name, `%u` user, `%A` array master id, `%a` array
/// task id, `%N` first node, `%n` node id, `%t` task id, `%s` step, `%%` a
/// percent sign; `%5j` zero-pads to 5 digits. The user is left to the remote
/// shell (`"$USER"`), so the result is a shell word, not a string.
public enum LogPathPattern {
    public struct Context: Sendable {
        public var jobId: String
        public var jobName: String
        public var firstNode: String?

        public init(jobId: String, jobName: String, firstNode: String?) {
            self.jobId = jobId
            self.jobName = jobName
            self.firstNode = firstNode
        }
    }

    /// The default when no `output` is set.
    public static let defaultOutput = "slurm-%j.out"

    /// The expanded path as shell syntax relative to the run dir (or
    /// absolute), plus a plain rendering for display with `$USER` literal.
    public static func expand(_ pattern: String, context: Context) -> (word: ShellWord, display: String) {
        var pieces: [(text: String, isUser: Bool)] = []
        func append(_ text: String) {
            if let last = pieces.last, !last.isUser { pieces[pieces.count - 1].text += text } else { pieces.append((text, false)) }
        }
        let (master, task) = splitArray(context.jobId)
        var characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "%", index + 1 < characters.count else { append(String(character)); index += 1; continue }
            var cursor = index + 1
            var width = ""
            while cursor < characters.count, characters[cursor].isNumber { width.append(characters[cursor]); cursor += 1 }
            guard cursor < characters.count else { append(String(characters[index...])); break }
            let code = characters[cursor]
            func padded(_ value: String) -> String {
                guard let w = Int(width), value.allSatisfy(\.isNumber), value.count < w else { return value }
                return String(repeating: "0", count: w - value.count) + value
            }
            switch code {
            case "%": append("%")
            case "j": append(padded(task == nil ? context.jobId : master))
            case "A": append(padded(master))
            case "a": append(padded(task ?? "4294967294"))
            case "x": append(context.jobName)
            case "u": pieces.append(("", true))
            case "N": append(context.firstNode ?? "%N")
            case "n", "t": append(padded("0"))
            case "s": append("batch")
            default: append(String(characters[index...cursor]))
            }
            index = cursor + 1
        }
        characters.removeAll()
        let word = ShellWord.syntax(pieces.map { $0.isUser ? "\"$USER\"" : (($0.text.isEmpty) ? "" : Shell.quote($0.text)) }.joined())
        let display = pieces.map { $0.isUser ? "$USER" : $0.text }.joined()
        return (word, display)
    }

    private static func splitArray(_ jobId: String) -> (master: String, task: String?) {
        let parts = jobId.split(separator: "_", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : (jobId, nil)
    }

    /// The first host of a compressed host list: `a[01-03,7],b` → `a01`.
    public static func firstNode(of nodeList: String?) -> String? {
        guard let nodeList, !nodeList.isEmpty else { return nil }
        var depth = 0
        var first = ""
        for character in nodeList {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ",", depth == 0 { break }
            first.append(character)
        }
        guard let open = first.firstIndex(of: "[") else { return first }
        let prefix = first[..<open]
        let inside = first[first.index(after: open)...].prefix { $0 != "]" }
        let firstRange = inside.split(separator: ",").first ?? ""
        let start = firstRange.split(separator: "-").first ?? ""
        return String(prefix) + String(start)
    }
}
