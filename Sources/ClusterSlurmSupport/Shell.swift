/// The one place where text becomes shell syntax.
///
/// Every remote command line and every value written into a job script passes
/// through `Shell.quote` (or a `ShellWord`, which uses it), so no caller ever
/// builds shell text by hand.
public enum Shell {
    /// Quotes `text` as one POSIX shell word: single quotes, with embedded single
    /// quotes spelled `'\''`. The result is safe in bash, dash and zsh.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.utf8.allSatisfy(isPlainByte) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Joins words into one command line, each rendered safely.
    public static func line(_ words: [ShellWord]) -> String {
        words.map(\.rendered).joined(separator: " ")
    }

    /// Convenience for commands whose words are all literal.
    public static func line(_ words: [String]) -> String {
        line(words.map(ShellWord.literal))
    }

    private static func isPlainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"),
             UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "%"),
             UInt8(ascii: "+"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}

/// One word of a shell command line.
public enum ShellWord: Sendable, Hashable {
    /// Taken byte for byte.
    case literal(String)
    /// A path under the remote user's home directory, given without the leading
    /// `~/`; rendered as `"$HOME"/'rest'` so the remote shell expands only `$HOME`.
    case homeRelative(String)
    /// Trusted shell syntax written by this program (an operator such as `&&`,
    /// a redirection). Never built from user input.
    case syntax(String)

    public var rendered: String {
        switch self {
        case .literal(let text): return Shell.quote(text)
        case .homeRelative(let rest): return rest.isEmpty ? "\"$HOME\"" : "\"$HOME\"/" + Shell.quote(rest)
        case .syntax(let text): return text
        }
    }
}
