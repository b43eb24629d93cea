import ArgumentParser
import ClusterSlurmKit
import Foundation

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Read the run ledger: list, show, diff, replay and verify runs.",
        subcommands: [List.self, Show.self, Diff.self, ReplayRun.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List runs, newest first, from the run_summary view.",
            discussion: "Example: cluster-slurm runs list --cluster gautschi-gpu --state FAILED --since 2026-11-01 --limit 20")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only runs on this cluster.") var cluster: String?
        @Option(help: "Only runs whose last state is this (e.g. COMPLETED, FAILED).") var state: String?
        @Option(help: "Only runs created at or after this ISO-8601 time or date.") var since: String?
        @Option(help: "Only runs whose id, workload or commands contain this text.") var grep: String?
        @Option(help: "At most this many runs.") var limit = 50

        func run() async throws {
            do {
                let context = try options.makeContext(forReading: true)
                let rows = try context.ledger.runSummaries(RunListFilter(cluster: cluster, state: state, since: since, grep: grep, limit: limit))
                if options.json { print(try CanonicalJSON.pretty(rows)); return }
                print(["RUN", "CLUSTER", "CREATED", "JOB", "STATE", "EXIT", "ELAPSED", "REPLAY OF", "VERDICT"].joined(separator: "\t"))
                for r in rows {
                    print([r.run_id, r.cluster, r.created, r.job_id ?? "-", r.last_state ?? "-", r.exit_code ?? "-",
                           r.elapsed_seconds.map { "\($0)s" } ?? "-", r.replay_of ?? "-", r.verdict ?? "-"].joined(separator: "\t"))
                }
            } catch { throw ExitCode(Output.printError(error)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show everything the ledger holds about a run: timeline, routing, script, inputs, outputs, accounting, provenance, replays.",
            discussion: "Example: cluster-slurm runs show numpy-demo-20261129-101500 --json")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run id.") var runId: String

        func run() async throws {
            do {
                let archive = try options.makeContext(forReading: true).ledger.archive(runId: runId)
                if options.json { print(try CanonicalJSON.pretty(archive)); return }
                print(RunReport.render(archive))
            } catch { throw ExitCode(Output.printError(error)) }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two runs from the ledger; exit 0 when identical in every counted category, 1 when they differ, 2 on error.",
            discussion: "Example: cluster-slurm runs diff run-a run-b --all")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The first run.") var runA: String
        @Argument(help: "The second run.") var runB: String
        @Flag(help: "Show unchanged and informational categories too.") var all = false

        func run() async throws {
            let diff: RunDiff
            do {
                let ledger = try options.makeContext(forReading: true).ledger
                diff = RunDiff.compare(try ledger.archive(runId: runA), try ledger.archive(runId: runB))
            } catch {
                _ = Output.printError(error)
                throw ExitCode(2)
            }
            print(options.json ? (try CanonicalJSON.pretty(diff)) : diff.rendered(all: all))
            throw ExitCode(diff.identical ? 0 : 1)
        }
    }

    struct ReplayRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Run a recorded run again from its archived script and inputs, as a new run linked to it.",
            discussion: "Example: cluster-slurm runs replay numpy-demo-20261129-101500 --override time=00:20:00 --dry-run")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The run to replay.") var runId: String
        @Option(help: "Replay on another cluster profile (stored as a delta).") var cluster: String?
        @Option(name: .customLong("override"), help: "A directive change key=value, e.g. time=00:20:00 (repeat).") var overrides: [String] = []
        @Flag(name: .customLong("dry-run"), help: "Print the plan; change nothing.") var dryRun = false

        func run() async throws {
            do {
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
            } catch { throw ExitCode(Output.printError(error)) }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Diff a finished replay against its parent and store the verdict (reproduced / differs).",
            discussion: "Example: cluster-slurm runs verify replay-20261129-120000")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The replay's run id.") var runId: String

        func run() async throws {
            do {
                let context = try options.makeContext()
                let result = try await VerifyReplay.run(runId: runId, context: context)
                if options.json { print(try CanonicalJSON.pretty(result)); return }
                print("\(result.runId) (replay of \(result.parentRunId)): \(result.verdict)\(result.differing.isEmpty ? "" : " — " + result.differing.joined(separator: ", "))")
                if let diff = result.diff, !result.differing.isEmpty { print(diff.rendered(all: false)) }
            } catch { throw ExitCode(Output.printError(error)) }
        }
    }
}
