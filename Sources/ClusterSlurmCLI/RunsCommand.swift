import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Read the run ledger: list, show, report, diff, replay and verify runs.",
        subcommands: [List.self, Show.self, Report.self, Diff.self, Compare.self, Tag.self, Note.self, Export.self, ImportCrate.self,
                      ReplayRun.self, Verify.self])

    struct List: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "List runs, newest first, from the run_summary view.",
            discussion: """
            Times are shown relative (5m ago) with queue wait and run time; NOTE holds SLURM's reason or the last stderr
            line for a failed run. --since takes \(SinceFilter.acceptedForms).
            Example: cluster-slurm runs list --state FAILED,TIMEOUT --since 7d
            """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only runs on this cluster.", completion: .custom(Completions.clusters)) var cluster: String?
        @Option(help: "Only runs whose last state is this, or one of several comma-separated (FAILED,TIMEOUT).") var state: String?
        @Option(help: "Only runs created since then: 2026-11-01, 24h, 7d, yesterday, \"last week\".") var since: String?
        @Option(help: "Only runs whose id, workload or commands contain this text.") var grep: String?
        @Option(help: "At most this many runs.") var limit = 50
        @Option(help: "Only runs with this tag (repeat: all of them).") var tag: [String] = []
        @Option(help: "Only runs with this parameter value, NAME=VALUE (repeat).") var param: [String] = []
        @Option(help: "Only runs whose metric meets this, e.g. 'loss<0.3' (< <= > >= = !=; repeat).") var metric: [String] = []

        func run() async throws {
            let context = try options.makeContext(readsOnly: true)
            let now = Date(), offset = HumanTime.localUTCOffset()
            let filter = try RunListOptions.filter(
                cluster: cluster, state: state, since: since, grep: grep, limit: limit, tags: tag, params: param, metrics: metric,
                configuredClusters: Array(context.config.clusters.keys), clustersInLedger: { try context.ledger.clustersInUse() },
                now: now, utcOffset: offset)
            let rows = try context.ledger.runSummaries(filter)
            if options.json { print(try CanonicalJSON.pretty(rows)); return }
            if rows.isEmpty {
                FileHandle.standardError.write(Data("no runs match\(filter.describe)\n".utf8))
                return
            }
            let terminal = Terminal(json: false)
            print(RunListView.render(rows, now: now, utcOffset: offset, palette: terminal.palette, maxWidth: terminal.width))
        }
    }

    struct Show: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Show a run at a glance: state, where and how long it ran, why it failed, inputs, outputs, provenance.",
            discussion: "Example: cluster-slurm runs show numpy-demo-20261129-101500 --full")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run id.", completion: .custom(Completions.runIds)) var runId: String
        @Flag(help: "Also print the rendered batch script.") var script = false
        @Flag(help: "Print everything: the script, every submission, the state timeline, accounting, all files.") var full = false

        func run() async throws {
            let archive = try options.makeContext(readsOnly: true).ledger.archive(runId: runId)
            if options.json { print(try CanonicalJSON.pretty(archive)); return }
            let terminal = Terminal(json: false)
            let detail: RunShowView.Detail = full ? .full : script ? .script : []
            print(RunShowView.render(archive, detail: detail, now: Date(), utcOffset: HumanTime.localUTCOffset(), palette: terminal.palette))
        }
    }

    struct Report: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a period: runs, completions and failures per cluster, GPU hours, failed runs with their reason, replays that did not reproduce.",
            discussion: "The same questions the ledger browser's canned queries answer (make browse). Example: cluster-slurm runs report --since 7d")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The period's start: 2026-11-01, 24h, 7d, yesterday, \"last week\".") var since = "7d"

        func run() async throws {
            let context = try options.makeContext(readsOnly: true)
            let now = Date(), offset = HumanTime.localUTCOffset()
            let start = try SinceFilter.parse(since, now: now, utcOffset: offset)
            let report = try context.ledger.report(since: Timestamp.string(start))
            if options.json { print(try CanonicalJSON.pretty(report)); return }
            let terminal = Terminal(json: false)
            print(ReportView.render(report, sinceText: since, now: now, utcOffset: offset, palette: terminal.palette, maxWidth: terminal.width))
        }
    }

    struct Compare: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Compare runs side by side: state, times, parameters, metrics, tags and inputs (rows that differ marked *).",
            discussion: "Example: cluster-slurm runs compare numpy-20261129-050432 numpy-20261129-051803")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Two or more runs.", completion: .custom(Completions.runIds)) var runIds: [String]

        func run() async throws {
            guard runIds.count >= 2 else { throw ClusterSlurmError.invalidInput("give two or more runs to compare", path: "runIds") }
            let ledger = try options.makeContext(readsOnly: true).ledger
            let facts = RunCompareView.facts(try runIds.map { try ledger.archive(runId: $0) })
            if options.json { print(try CanonicalJSON.pretty(facts)); return }
            let terminal = Terminal(json: false)
            print(RunCompareView.render(facts, palette: terminal.palette, maxWidth: terminal.width))
        }
    }

    struct Tag: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Tag a run (or with --remove untag it); `runs list --tag` finds tagged runs.",
            discussion: "Example: cluster-slurm runs tag numpy-20261129-101500 baseline paper-fig3")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run.", completion: .custom(Completions.runIds)) var runId: String
        @Argument(help: "Tags: letters, digits, '.', '_', '-', ':' or '/'.") var tags: [String]
        @Flag(help: "Remove these tags instead.") var remove = false

        func run() async throws {
            let checked = try tags.map(RunMetrics.checkedTag)
            let context = try options.makeContext()
            let now = try context.ledger.tag(runId: try RunId.validate(runId), tags: checked, remove: remove, now: Date())
            if options.json { print(try CanonicalJSON.pretty(["runId": .string(runId), "tags": JSONValue.array(now.map(JSONValue.string))] as [String: JSONValue])) }
            else { print("\(runId): \(now.isEmpty ? "no tags" : now.joined(separator: " "))") }
        }
    }

    struct Note: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to a run (kept in the ledger with its time; `runs show` lists them).",
            discussion: "Example: cluster-slurm runs note numpy-20261129-101500 \"baseline for the paper, figure 3\"")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run.", completion: .custom(Completions.runIds)) var runId: String
        @Argument(help: "The note.") var text: String

        func run() async throws {
            let note = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !note.isEmpty, note.count <= 10_000 else { throw ClusterSlurmError.invalidInput("a note is 1–10000 characters", path: "text") }
            try options.makeContext().ledger.addNote(runId: try RunId.validate(runId), text: note, now: Date())
            if !options.json { print("noted on \(runId)") }
        }
    }

    struct Export: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Export a run as an RO-Crate (Process Run Crate 0.5): script, inputs, outputs, environment, params, metrics and how it ended.",
            discussion: "Files the ledger archived are in the crate; the others are referenced where they are on the cluster (ssh://…). Example: cluster-slurm runs export numpy-20261129-101500 --ro-crate crates/numpy-101500")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run.", completion: .custom(Completions.runIds)) var runId: String
        @Option(name: .customLong("ro-crate"), help: "Write the crate into this new directory.") var directory: String?
        @Option(help: "Write the crate as this new .zip file instead.") var zip: String?

        func run() async throws {
            let context = try options.makeContext(readsOnly: true)
            let agent = "\(NSUserName()) on \(ProcessInfo.processInfo.hostName)"
            let result = try CrateExport.run(runId: runId, directory: directory, zip: zip, context: context, agent: agent)
            if options.json { print(try CanonicalJSON.pretty(result)); return }
            print("\(result.path): \(result.files) files, \(HumanTime.bytes(result.bytes))"
                  + (result.referenced > 0 ? "; \(result.referenced) referenced on the cluster, not archived" : ""))
        }
    }

    struct ImportCrate: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            commandName: "import-crate",
            abstract: "Restore a run from an RO-Crate written by runs export into this ledger (every file checked by sha256 first).",
            discussion: "Example: cluster-slurm runs import-crate crates/numpy-101500 --ledger archive/imported.sqlite")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The crate's directory.") var directory: String

        func run() async throws {
            let result = try CrateImport.run(directory: directory, context: try options.makeContext())
            if options.json { print(try CanonicalJSON.pretty(result)); return }
            print("imported \(result.runId): \(result.files) files checked" + (result.referenced > 0 ? ", \(result.referenced) referenced on the cluster" : ""))
        }
    }

    struct Diff: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Compare two runs from the ledger; exit 0 when identical in every counted category, 1 when they differ, 2 on error.",
            discussion: "Example: cluster-slurm runs diff numpy-20261129-050432 numpy-20261129-051803 --all")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The first run.", completion: .custom(Completions.runIds)) var runA: String
        @Argument(help: "The second run.", completion: .custom(Completions.runIds)) var runB: String
        @Flag(help: "Show unchanged and informational categories too.") var all = false
        @Option(name: .customLong("b-ledger"), help: "Read the second run from this other ledger (an imported crate, an archive).") var otherLedger: String?

        func run() async throws {
            let diff: RunDiff
            do {
                let ledger = try options.makeContext(readsOnly: true).ledger
                let other = try otherLedger.map { path -> Ledger in
                    guard FileManager.default.fileExists(atPath: path) else { throw ClusterSlurmError.invalidInput("no ledger at \(path)", path: "--b-ledger") }
                    return try Ledger(path: path, options: Ledger.OpenOptions(readOnly: true, readsOnly: true))
                } ?? ledger
                diff = RunDiff.compare(try ledger.archive(runId: runA), try other.archive(runId: runB))
            } catch {
                _ = Output.printError(error)
                throw ExitCode(2)
            }
            print(options.json ? (try CanonicalJSON.pretty(diff)) : diff.rendered(all: all, palette: Terminal(json: false).palette))
            throw ExitCode(diff.identical ? 0 : 1)
        }
    }

    struct ReplayRun: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Run a recorded run again from its archived script and inputs, as a new run linked to it.",
            discussion: "Example: cluster-slurm runs replay numpy-demo-20261129-101500 --override time=00:20:00 --dry-run")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run to replay.", completion: .custom(Completions.runIds)) var runId: String
        @Option(help: "Replay on another cluster profile (stored as a delta).") var cluster: String?
        @Option(name: .customLong("override"), help: "A directive change key=value, e.g. time=00:20:00 (repeat).") var overrides: [String] = []
        @Flag(name: .customLong("dry-run"), help: "Print the plan; change nothing.") var dryRun = false

        func run() async throws {
            var parsed: [String: String] = [:]
            for entry in overrides {
                guard let eq = entry.firstIndex(of: "=") else { throw ClusterSlurmError.invalidInput("must be key=value (got \"\(entry)\")", path: "--override") }
                parsed[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
            }
            let context = try options.makeContext()
            let request = Replay.Request(parentRunId: runId, cluster: cluster, overrides: parsed, dryRun: dryRun)
            let result = try await context.logged("runs_replay", parameters: ["runId": runId, "cluster": cluster ?? "", "dryRun": String(dryRun)]) {
                try await Replay.run(request, context: context)
            }
            Output.printResult(json: try CanonicalJSON.encode(result), asJSON: options.json)
        }
    }

    struct Verify: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Diff a finished replay against its parent and store the verdict (reproduced / differs).",
            discussion: "Example: cluster-slurm runs verify replay-20261129-120000")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The replay's run id.", completion: .custom(Completions.runIds)) var runId: String

        func run() async throws {
            let context = try options.makeContext()
            let result = try await VerifyReplay.run(runId: runId, context: context)
            if options.json { print(try CanonicalJSON.pretty(result)); return }
            print("\(result.runId) (replay of \(result.parentRunId)): \(result.verdict)\(result.differing.isEmpty ? "" : " — " + result.differing.joined(separator: ", "))")
            if let diff = result.diff, !result.differing.isEmpty { print(diff.rendered(all: false)) }
        }
    }
}
