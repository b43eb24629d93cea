import Foundation

/// Run ids as the reference makes them: `<prefix>-YYYYMMDD-HHMMSS`, lowercased,
/// `[^a-z0-9._-]` replaced by `-`, at most 80 characters.
public enum RunId {
    public static let maxLength = 80

    public static func sanitize(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "0"..."9", ".", "_", "-": return Character(scalar)
            default: return "-"
            }
        }
        return String(String(mapped).prefix(maxLength))
    }

    public static func generate(prefix: String?, at date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                           Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let cleanPrefix = sanitize(prefix?.isEmpty == false ? prefix! : "run")
        let room = maxLength - stamp.count - 1
        return sanitize(String(cleanPrefix.prefix(room)) + "-" + stamp)
    }

    /// Checks a caller-given id: it names a directory, so it must be a plain name.
    public static func validate(_ id: String, path: String = "runId") throws -> String {
        let clean = sanitize(id)
        guard !clean.isEmpty, !clean.hasPrefix("."), !clean.hasPrefix("-"), clean.count <= maxLength else {
            throw ClusterSlurmError.invalidInput(
                "run ids are 1-80 characters of a-z, 0-9, '.', '_' and '-', not starting with '.' or '-' (got \"\(id)\")", path: path)
        }
        guard !clean.hasPrefix("ledger.sqlite") else {
            throw ClusterSlurmError.invalidInput(
                "run ids may not start with \"ledger.sqlite\": the ledger's own files (database, journal, secret key) live beside the run dirs (got \"\(id)\")", path: path)
        }
        guard clean == id else {
            throw ClusterSlurmError.invalidInput(
                "run ids are lowercase a-z, 0-9, '.', '_' and '-' (got \"\(id)\"; did you mean \"\(clean)\"?)", path: path)
        }
        return clean
    }
}
