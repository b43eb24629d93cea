import ArgumentParser
import ClusterSlurmKit
import Foundation

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a run until its job ends, printing each change of state.",
        discussion: """
        Exit codes: 0 the job COMPLETED; 1 it ended otherwise (FAILED, TIMEOUT, CANCELLED…); 2 bad usage; 3 a policy
        refusal; 4 its state could not be determined (cluster or accounting unreachable); 124 gave up waiting (--max-wait).
        Polls with backoff (2 s, growing 1.5× to 60 s) and never faster than polling.minIntervalSeconds per cluster.
        Example: cluster-slurm watch numpy-demo-20261129-101500 --max-wait 3600
        """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run to follow.") var runId: String
    @Option(name: .customLong("max-wait"), help: "Give up after this many seconds (exit 124).") var maxWait: Int?

    func run() async throws {
        let context: ActionContext
        do { context = try options.makeContext() } catch { throw ExitCode(Output.printError(error)) }
        let deadline = maxWait.map { Date().addingTimeInterval(Double($0)) }
        var delay = 2.0
        var lastState: String?
        while true {
            let result: CheckWorkload.Result
            do { result = try await CheckWorkload.run(.init(runId: runId), context: context) } catch {
                let code = Output.printError(error)
                // could not determine (cluster or accounting unreachable) is not "the job failed"
                let kind = ClusterSlurmError.wrapping(error).kind
                throw ExitCode([.remote, .ledger, .io, .notFound].contains(kind) ? 4 : code)
            }
            if result.state != lastState {
                let detail = [result.status.exitCode.map { "exit \($0)" }, result.status.cached == true ? "from ledger" : result.status.source.rawValue]
                    .compactMap { $0 }.joined(separator: ", ")
                FileHandle.standardOutput.write(Data("\(Timestamp.now()) \(result.runId ?? runId) job \(result.jobId): \(result.state) (\(detail))\n".utf8))
                lastState = result.state
            }
            if result.done { throw ExitCode(result.state == "COMPLETED" ? 0 : 1) }
            if let deadline, Date() >= deadline {
                FileHandle.standardError.write(Data("watch: gave up after \(maxWait!) s; the job is \(result.state)\n".utf8))
                throw ExitCode(124)
            }
            let wait = max(delay, Double(context.config.polling.minIntervalSeconds))
            try await Task.sleep(for: .seconds(wait))
            delay = min(delay * 1.5, 60)
        }
    }
}
