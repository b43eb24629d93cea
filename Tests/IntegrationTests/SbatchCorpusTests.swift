import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Our reading of sbatch's options (`SbatchCommandLine`) against sbatch's
/// own: each spelling of the corpus is submitted held to the real sbatch,
/// and the field it sets in `scontrol show job` must be what we read.
@Suite(.enabled(if: Harness.clusterAvailable))
struct SbatchCorpusTests {
    /// An option, a value, and how scontrol shows the result.
    struct Base {
        var option: String
        var short: Character?
        var value: String
        var field: String
        var shown: String
        /// A valid earlier value, for the "last one wins" spelling.
        var earlier: String = ""
    }

    static let bases: [Base] = [
        Base(option: "partition", short: "p", value: "ai", field: "Partition", shown: "ai", earlier: "cpu"),
        Base(option: "account", short: "A", value: "lilly-ibil", field: "Account", shown: "lilly-ibil", earlier: "lilly-agentic-cpu"),
        Base(option: "time", short: "t", value: "7", field: "TimeLimit", shown: "00:07:00", earlier: "2"),
        Base(option: "time-min", short: nil, value: "3", field: "TimeMin", shown: "00:03:00", earlier: "1"),
        Base(option: "qos", short: "q", value: "normal", field: "QOS", shown: "normal", earlier: "normal"),
        Base(option: "job-name", short: "J", value: "corpus-name", field: "JobName", shown: "corpus-name", earlier: "first"),
        Base(option: "comment", short: nil, value: "corpus-comment", field: "Comment", shown: "corpus-comment", earlier: "first"),
        Base(option: "cpus-per-task", short: "c", value: "2", field: "CPUs/Task", shown: "2", earlier: "1"),
        Base(option: "ntasks", short: "n", value: "2", field: "NumTasks", shown: "2", earlier: "1"),
        Base(option: "mem", short: nil, value: "123M", field: "MinMemoryNode", shown: "123M", earlier: "50M"),
        Base(option: "mem-per-cpu", short: nil, value: "77M", field: "MinMemoryCPU", shown: "77M", earlier: "50M"),
        Base(option: "nice", short: nil, value: "5", field: "Nice", shown: "5", earlier: "1"),
        Base(option: "mail-type", short: nil, value: "END", field: "MailType", shown: "END"),  // no earlier value: sbatch adds mail types up (BEGIN,END)
        Base(option: "array", short: "a", value: "0-2", field: "ArrayTaskId", shown: "0-2"),
        Base(option: "output", short: "o", value: "out-corpus.txt", field: "StdOut", shown: "/out-corpus.txt", earlier: "first.txt"),
        Base(option: "error", short: "e", value: "err-corpus.txt", field: "StdErr", shown: "/err-corpus.txt", earlier: "first.txt"),
        Base(option: "input", short: "i", value: "in-corpus.txt", field: "StdIn", shown: "/in-corpus.txt", earlier: "first.txt"),
        Base(option: "chdir", short: "D", value: "/tmp", field: "WorkDir", shown: "/tmp"),
        Base(option: "no-requeue", short: nil, value: "", field: "Requeue", shown: "0"),
        Base(option: "exclusive", short: nil, value: "", field: "OverSubscribe", shown: "NO"),
        Base(option: "oversubscribe", short: "s", value: "", field: "OverSubscribe", shown: "YES"),
    ]

    /// Every spelling sbatch accepts for a base: `--opt=v`, `--opt v`, each
    /// unique abbreviation, `-Xv`, `-X v`, behind a flag (`-H…`), and after an
    /// earlier value of the same option (the last one wins).
    static func spellings(_ base: Base) -> [[String]] {
        let flag = base.value.isEmpty
        // A value in the next word only for options that require one (`--nice 5` would make 5 the script).
        let separateValue = SbatchCommandLine.longOptions[base.option] == .required
        var out: [[String]] = flag ? [["--\(base.option)"]] : [["--\(base.option)=\(base.value)"]]
        if separateValue { out.append(["--\(base.option)", base.value]) }
        for length in 2..<base.option.count {
            let prefix = String(base.option.prefix(length))
            if case .success(let resolved) = SbatchCommandLine.resolveLong(prefix), resolved == base.option {
                out.append(flag ? ["--\(prefix)"] : ["--\(prefix)=\(base.value)"])
            }
        }
        if let short = base.short {
            out.append(flag ? ["-\(short)"] : ["-\(short)\(base.value)"])
            if !flag { out.append(["-\(short)", base.value]); out.append(["-H\(short)\(base.value)"]) } else { out.append(["-H\(short)"]) }
            _ = separateValue
        }
        if !base.earlier.isEmpty {
            out.append(["--\(base.option)=\(base.earlier)", "--\(base.option)=\(base.value)"])
        }
        return out
    }

    @Test func ourReadingIsSbatchsOwn() throws {
        let cases = Self.bases.flatMap { base in Self.spellings(base).map { (base, $0) } }
        #expect(cases.count >= 100, "the corpus has \(cases.count) spellings")
        // Our reading first: each spelling sets the base's option to its value.
        for (base, words) in cases {
            let uses = try SbatchCommandLine.parse(words).get()
            let last = SbatchCommandLine.lastValues(uses)
            #expect(last[base.option] == base.value, "\(words) → \(last)")
        }
        // sbatch's reading: one remote program submits each spelling held, shows it, cancels it.
        let dir = "/scratch/hpcuser/openclaw-runs/cs-corpus-\(UUID().uuidString.prefix(8))"
        defer { Harness.ssh("rm -rf -- \(Harness.quote(dir))") }
        let program = """
        mkdir -p "$1" && cd "$1" || exit 3
        printf '#!/bin/bash\\ntrue\\n' > job.sh
        i=0
        while IFS=$'\\x1f' read -r -a words; do
          id=$(sbatch --parsable --hold -t 10 "${words[@]}" job.sh 2>&1)
          case "$id" in
            [0-9]*) echo "@@CASE $i"; scontrol show job -o "${id%%;*}" | head -n 1; scancel "${id%%;*}" ;;
            *) echo "@@CASE $i"; echo "@@ERROR $id" ;;
          esac
          i=$((i+1))
        done
        """
        let input = cases.map { $0.1.joined(separator: "\u{1F}") }.joined(separator: "\n") + "\n"
        let out = Harness.run("/usr/bin/ssh", ["-F", Harness.sshConfig, "-o", "BatchMode=yes", "testcluster", "bash -c \(Harness.quote(program)) x \(Harness.quote(dir))"],
                              stdin: input)
        #expect(out.status == 0, "\(out.stderr)")
        let answers = out.stdout.components(separatedBy: "@@CASE ").dropFirst()
        #expect(answers.count == cases.count)
        for answer in answers {
            let lines = answer.split(separator: "\n", maxSplits: 1).map(String.init)
            guard let index = Int(lines.first ?? ""), index < cases.count, lines.count == 2 else { Issue.record("bad answer \(answer)"); continue }
            let (base, words) = cases[index]
            let fields = ScheduledJob.fields(Substring(lines[1]))
            let shown = fields[base.field] ?? "(missing: \(lines[1].prefix(200)))"
            let matches = base.shown.hasPrefix("/") && base.field != "WorkDir" ? shown.hasSuffix(base.shown) : shown == base.shown
            #expect(matches, "sbatch read \(words) as \(base.field)=\(shown), we read --\(base.option)=\(base.value)")
        }
    }
}
