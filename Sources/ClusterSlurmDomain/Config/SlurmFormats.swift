import ClusterSlurmSupport

/// Validation of SLURM's own value formats, shared by config and call checks.
public enum SlurmFormats {
    /// `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`, or
    /// `UNLIMITED`/`INFINITE`. Returns the limit in seconds (nil for unlimited)
    /// or throws a message saying which forms are accepted. A limit of zero
    /// is no limit at all for SLURM ("a time limit of zero requests that no
    /// time limit be imposed"), so it is unlimited here too.
    public static func timeLimitSeconds(_ text: String) -> Result<Int?, FormatError> {
        timeLimitParts(text).map { $0 == 0 ? nil : $0 }
    }

    private static func timeLimitParts(_ text: String) -> Result<Int?, FormatError> {
        let upper = text.uppercased()
        if upper == "UNLIMITED" || upper == "INFINITE" { return .success(nil) }
        let fail = Result<Int?, FormatError>.failure(FormatError(
            "must be a SLURM time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"))
        func number(_ part: Substring) -> Int? {
            guard !part.isEmpty, part.count <= 7, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber) else { return nil }
            return Int(part)
        }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { return fail }
        if dayParts.count == 2 {
            guard let days = number(dayParts[0]) else { return fail }
            let rest = dayParts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (1...3).contains(rest.count) else { return fail }
            let values = rest.compactMap(number)
            guard values.count == rest.count else { return fail }
            let hours = values[0], minutes = values.count > 1 ? values[1] : 0, seconds = values.count > 2 ? values[2] : 0
            guard hours < 24, minutes < 60, seconds < 60 else { return fail }
            return .success(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let values = parts.compactMap(number)
        guard values.count == parts.count else { return fail }
        switch values.count {
        case 1: return .success(values[0] * 60)
        case 2:
            guard values[1] < 60 else { return fail }
            return .success(values[0] * 60 + values[1])
        case 3:
            guard values[1] < 60, values[2] < 60 else { return fail }
            return .success(values[0] * 3600 + values[1] * 60 + values[2])
        default: return fail
        }
    }

    /// Memory in SLURM's units: a whole number with an optional K, M, G or T
    /// suffix (megabytes when none). Returns megabytes.
    public static func memoryMegabytes(_ text: String) -> Result<Int, FormatError> {
        let fail = Result<Int, FormatError>.failure(FormatError(
            "must be a SLURM memory size: a whole number with an optional K, M, G or T suffix (e.g. 8G, 512M)"))
        var digits = Substring(text)
        var factor = 1.0
        if let last = text.last, last.isLetter {
            switch last.uppercased() {
            case "K": factor = 1.0 / 1024
            case "M": factor = 1
            case "G": factor = 1024
            case "T": factor = 1024 * 1024
            default: return fail
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits), value > 0 else { return fail }
        return .success(max(1, Int((Double(value) * factor).rounded(.up))))
    }

    /// A `--gpus` / `--gpus-per-node` value: `N` or `type:N`, N ≥ 1.
    public static func gpuCount(_ text: String) -> Result<Int, FormatError> {
        let fail = Result<Int, FormatError>.failure(FormatError("must be a GPU count >= 1 or type:count (e.g. 1, a100:2)"))
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let count = Int(parts.last!), count >= 1 else { return fail }
        if parts.count == 2 {
            guard !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else { return fail }
        }
        return .success(count)
    }

    /// Directive values go into `#SBATCH --flag=value` lines, which sbatch
    /// splits on whitespace; anything else that could confuse it is refused.
    public static func isSafeDirectiveValue(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7f && !"\"'`\\$;&|<>()".unicodeScalars.contains(scalar)
        }
    }

    public struct FormatError: Error, Sendable {
        public let message: String
        package init(_ message: String) { self.message = message }
    }
}
