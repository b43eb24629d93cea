import Foundation

/// UTC ISO-8601 with milliseconds, the one timestamp format of the ledger.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Double(millis / 1000)
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }

    public static func now() -> String { string(Date()) }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, read by hand: Foundation's
    /// ISO8601DateFormatter loads ICU and the zone database on first use,
    /// tens of milliseconds on every `runs list`.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for i in from..<(from + length) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0, scale = 0.1
        if index < b.count, b[index] == 0x2E {
            index += 1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 { fraction += Double(b[index] - 0x30) * scale; scale /= 10; index += 1 }
            guard index > start else { return nil }
        }
        var offset = 0
        if index == b.count - 1, b[index] == 0x5A || b[index] == 0x7A {
            offset = 0
        } else if index == b.count - 6, b[index] == 0x2B || b[index] == 0x2D, b[index + 3] == 0x3A,
                  let zh = number(index + 1, 2), let zm = number(index + 4, 2) {
            offset = (b[index] == 0x2D ? -1 : 1) * (zh * 3600 + zm * 60)
        } else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&parts) - offset) + fraction)
    }
}
