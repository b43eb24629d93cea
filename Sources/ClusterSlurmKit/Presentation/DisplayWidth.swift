import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// How many terminal columns text takes, and text made safe to print on one
/// line: names come from agents and file systems, and a run id or file name
/// holding an escape sequence must not drive the reader's terminal.
public enum DisplayWidth {
    /// Columns taken: wide East Asian characters and emoji take two,
    /// combining marks none.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    package static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let properties = first.properties
        if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark { return 0 }
        if properties.isEmojiPresentation || isWide(first.value) { return 2 }
        return 1
    }

    /// The East Asian Wide and Fullwidth blocks (UAX #11), by range.
    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// One printable line: control characters (C0, DEL, C1) shown as
    /// `\n`, `\t`, `\u{1B}`…, never sent to the terminal.
    public static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00...0x1F, 0x7F...0x9F: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Multi-line text (a log tail, a script) with the escape and other
    /// control characters shown, newlines and tabs kept; a carriage return
    /// (a progress bar redrawing itself) starts a new line rather than
    /// overwriting what is already shown.
    public static func block(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { oneLine(String($0)).replacingOccurrences(of: "\\t", with: "\t") }
            .joined(separator: "\n")
    }

    /// Text cut to `width` columns with `…` in the middle (ids keep their
    /// distinguishing ends: prefix and timestamp).
    public static func truncateMiddle(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(width, 0)) }
        let keep = width - 1
        let head = prefix(text, columns: (keep + 1) / 2)
        let tail = suffix(text, columns: keep / 2)
        return head + "…" + tail
    }

    /// Text cut to `width` columns with `…` at the end.
    public static func truncateEnd(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(width, 0)) }
        return prefix(text, columns: width - 1) + "…"
    }

    package static func prefix(_ text: String, columns: Int) -> String {
        var used = 0, out = ""
        for character in text {
            let w = width(of: character)
            if used + w > columns { break }
            used += w; out.append(character)
        }
        return out
    }

    package static func suffix(_ text: String, columns: Int) -> String {
        var used = 0, out: [Character] = []
        for character in text.reversed() {
            let w = width(of: character)
            if used + w > columns { break }
            used += w; out.append(character)
        }
        return String(out.reversed())
    }

    /// Text padded with spaces to `width` columns.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(text)))
        return right ? fill + text : text + fill
    }
}
