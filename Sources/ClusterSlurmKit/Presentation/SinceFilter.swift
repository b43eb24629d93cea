import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// The forms `--since` takes: a point in time written as people write it.
public enum SinceFilter {
    public static let acceptedForms = "an ISO date or time (2026-11-01, 2026-11-01T09:30, 2026-11-01T09:30:00Z), an age (30m, 24h, 7d, 2w), today, yesterday or \"last week\""

    /// The earliest creation time a run may have, or an error naming the forms.
    public static func parse(_ text: String, now: Date, utcOffset: Int) throws -> Date {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        func localMidnight(daysBack: Int) -> Date {
            let local = Int(now.timeIntervalSince1970) + utcOffset
            let midnight = local - ((local % 86400) + 86400) % 86400
            return Date(timeIntervalSince1970: TimeInterval(midnight - daysBack * 86400 - utcOffset))
        }
        switch value {
        case "today": return localMidnight(daysBack: 0)
        case "yesterday": return localMidnight(daysBack: 1)
        case "last week", "last-week", "lastweek": return now.addingTimeInterval(-7 * 86400)
        case "last month", "last-month": return now.addingTimeInterval(-30 * 86400)
        default: break
        }
        if let unit = value.last, let amount = Int(value.dropLast()), amount >= 0,
           let seconds = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400][String(unit)] {
            return now.addingTimeInterval(-Double(amount * seconds))
        }
        if let date = isoDate(text.trimmingCharacters(in: .whitespaces), utcOffset: utcOffset) { return date }
        throw ClusterSlurmError.invalidInput("cannot read \"\(text)\" as a time; use \(acceptedForms)", path: "--since")
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` in local time, or with `Z`/`±HH:MM`.
    package static func isoDate(_ text: String, utcOffset: Int) -> Date? {
        let scalars = Array(text)
        guard scalars.count >= 10 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            guard from + length <= scalars.count else { return nil }
            let part = String(scalars[from..<(from + length)])
            return part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) ? Int(part) : nil
        }
        guard let year = number(0, 4), scalars[4] == "-", let month = number(5, 2), scalars[7] == "-", let day = number(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, index = 10
        var offset = utcOffset
        if index < scalars.count {
            guard scalars[index] == "T" || scalars[index] == "t" || scalars[index] == " ",
                  let h = number(index + 1, 2), index + 3 < scalars.count, scalars[index + 3] == ":", let m = number(index + 4, 2),
                  h < 24, m < 60 else { return nil }
            hour = h; minute = m; index += 6
            if index < scalars.count, scalars[index] == ":" {
                guard let s = number(index + 1, 2), s < 61 else { return nil }
                second = s; index += 3
                if index < scalars.count, scalars[index] == "." {
                    index += 1
                    while index < scalars.count, scalars[index].isNumber { index += 1 }
                }
            }
            if index < scalars.count {
                let zone = String(scalars[index...])
                if zone == "Z" || zone == "z" { offset = 0 }
                else if zone.count == 6, ["+", "-"].contains(zone.first!), let zh = Int(zone.dropFirst().prefix(2)), let zm = Int(zone.suffix(2)),
                        Array(zone)[3] == ":" {
                    offset = (zone.first == "-" ? -1 : 1) * (zh * 3600 + zm * 60)
                } else { return nil }
            }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts) - offset))
    }
}
