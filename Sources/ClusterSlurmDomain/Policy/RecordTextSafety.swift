import ClusterSlurmSupport

/// Free text that SLURM prints inside the held job's record.
///
/// `scontrol show job -o` prints one line of `Key=value` fields and does not
/// quote free text: a job name, a mail address or a log path holding
/// ` ReqTRES=cpu=1` would read as a field of its own. The record parser
/// refuses a record that repeats a field; this refuses such text before it
/// is ever sent, so an honest record is never ambiguous.
public enum RecordTextSafety {
    /// Options whose values are names: no blank or control character at all.
    public static let nameOptions = ["job-name", "mail-user", "comment", "wckey", "reservation", "constraint", "prefer",
                                     "licenses", "cluster-constraint", "mcs-label"]
    /// Options whose values are paths: blanks are fine, `␠Key=` is not.
    public static let pathOptions = ["output", "error", "input", "chdir"]

    /// Throws a `policy` error (rule `record_text`) naming the option.
    public static func check(_ values: [String: String], scriptName: String) throws {
        for option in nameOptions {
            guard let value = values[option] else { continue }
            if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
                throw refusal(option, value, "may not hold blanks or control characters")
            }
        }
        for option in pathOptions {
            guard let value = values[option] else { continue }
            if looksLikeAField(value) || value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw refusal(option, value, "may not hold control characters or a blank followed by `Key=`")
            }
        }
        if looksLikeAField(scriptName) || scriptName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ClusterSlurmError.policy(
                rule: "record_text", limit: "a script name SLURM's record shows unambiguously", requested: scriptName,
                message: "the script name \(scriptName) would read as more than one field of SLURM's job record; use a name without a blank followed by `Key=`",
                path: "scriptName")
        }
    }

    /// Whether some blank in `text` is followed by a word SLURM's record
    /// parser would take for a key (`␠Letters/:_…=`).
    public static func looksLikeAField(_ text: String) -> Bool {
        let words = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\t" })
        for word in words.dropFirst() {
            if let eq = word.firstIndex(of: "="), ScheduledJob.isKey(word[..<eq]) { return true }
        }
        return false
    }

    private static func refusal(_ option: String, _ value: String, _ why: String) -> ClusterSlurmError {
        ClusterSlurmError.policy(
            rule: "record_text", limit: "text SLURM's job record shows unambiguously", requested: "--\(option)=\(value)",
            message: "--\(option)=\(value) is refused: it \(why), because SLURM prints it unquoted in the job record the guardrails read; use letters, digits and -_.@/%")
    }
}
