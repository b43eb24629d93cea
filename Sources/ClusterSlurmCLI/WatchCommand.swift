import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct WatchCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a run until its job ends: a line per change of state, a heartbeat on a terminal, a summary at the end.",
        discussion: """
        The summary gives the exit code, queue wait, run time, MaxRSS and, for a failed job, SLURM's reason and the last
        lines of its stderr. With --json each check's result is printed as one JSON line.
        Exit codes: 0 the job COMPLETED; 1 it ended otherwise (FAILED, TIMEOUT, CANCELLED…); 2 bad usage; 3 a policy
        refusal; 4 its state could not be determined (cluster or accounting unreachable); 124 gave up waiting (--max-wait).
        Polls with backoff (2 s, growing 1.5× to 60 s) and never faster than polling.minIntervalSeconds per cluster.
        Example: cluster-slurm watch numpy-demo-20261129-101500 --max-wait 3600
        """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run to follow.", completion: .custom(Completions.runIds)) var runId: String
    @Option(name: .customLong("max-wait"), help: "Give up after this many seconds (exit 124).") var maxWait: Int?

    func run() async throws {
        let context: ActionContext
        context = try options.makeContext()
        let terminal = Terminal(json: options.json)
        let heartbeat = Heartbeat(enabled: terminal.progressOnStderr && !options.json)
        let started = Date(), offset = HumanTime.localUTCOffset()
        let deadline = maxWait.map { started.addingTimeInterval(Double($0)) }
        var delay = 2.0
        var lastState: String?
        while true {
            let result: CheckWorkload.Result
            do { result = try await CheckWorkload.run(.init(runId: runId), context: context) } catch {
                heartbeat.clear()
                let code = Output.printError(error)
                // could not determine (cluster or accounting unreachable) is not "the job failed"
                let kind = ClusterSlurmError.wrapping(error).kind
                throw ExitCode([.remote, .ledger, .io, .notFound].contains(kind) ? 4 : code)
            }
            if options.json {
                print(try CanonicalJSON.encode(result))
            } else {
                let seen = result.state + (result.tasks?.text ?? "")
                if let retry = result.retry {
                    heartbeat.clear()
                    print(WatchView.retryLine(retry, palette: terminal.palette))
                }
                if seen != lastState {
                    heartbeat.clear()
                    print(WatchView.stateLine(result, at: Date(), watchingSince: started, utcOffset: offset, palette: terminal.palette))
                }
                lastState = seen
            }
            if result.done {
                heartbeat.clear()
                if !options.json, let archive = try? context.ledger.archive(runId: result.runId ?? runId) {
                    print(WatchView.summary(archive, palette: terminal.palette))
                }
                throw ExitCode(result.state == "COMPLETED" ? 0 : 1)
            }
            if let deadline, Date() >= deadline {
                heartbeat.clear()
                FileHandle.standardError.write(Data("watch: gave up after \(maxWait!) s; the job is \(result.state)\n".utf8))
                throw ExitCode(124)
            }
            // the wait between checks, with the heartbeat redrawn each second on a terminal
            let wait = Int(max(delay, Double(context.config.polling.minIntervalSeconds)).rounded(.up))
            for remaining in stride(from: wait, to: 0, by: -1) {
                heartbeat.show(WatchView.heartbeat(state: result.state, jobId: result.jobId,
                                                   watching: Int(Date().timeIntervalSince(started)), nextCheckIn: remaining))
                try await Task.sleep(for: .seconds(1))
            }
            delay = min(delay * 1.5, 60)
        }
    }
}
