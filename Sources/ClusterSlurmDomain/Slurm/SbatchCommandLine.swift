import ClusterSlurmSupport

/// sbatch's own reading of its options: glibc `getopt_long` over sbatch's
/// option table. Guardrails must see the option sbatch will act on, whatever
/// the spelling an agent chose: a unique prefix of a long option (`--part=ai`
/// is `--partition=ai`), combined short flags (`-Qpai` is `-Q -p ai`), a value
/// joined with `=`, glued to a short flag, or in the next word.
///
/// The table was read from sbatch 22.05 itself (every long option, and
/// whether it takes a value, probed one by one); where a newer sbatch has
/// options this table lacks, a prefix unique here may be ambiguous there,
/// which sbatch refuses: never a different option.
public enum SbatchCommandLine {
    public enum Argument: Sendable { case none, required, optional }

    /// One option as sbatch will apply it.
    public struct Use: Sendable, Equatable {
        /// The full long name, without dashes (`partition`).
        public var option: String
        public var value: String?
        /// The word (or words) it came from, for messages: `-Qpai`, `--part=ai`.
        public var spelling: String
        /// Index of the first word in the argument list.
        public var index: Int
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
        public var index: Int
    }

    /// Every long option of sbatch 22.05 and whether it takes a value.
    public static let longOptions: [String: Argument] = {
        let required = """
            account acctg-freq array batch begin bb bbf cluster-constraint chdir cluster clusters comment container context
            constraint core-spec cores-per-socket cpu-freq cpus-per-gpu cpus-per-task deadline delay-boot dependency distribution
            error exclude export export-file extra-node-info gid gpu-bind gpu-freq gpus gpus-per-node gpus-per-socket gpus-per-task
            gres gres-flags hint input job-name kill-on-invalid-dep licenses mail-type mail-user mcs-label mem mem-bind mem-per-cpu
            mem-per-gpu mincpus network nodefile nodelist nodes ntasks ntasks-per-core ntasks-per-gpu ntasks-per-node
            ntasks-per-socket ntasks-per-tres open-mode output partition power prefer priority profile qos reservation signal
            sockets-per-node switches tasks-per-node thread-spec threads-per-core time time-min tmp uid wait-all-nodes wckey wrap
            """
        let none = """
            contiguous help hold ignore-pbs no-requeue overcommit oversubscribe parsable quiet reboot requeue spread-job test-only
            usage use-min-nodes verbose version wait
            """
        let optional = "exclusive get-user-env nice no-kill propagate"
        var table: [String: Argument] = [:]
        for (list, kind) in [(required, Argument.required), (none, .none), (optional, .optional)] {
            for name in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) { table[String(name)] = kind }
        }
        return table
    }()

    /// sbatch's short options and the long option each stands for. Those
    /// without a value are flags (`-Q`, `-H`…); where sbatch's optstring is
    /// unclear (`-k`), the letter is read as a flag, so letters after it are
    /// still seen as options (the stricter reading).
    public static let shortOptions: [Character: String] = [
        "a": "array", "A": "account", "b": "begin", "B": "extra-node-info", "c": "cpus-per-task", "C": "constraint",
        "d": "dependency", "D": "chdir", "e": "error", "F": "nodefile", "G": "gpus", "h": "help", "H": "hold", "i": "input",
        "J": "job-name", "k": "no-kill", "L": "licenses", "m": "distribution", "M": "clusters", "n": "ntasks", "N": "nodes",
        "o": "output", "O": "overcommit", "p": "partition", "q": "qos", "Q": "quiet", "s": "oversubscribe", "S": "core-spec",
        "t": "time", "v": "verbose", "V": "version", "w": "nodelist", "W": "wait", "x": "exclude",
    ]

    /// Reads `arguments` as sbatch does. Every word must be an option or an
    /// option's value: a bare word would be taken as the script itself.
    public static func parse(_ arguments: [String]) -> Result<[Use], ParseError> {
        var uses: [Use] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" || !word.hasPrefix("-") || word == "-" {
                return .failure(ParseError(message: word == "--" ? "`--` ends sbatch's options (what follows would be taken as the script)"
                                                                 : "\"\(word)\" is not an sbatch option (sbatch would take it as the script)", index: index))
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = body.firstIndex(of: "=").map { String(body[..<$0]) } ?? String(body)
                let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                let option: String
                switch resolveLong(name) {
                case .success(let resolved): option = resolved
                case .failure(let failure): return .failure(ParseError(message: failure.message, index: index))
                }
                switch longOptions[option]! {
                case .none:
                    if inline != nil { return .failure(ParseError(message: "--\(option) takes no value (got \(word))", index: index)) }
                    uses.append(Use(option: option, value: nil, spelling: word, index: index))
                case .optional:
                    uses.append(Use(option: option, value: inline, spelling: word, index: index))
                case .required:
                    if let inline {
                        uses.append(Use(option: option, value: inline, spelling: word, index: index))
                    } else {
                        guard index + 1 < arguments.count else {
                            return .failure(ParseError(message: "--\(option) needs a value (\(word) is the last argument)", index: index))
                        }
                        uses.append(Use(option: option, value: arguments[index + 1], spelling: word + " " + arguments[index + 1], index: index))
                        index += 1
                    }
                }
            } else {
                // A cluster of short options: flags until one that takes a value,
                // which takes the rest of the word or the next word.
                var letters = Substring(word.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let option = shortOptions[letter] else {
                        return .failure(ParseError(message: "-\(letter) is not an sbatch option (in \(word))", index: index))
                    }
                    if longOptions[option] == .required {
                        if !letters.isEmpty {
                            uses.append(Use(option: option, value: String(letters), spelling: word, index: index))
                        } else {
                            guard index + 1 < arguments.count else {
                                return .failure(ParseError(message: "-\(letter) (--\(option)) needs a value (\(word) is the last argument)", index: index))
                            }
                            uses.append(Use(option: option, value: arguments[index + 1], spelling: word + " " + arguments[index + 1], index: index))
                            index += 1
                        }
                        break
                    }
                    uses.append(Use(option: option, value: nil, spelling: word, index: index))
                }
            }
            index += 1
        }
        return .success(uses)
    }

    /// getopt_long's rule: an exact name wins, else a prefix of exactly one
    /// option (sbatch refuses an ambiguous one, and so do we).
    public static func resolveLong(_ name: String) -> Result<String, ParseError> {
        func failure(_ message: String) -> Result<String, ParseError> { .failure(ParseError(message: message, index: 0)) }
        if longOptions[name] != nil { return .success(name) }
        guard !name.isEmpty else { return failure("\"--\" followed by nothing is not an option") }
        let matches = longOptions.keys.filter { $0.hasPrefix(name) }.sorted()
        switch matches.count {
        case 1: return .success(matches[0])
        case 0: return failure("--\(name) is not an sbatch option")
        default: return failure("--\(name) is ambiguous for sbatch (it could be --\(matches.joined(separator: ", --")))")
        }
    }

    /// The last value given for each option (sbatch lets a later one win).
    public static func lastValues(_ uses: [Use]) -> [String: String] {
        var out: [String: String] = [:]
        for use in uses { out[use.option] = use.value ?? "" }
        return out
    }

    /// Splits the text after `#SBATCH` into words as sbatch does: on
    /// whitespace, with double or single quotes grouping, up to a `#` that
    /// starts a word (a trailing comment).
    public static func directiveWords(_ text: Substring) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == " " || character == "\t" || character == "\r" || character == "\u{0B}" || character == "\u{0C}" {
                if inWord { words.append(current); current = ""; inWord = false }
                continue
            }
            if character == "#", !inWord { break }
            inWord = true
            if character == "\"" || character == "'" { quote = character } else { current.append(character) }
        }
        if inWord { words.append(current) }
        return words
    }
}
