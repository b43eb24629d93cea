import ClusterSlurmSupport

/// Validation of job ids given by callers: plain (`123`), array task
/// (`123_4`) or heterogeneous component (`123+1`). Anything else is refused
/// before it gets near a shell.
public enum JobId {
    public static func validate(_ text: String, path: String = "jobId") throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if isValid(trimmed) { return trimmed }
        throw ClusterSlurmError.invalidInput(
            "must be a SLURM job id such as 12345, 12345_7 or 12345+1 (got \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\")",
            path: path)
    }

    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 40 else { return false }
        var sawSeparator = false
        var previousWasDigit = false
        for (index, character) in text.enumerated() {
            if character.isASCII && character.isNumber {
                previousWasDigit = true
            } else if (character == "_" || character == "+"), index > 0, previousWasDigit, !sawSeparator {
                sawSeparator = true
                previousWasDigit = false
            } else {
                return false
            }
        }
        return previousWasDigit
    }

    /// The id of the allocation a step or task belongs to: `123.batch` → `123`.
    public static func base(of text: String) -> String {
        String(text.prefix { $0 != "." })
    }
}
