import ClusterSlurmSupport

/// Reads `#SBATCH` lines back out of a script (ours or one the user wrote),
/// so log paths and job names come from what was actually submitted, and
/// the guardrails have a first look before the scheduler's own.
public enum ScriptDirectives {
    /// Long option name → value (the last one given), read as sbatch reads a
    /// script: lines end at `\n` only; `#SBATCH` must start the line; lines
    /// that are blank or start (after blanks) with `#` are passed over; the
    /// first other line ends the directives. Option names are sbatch's own
    /// reading (`-p` and `--part` are `partition`).
    public static func parse(_ script: String) -> [String: String] {
        var uses: [SbatchCommandLine.Use] = []
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#SBATCH") {
                let words = SbatchCommandLine.directiveWords(line.dropFirst("#SBATCH".count))
                if case .success(let parsed) = SbatchCommandLine.parse(words) { uses += parsed }
                continue
            }
            let text = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
            if text.isEmpty || text.hasPrefix("#") { continue }
            break
        }
        return SbatchCommandLine.lastValues(uses)
    }
}
