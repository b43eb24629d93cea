import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Times and sizes as a person reads them. Pure: the clock and the local
/// zone's offset from UTC are parameters.
public enum HumanTime {
    /// `45s`, `14m 03s`, `2h 05m`, `3d 4h`.
    public static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m \(String(format: "%02d", s % 60))s"
        case ..<86400: return "\(s / 3600)h \(String(format: "%02d", s % 3600 / 60))m"
        default: return "\(s / 86400)d \(s % 86400 / 3600)h"
        }
    }

    /// `just now`, `5m ago`, `3h ago`, `2d ago`; a date past 30 days.
    public static func relative(_ date: Date, now: Date, utcOffset: Int) -> String {
        let ago = Int(now.timeIntervalSince(date))
        switch ago {
        case ..<(-60): return "in " + duration(-ago).split(separator: " ")[0]
        case ..<10: return "just now"
        case ..<60: return "\(ago)s ago"
        case ..<3600: return "\(ago / 60)m ago"
        case ..<86400: return "\(ago / 3600)h ago"
        case ..<(30 * 86400): return "\(ago / 86400)d ago"
        default: return String(absolute(date, utcOffset: utcOffset).prefix(10))
        }
    }

    /// `2026-11-29 15:29:14` in the reader's zone, with the zone written out.
    public static func absolute(_ date: Date, utcOffset: Int) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(utcOffset)
        var parts = tm()
        gmtime_r(&t, &parts)
        let sign = utcOffset < 0 ? "-" : "+"
        let zone = utcOffset == 0 ? "UTC" : String(format: "%@%02d:%02d", sign, abs(utcOffset) / 3600, abs(utcOffset) % 3600 / 60)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)) + zone
    }

    /// `307 B`, `5.9 KiB`, `1.2 GiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }

    /// SLURM's durations (`[D-]HH:MM:SS`, `MM:SS`, `MM:SS.mmm`) in seconds, so
    /// `0:05` from squeue and `00:00:05` from sacct read the same.
    public static func slurmSeconds(_ text: String) -> Int? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var days = 0
        if let dash = rest.firstIndex(of: "-") {
            guard let d = Int(rest[..<dash]) else { return nil }
            days = d; rest = rest[rest.index(after: dash)...]
        }
        if let dot = rest.firstIndex(of: ".") { rest = rest[..<dot] }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        let n = parts.map { $0! }
        switch n.count {
        case 3: return days * 86400 + n[0] * 3600 + n[1] * 60 + n[2]
        case 2: return days > 0 ? days * 86400 + n[0] * 3600 + n[1] * 60 : n[0] * 60 + n[1]
        case 1: return days > 0 ? days * 86400 + n[0] * 3600 : n[0] * 60
        default: return nil
        }
    }

    /// SLURM's timestamps (`2026-11-29T15:29:14`, the cluster's local time,
    /// no zone) as if UTC: right for differences between two of them.
    public static func slurmTimestamp(_ text: String) -> Date? {
        let digits = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard digits.count == 6, digits.allSatisfy({ $0 != nil }) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(digits[0]! - 1900); parts.tm_mon = Int32(digits[1]! - 1); parts.tm_mday = Int32(digits[2]!)
        parts.tm_hour = Int32(digits[3]!); parts.tm_min = Int32(digits[4]!); parts.tm_sec = Int32(digits[5]!)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// The local zone's offset from UTC now, in seconds (honours `TZ`).
    public static func localUTCOffset(at date: Date = Date()) -> Int {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return Int(parts.tm_gmtoff)
    }
}
