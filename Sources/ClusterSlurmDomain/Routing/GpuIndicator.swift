import Foundation
import ClusterSlurmSupport

/// A GPU indicator is either a case-insensitive substring or a regex written
/// `/pattern/flags` (flags: i, m, s, x).
public enum GpuIndicator {
    public static func isRegexLiteral(_ indicator: String) -> Bool {
        indicator.count >= 2 && indicator.hasPrefix("/") && indicator.dropFirst().contains("/")
    }

    public struct CompileError: Error, Sendable { public let message: String }

    public static func compile(_ indicator: String) -> Result<NSRegularExpression, CompileError> {
        guard let close = indicator.lastIndex(of: "/"), close > indicator.startIndex else {
            return .failure(CompileError(message: "is not a /regex/flags literal"))
        }
        let pattern = String(indicator[indicator.index(after: indicator.startIndex)..<close])
        let flags = indicator[indicator.index(after: close)...]
        var options: NSRegularExpression.Options = []
        for flag in flags {
            switch flag {
            case "i": options.insert(.caseInsensitive)
            case "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            case "x": options.insert(.allowCommentsAndWhitespace)
            case "g", "u": continue
            default: return .failure(CompileError(message: "unknown regex flag '\(flag)' in \(indicator) (allowed: i, m, s, x)"))
            }
        }
        if pattern.isEmpty { return .failure(CompileError(message: "empty regex in \(indicator)")) }
        do { return .success(try NSRegularExpression(pattern: pattern, options: options)) } catch {
            return .failure(CompileError(message: "invalid regex \(indicator): \(error.localizedDescription)"))
        }
    }

    /// Whether `indicator` matches `text`.
    public static func matches(_ indicator: String, in text: String) -> Bool {
        if isRegexLiteral(indicator), case .success(let regex) = compile(indicator) {
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        return text.range(of: indicator, options: [.caseInsensitive]) != nil
    }
}
