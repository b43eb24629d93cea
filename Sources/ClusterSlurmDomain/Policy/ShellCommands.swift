import ClusterSlurmSupport

/// The simple commands in a piece of shell, with quotes removed, as bash
/// would see their words: enough for the environment policy to find a
/// command by name wherever it hides (after `eval`, `\`, `command`, `time`,
/// `env`, inside `( )`, `{ }`, `$( )`, backquotes or a `bash -c` string).
/// Not a shell: it errs towards finding more commands, never fewer.
public enum ShellCommands {
    /// Each simple command's words, in order, nested strings included.
    public static func commands(in text: String, depth: Int = 0) -> [[String]] {
        guard depth < 8 else { return [] }
        var out: [[String]] = []
        for words in split(text) {
            out += expand(words, depth: depth)
        }
        return out
    }

    /// A command with its wrappers taken off, plus the commands inside any
    /// string it runs (`eval …`, `bash -c …`).
    private static func expand(_ words: [String], depth: Int) -> [[String]] {
        var rest = ArraySlice(words)
        // Leading assignments and reserved words.
        let reserved: Set<String> = ["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "!", "in", "function", "select"]
        while let first = rest.first, reserved.contains(first) || isAssignment(first) { rest = rest.dropFirst() }
        guard let first = rest.first else { return [] }
        let name = basename(first)
        var out: [[String]] = [Array(rest)]
        switch name {
        case "eval":
            out += commands(in: rest.dropFirst().joined(separator: " "), depth: depth + 1)
        case "command", "builtin", "exec", "nohup", "time", "nice", "stdbuf", "setsid", "xargs", "sudo", "srun", "timeout", "env":
            // The wrapped command starts at the first word that is not an option, a value or an assignment.
            var inner = rest.dropFirst()
            if name == "timeout", let next = inner.first, !next.hasPrefix("-") { inner = inner.dropFirst() }
            while let word = inner.first, word.hasPrefix("-") || isAssignment(word) {
                inner = inner.dropFirst()
                // `env -u NAME`, `nice -n 5`, `timeout -s SIG`: the option's value.
                if ["-u", "-n", "-s", "-k", "-C", "-S"].contains(word), let value = inner.first, !value.hasPrefix("-") { inner = inner.dropFirst() }
                if name == "timeout", let value = inner.first, value.first?.isNumber == true { inner = inner.dropFirst() }
            }
            out += expand(Array(inner), depth: depth)
        case "bash", "sh", "zsh", "dash", "ksh", "su":
            var words = rest.dropFirst()
            while let word = words.first, word.hasPrefix("-") {
                words = words.dropFirst()
                if word.dropFirst().contains("c"), !word.hasPrefix("--"), let script = words.first {
                    out += commands(in: script, depth: depth + 1)
                    break
                }
            }
        default:
            break
        }
        return out
    }

    private static func basename(_ word: String) -> String {
        word.split(separator: "/").last.map(String.init) ?? word
    }

    private static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        return word[..<eq].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Splits shell text into simple commands of unquoted words. Operators,
    /// parentheses, braces, `$(`, backquotes and newlines end a command; the
    /// text inside `$( )` and backquotes is read as commands of its own.
    package static func split(_ text: String) -> [[String]] {
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var chars = Array(text)
        var i = 0
        func endWord() { if inWord { words.append(word) }; word = ""; inWord = false }
        func endCommand() { endWord(); if !words.isEmpty { commands.append(words) }; words = [] }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                if i + 1 < chars.count { if chars[i + 1] != "\n" { word.append(chars[i + 1]); inWord = true }; i += 2 } else { i += 1 }
                continue
            case "'":
                inWord = true
                i += 1
                while i < chars.count, chars[i] != "'" { word.append(chars[i]); i += 1 }
                i += 1
                continue
            case "\"":
                inWord = true
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count, "$`\"\\\n".contains(chars[i + 1]) { word.append(chars[i + 1]); i += 2; continue }
                    // a command substitution inside double quotes: its text is read as commands too
                    if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "(" {
                        chars[i] = " "; chars[i + 1] = ";"
                    }
                    word.append(chars[i]); i += 1
                }
                i += 1
                continue
            case "#" where !inWord:
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            case " ", "\t":
                endWord()
            case "\n", ";", "&", "|", "(", ")", "`", "<", ">":
                endCommand()
            case "{":
                // A brace starts a group even inside a word here: splitting too often only finds more commands to check.
                endCommand()
            case "}" where !inWord:
                endCommand()
            case "$" where i + 1 < chars.count && chars[i + 1] == "(":
                endCommand()
                i += 2
                continue
            default:
                word.append(c)
                inWord = true
            }
            i += 1
        }
        endCommand()
        // Words of double-quoted strings that held a `$(`: their insides were
        // kept as text; read them again as commands.
        return commands.flatMap { words -> [[String]] in
            [words] + words.filter { $0.contains(";") || $0.contains("\n") || $0.contains("|") }.flatMap { split($0) }
        }
    }
}
